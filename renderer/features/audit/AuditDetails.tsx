import { Descriptions, Modal, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { pumpApi } from '../../api/client';
import { useApi } from '../../api/hooks';
import { formatDateTime } from '../../app/format';
import { ErrorAlert } from '../../components/ErrorAlert';
import { actionText, changeText, patientText, personText } from './describe';
import { outcomeColour } from './AuditTable';
import { FramesView } from './FramesView';

/** The stored JSON laid out for reading (as stored where it is not JSON). */
const pretty = (json: string | null): string => {
  if (json === null) return '—';
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
};

/** One record in full, in a dialog opened from its row (keyboard or pointer) and closed with Escape. */
export function AuditDetails({ seq, onClose }: { seq: number | undefined; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const record = useApi(['audit:record', seq], () => pumpApi().audit.record({ seq: seq ?? 1 }), {
    enabled: seq !== undefined,
  });
  const r = record.data;
  return (
    <Modal
      open={seq !== undefined}
      onCancel={onClose}
      footer={null}
      width={760}
      title={seq === undefined ? '' : t('audit.recordTitle', { seq })}
      destroyOnHidden
    >
      <ErrorAlert error={record.error} />
      {r === undefined || r.seq !== seq ? (
        record.error === null && <Spin />
      ) : (
        <div data-testid="audit-record">
          <Descriptions
            bordered
            size="small"
            column={1}
            items={[
              { key: 'action', label: t('audit.col.action'), children: actionText(t, r.action) },
              { key: 'time', label: t('audit.col.time'), children: formatDateTime(r.atUtc, i18n.language) },
              ...(r.pumpTime === null ? [] : [{ key: 'pumpTime', label: t('audit.pumpTime'), children: r.pumpTime }]),
              { key: 'patient', label: t('audit.col.patient'), children: patientText(r) || '—' },
              { key: 'pump', label: t('audit.col.pump'), children: r.pumpSerial ?? '—' },
              {
                key: 'user',
                label: t('audit.col.user'),
                children: `${personText(r.actorName, r.actor)}${r.role === null ? '' : ` — ${t(`role.${r.role}`, { defaultValue: r.role })}`}`,
              },
              {
                key: 'witness',
                label: t('audit.col.witness'),
                children: r.witness === null ? '—' : personText(r.witnessName, r.witness),
              },
              {
                key: 'outcome',
                label: t('audit.col.outcome'),
                children: (
                  <span style={{ color: outcomeColour[r.outcome] ?? '#000', fontWeight: 600 }}>
                    {t(`audit.outcome.${r.outcome}`, { defaultValue: r.outcome })}
                  </span>
                ),
              },
              {
                key: 'changes',
                label: t('audit.col.change'),
                children:
                  r.changes.length === 0 ? (
                    '—'
                  ) : (
                    <ul style={{ margin: 0, paddingLeft: 18 }} data-testid="audit-record-changes">
                      {r.changes.map((c) => (
                        <li key={c.field}>{changeText(t, c)}</li>
                      ))}
                    </ul>
                  ),
              },
              { key: 'reason', label: t('audit.reason'), children: r.reason ?? '—' },
              ...(r.libraryVersion === null
                ? []
                : [{ key: 'library', label: t('audit.libraryVersion'), children: r.libraryVersion }]),
            ]}
          />
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('audit.stored')}
          </Typography.Title>
          <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 8 }}>
            {(
              [
                ['old', r.oldJson],
                ['new', r.newJson],
              ] as const
            ).map(([k, json]) => (
              <figure key={k} style={{ margin: 0 }}>
                <figcaption>{t(`audit.stored_${k}`)}</figcaption>
                <pre
                  tabIndex={0}
                  style={{
                    maxHeight: 240,
                    overflow: 'auto',
                    background: '#fafafa',
                    padding: 8,
                    fontSize: 12,
                    margin: 0,
                  }}
                >
                  {pretty(json)}
                </pre>
              </figure>
            ))}
          </div>
          <FramesView seq={r.seq} />
        </div>
      )}
    </Modal>
  );
}
