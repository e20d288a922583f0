import { Descriptions, Modal, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { pumpApi } from '../../api/client';
import { useApi } from '../../api/hooks';
import { formatDateTime } from '../../app/format';
import { ErrorAlert } from '../../components/ErrorAlert';
import { actionText, changeText, patientText, personText, reasonText } from './describe';
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
  const entry = record.data;
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
      {entry === undefined || entry.seq !== seq ? (
        record.error === null && <Spin />
      ) : (
        <div data-testid="audit-record">
          <Descriptions
            bordered
            size="small"
            column={1}
            items={[
              { key: 'action', label: t('audit.col.action'), children: actionText(t, entry.action) },
              { key: 'time', label: t('audit.col.time'), children: formatDateTime(entry.atUtc, i18n.language) },
              ...(entry.pumpTime === null
                ? []
                : [{ key: 'pumpTime', label: t('audit.pumpTime'), children: entry.pumpTime }]),
              { key: 'patient', label: t('audit.col.patient'), children: patientText(entry) || '—' },
              { key: 'pump', label: t('audit.col.pump'), children: entry.pumpSerial ?? '—' },
              {
                key: 'user',
                label: t('audit.col.user'),
                children: `${personText(entry.actorName, entry.actor)}${entry.role === null ? '' : ` — ${t(`role.${entry.role}`, { defaultValue: entry.role })}`}`,
              },
              {
                key: 'witness',
                label: t('audit.col.witness'),
                children: entry.witness === null ? '—' : personText(entry.witnessName, entry.witness),
              },
              {
                key: 'outcome',
                label: t('audit.col.outcome'),
                children: (
                  <span style={{ color: outcomeColour[entry.outcome] ?? '#000', fontWeight: 600 }}>
                    {t(`audit.outcome.${entry.outcome}`, { defaultValue: entry.outcome })}
                  </span>
                ),
              },
              {
                key: 'changes',
                label: t('audit.col.change'),
                children:
                  entry.changes.length === 0 ? (
                    '—'
                  ) : (
                    <ul style={{ margin: 0, paddingLeft: 18 }} data-testid="audit-record-changes">
                      {entry.changes.map((c) => (
                        <li key={c.field}>{changeText(t, c)}</li>
                      ))}
                    </ul>
                  ),
              },
              {
                key: 'reason',
                label: t('audit.reason'),
                children: entry.reason === null ? '—' : reasonText(t, entry.reason, i18n.language),
              },
              ...(entry.libraryVersion === null
                ? []
                : [{ key: 'library', label: t('audit.libraryVersion'), children: entry.libraryVersion }]),
            ]}
          />
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('audit.stored')}
          </Typography.Title>
          <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 8 }}>
            {(
              [
                ['old', entry.oldJson],
                ['new', entry.newJson],
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
          <FramesView seq={entry.seq} />
        </div>
      )}
    </Modal>
  );
}
