import { Button, Card, Form, Input, Select, Space, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditFilter } from '../../../core/api/audit-schemas';
import { pumpApi } from '../../api/client';
import { useApi } from '../../api/hooks';
import { may } from '../../../core/permissions';
import { ErrorAlert } from '../../components/ErrorAlert';
import { AUDIT_PAGE, AuditTable } from './AuditTable';
import { AuditDetails } from './AuditDetails';
import { ChainStatus, ExportButtons } from './AuditTools';
import { actionText, auditActions } from './describe';

export { AUDIT_PAGE } from './AuditTable';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
type FilterForm = Partial<Record<'patient' | 'pumpSerial' | 'actor' | 'action' | 'from' | 'to', string>>;

/**
 * The audit trail, newest first: each record in the reader's language (what happened, to which
 * patient and pump, by whom, old → new), searched by patient name or ID, pump, user, action and
 * dates; any record opens in full from its row's Details button.
 */
export default function AuditScreen() {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<AuditFilter>({});
  const [open, setOpen] = useState<number | undefined>();
  const onOpen = useCallback((seq: number) => setOpen(seq), []);
  const role = useApi(['auth:status'], () => pumpApi().auth.status({})).data?.user?.role;
  const head = useApi(['audit:list', filter, 0], () => pumpApi().audit.list({ filter, offset: 0, limit: AUDIT_PAGE }));
  const total = head.data?.total ?? 0;
  const apply = (v: FilterForm) => {
    const next: AuditFilter = {};
    for (const key of ['patient', 'pumpSerial', 'actor', 'action', 'from', 'to'] as const) {
      const value = v[key]?.trim();
      if (value !== undefined && value !== '') next[key] = value;
    }
    setFilter(next);
  };
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('nav.audit')}
      </Typography.Title>
      <ChainStatus />
      <Card size="small">
        <Form<FilterForm> layout="inline" onFinish={apply} style={{ rowGap: 8 }} name="audit-filter">
          <Form.Item name="patient" label={t('audit.patient')}>
            <Input style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="pumpSerial" label={t('audit.pump')}>
            <Input style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="actor" label={t('audit.user')}>
            <Input style={{ width: 130 }} />
          </Form.Item>
          <Form.Item name="action" label={t('audit.action')}>
            <Select
              style={{ width: 200 }}
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              options={auditActions.map((a) => ({ value: a, label: actionText(t, a) }))}
            />
          </Form.Item>
          <Form.Item name="from" label={t('audit.from')} rules={[{ pattern: DATE, message: t('form.date') }]}>
            <Input style={{ width: 120 }} placeholder="YYYY-MM-DD" />
          </Form.Item>
          <Form.Item name="to" label={t('audit.to')} rules={[{ pattern: DATE, message: t('form.date') }]}>
            <Input style={{ width: 120 }} placeholder="YYYY-MM-DD" />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('audit.filter')}
          </Button>
        </Form>
      </Card>
      <ErrorAlert error={head.error} />
      <Typography.Text data-testid="audit-total" aria-live="polite">
        {t('audit.total', { count: total })}
      </Typography.Text>
      {/* Keyed by the filter: a new filter starts a new list at the top. */}
      <AuditTable key={JSON.stringify(filter)} filter={filter} total={total} head={head.data} onOpen={onOpen} />
      <AuditDetails seq={open} onClose={() => setOpen(undefined)} />
      {role !== undefined && may(role, 'audit.export') && <ExportButtons />}
    </Space>
  );
}
