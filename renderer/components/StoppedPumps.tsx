import { Alert, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { pumpApi } from '../api/client';
import { useApi } from '../api/hooks';
import { formatDateTime } from '../app/format';

/** Pumps stopped by their last program: listed until they run again (a stop is a therapy change). */
export function StoppedPumps() {
  const { t, i18n } = useTranslation();
  const stopped = useApi(['pumps:stopped'], () => pumpApi().pumps.stopped({}));
  if (stopped.data === undefined || stopped.data.length === 0) return null;
  return (
    <Alert
      type="error"
      showIcon
      data-testid="stopped-pumps"
      title={t('stopped.title', { count: stopped.data.length })}
      description={
        <Table
          size="small"
          pagination={false}
          rowKey="pumpSerial"
          dataSource={stopped.data}
          columns={[
            { title: t('status.serial'), dataIndex: 'pumpSerial' },
            {
              title: t('stopped.patient'),
              render: (_: unknown, r) => (r.patient === null ? '—' : `${r.patient.name} (${r.patient.identifier})`),
            },
            { title: t('status.drug'), dataIndex: 'drug', render: (d: string) => t(`drug.${d}`) },
            {
              title: t('stopped.since'),
              dataIndex: 'stoppedAt',
              render: (v: string) => formatDateTime(v, i18n.language),
            },
            { title: t('stopped.by'), dataIndex: 'stoppedBy' },
            { title: t('stopped.reason'), dataIndex: 'reason', render: (v: string | null) => v ?? '—' },
          ]}
        />
      }
    />
  );
}
