import { Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { SessionFrames } from '../../../core/api/audit-schemas';
import { pumpApi } from '../../api/client';
import { useApi } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';

type FrameRow = SessionFrames['frames'][number] & { index: number };

/** The bytes in pairs of hex digits, 8 to a line (the frame header is the first 7). */
const hexLines = (hex: string): string => {
  const bytes = hex.match(/../g) ?? [];
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 8) lines.push(bytes.slice(i, i + 8).join(' '));
  return lines.join('\n');
};

/** The time of day to the millisecond, UTC; the whole timestamp on hover. */
const timeOf = (at: string) => <span title={at}>{at.slice(11, 23)}</span>;

/**
 * Support view of an audit record of a programming session: the raw frames the app and the wand
 * exchanged in that session, as stored with it, each as hex with its direction, time and message
 * name. Shows nothing for records that belong to no session.
 */
export function FramesView({ seq }: { seq: number }) {
  const { t } = useTranslation();
  const frames = useApi(['audit:frames', seq], () => pumpApi().audit.frames({ seq }));
  if (frames.error !== null) return <ErrorAlert error={frames.error} />;
  const session = frames.data;
  if (session === undefined || session === null) return null;
  const rows: FrameRow[] = session.frames.map((f, index) => ({ ...f, index: index + 1 }));
  return (
    <section data-testid="audit-frames" aria-labelledby={`audit-frames-${seq}`}>
      <Typography.Title level={5} id={`audit-frames-${seq}`} style={{ marginTop: 16 }}>
        {t('audit.frames.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {t('audit.frames.hint', { session: session.sessionId, serial: session.pumpSerial, n: rows.length })}
      </Typography.Paragraph>
      {rows.length === 0 ? (
        <Typography.Text>{t('audit.frames.none')}</Typography.Text>
      ) : (
        // Its own scrolling region that the keyboard can reach (a table body scrolled by antd cannot be).
        <div
          tabIndex={0}
          role="region"
          aria-label={t('audit.frames.title')}
          style={{ maxHeight: 320, overflow: 'auto' }}
        >
          <Table<FrameRow>
            size="small"
            rowKey="index"
            pagination={false}
            dataSource={rows}
            columns={[
              { key: 'index', title: '#', dataIndex: 'index', width: 44 },
              { key: 'at', title: t('audit.frames.time'), render: (_, f) => timeOf(f.at), width: 110 },
              {
                key: 'direction',
                title: t('audit.frames.direction'),
                render: (_, f) => t(`audit.frames.${f.direction}`),
                width: 120,
              },
              {
                key: 'message',
                title: t('audit.frames.message'),
                render: (_, f) => f.message ?? t('audit.frames.unreadable'),
                width: 150,
              },
              {
                key: 'hex',
                title: t('audit.frames.bytes'),
                render: (_, f) => <pre style={{ margin: 0, fontSize: 12, whiteSpace: 'pre' }}>{hexLines(f.hex)}</pre>,
              },
            ]}
          />
        </div>
      )}
    </section>
  );
}
