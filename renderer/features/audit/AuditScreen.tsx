import { Alert, Button, Card, Form, Input, Space, Spin, Typography } from 'antd';
import { useQueries } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditFilter, AuditPage, AuditRowView } from '../../../core/api/schemas';
import { pumpApi, unwrap } from '../../api/client';
import { useApi, useApiMutation } from '../../api/hooks';
import { may } from '../../../core/permissions';
import { formatDateTime } from '../../app/format';
import { ErrorAlert } from '../../components/ErrorAlert';

/** Rows fetched per request; only the pages under the viewport are ever requested. */
export const AUDIT_PAGE = 200;
const ROW_HEIGHT = 36;
const COLUMNS = '72px 170px 120px 110px 110px 180px 110px 1fr';

const outcomeColour: Record<string, string> = { confirmed: '#135200', rejected: '#874d00', unconfirmed: '#a8071a', pending: '#434343' };

function ChainStatus() {
  const { t } = useTranslation();
  const verify = useApi(['audit:verify'], () => pumpApi().audit.verify({}));
  if (verify.data === undefined) return verify.error === null ? <Spin /> : <ErrorAlert error={verify.error} />;
  const v = verify.data;
  return (
    <Alert
      data-testid="chain-status"
      data-ok={v.ok}
      data-status={v.status}
      type={v.status === 'intact' ? 'success' : v.status === 'unverifiable' ? 'warning' : 'error'}
      showIcon
      title={v.status === 'intact' ? t('audit.chainOk', { records: v.records, verified: v.checkpoints.verified }) : v.status === 'unverifiable' ? t('audit.chainUnverifiable', { records: v.records }) : t('audit.chainBroken', { seq: v.firstFailure?.seq ?? 0, problem: v.firstFailure?.problem ?? '' })}
      description={v.status === 'intact' ? (v.checkpoints.keyAvailable ? t('audit.keyAvailable') : t('audit.keyMissing')) : v.status === 'unverifiable' ? v.unverifiableReason : v.firstFailure?.message}
      action={
        <Button size="small" onClick={() => void verify.refetch()} loading={verify.isFetching}>
          {t('audit.verifyAgain')}
        </Button>
      }
    />
  );
}

/** One record; memoised, so rows already in view are not rendered again while scrolling. */
const Row = memo(function Row({ row, language }: { row: AuditRowView; language: string }) {
  return (
    <>
      <span role="cell">{row.seq}</span>
      <span role="cell">{formatDateTime(row.atUtc, language)}</span>
      <span role="cell">{row.actor}</span>
      <span role="cell">{row.witness ?? ''}</span>
      <span role="cell">{row.patientId ?? ''}</span>
      <span role="cell">{row.action}</span>
      <span role="cell" style={{ color: outcomeColour[row.outcome] ?? '#000', fontWeight: 600 }}>
        {row.outcome}
      </span>
      <span role="cell" title={row.detail ?? ''} style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
        {row.reason ?? row.detail ?? ''}
      </span>
    </>
  );
});

/** Saves the whole trail as a file (CSV, JSON or FHIR R4), readable and verifiable without the app. */
function ExportButtons() {
  const { t } = useTranslation();
  const exporter = useApiMutation((format: 'csv' | 'json' | 'fhir') => pumpApi().audit.export({ format }), [['audit:list'], ['audit:verify']]);
  const save = (format: 'csv' | 'json' | 'fhir') =>
    exporter.mutate(format, {
      onSuccess: (file) => {
        const url = URL.createObjectURL(new Blob([file.content], { type: file.mediaType }));
        const a = document.createElement('a');
        a.href = url;
        a.download = file.fileName;
        a.click();
        URL.revokeObjectURL(url);
      },
    });
  return (
    <Space wrap>
      <Typography.Text>{t('audit.export')}</Typography.Text>
      {(['csv', 'json', 'fhir'] as const).map((f) => (
        <Button key={f} onClick={() => save(f)} loading={exporter.isPending && exporter.variables === f}>
          {t(`audit.format.${f}`)}
        </Button>
      ))}
      <ErrorAlert error={exporter.error} />
    </Space>
  );
}

/**
 * The audit trail, newest first, with filters. Virtualised: only the rows in view are in the
 * page, and only their pages are fetched, so 100,000 records scroll as smoothly as 100.
 */
/**
 * The virtualised list on its own: scrolling re-renders only the rows in view, not the filter form
 * and the other controls of the screen (whose style hooks made scrolling stutter).
 */
function AuditTable({ filter, total, head }: { filter: AuditFilter; total: number; head: AuditPage | undefined }) {
  const { t, i18n } = useTranslation();
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  const items = virtualizer.getVirtualItems();
  const firstPage = Math.floor((items[0]?.index ?? 0) / AUDIT_PAGE);
  const lastPage = Math.floor((items[items.length - 1]?.index ?? 0) / AUDIT_PAGE);
  const pageNumbers = Array.from({ length: lastPage - firstPage + 1 }, (_, i) => firstPage + i);
  const pages = useQueries({
    queries: pageNumbers.map((p) => ({
      queryKey: ['audit:list', filter, p],
      queryFn: async () => unwrap(await pumpApi().audit.list({ filter, offset: p * AUDIT_PAGE, limit: AUDIT_PAGE })),
      staleTime: 30_000,
      ...(p === 0 && head !== undefined ? { initialData: head } : {}),
    })),
  });
  const rowAt = (index: number): AuditRowView | undefined => {
    const page = Math.floor(index / AUDIT_PAGE);
    return pages[page - firstPage]?.data?.rows[index - page * AUDIT_PAGE];
  };
  return (
    <div role="table" aria-label={t('nav.audit')} aria-rowcount={total + 1} style={{ border: '1px solid #d9d9d9', borderRadius: 6 }}>
      <div role="rowgroup">
      <div role="row" aria-rowindex={1} style={{ display: 'grid', gridTemplateColumns: COLUMNS, gap: 8, padding: '8px 12px', background: '#fafafa', fontWeight: 600, borderBottom: '1px solid #d9d9d9' }}>
        {(['seq', 'time', 'user', 'witness', 'patient', 'action', 'outcome', 'detail'] as const).map((c) => (
          <span role="columnheader" key={c}>
            {t(`audit.col.${c}`)}
          </span>
        ))}
      </div>
      </div>
      <div ref={scroller} role="rowgroup" data-testid="audit-scroller" tabIndex={0} aria-label={t('audit.scrollHint')} style={{ height: 480, overflow: 'auto', position: 'relative' }}>
        <div role="presentation" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = rowAt(item.index);
            return (
              <div
                role="row"
                aria-rowindex={item.index + 2}
                key={item.key}
                data-testid="audit-row"
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)`, display: 'grid', gridTemplateColumns: COLUMNS, gap: 8, padding: '0 12px', alignItems: 'center', borderBottom: '1px solid #f0f0f0', fontSize: 13 }}
              >
                {row === undefined ? <span role="cell">…</span> : <Row row={row} language={i18n.language} />}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

export default function AuditScreen() {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<AuditFilter>({});
  const role = useApi(['auth:status'], () => pumpApi().auth.status({})).data?.user?.role;
  const head = useApi(['audit:list', filter, 0], () => pumpApi().audit.list({ filter, offset: 0, limit: AUDIT_PAGE }));
  const total = head.data?.total ?? 0;
  const apply = (v: Record<string, string | undefined>) => {
    const next: AuditFilter = {};
    for (const key of ['patientId', 'pumpSerial', 'actor', 'action', 'from', 'to'] as const) {
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
        <Form layout="inline" onFinish={apply}>
          <Form.Item name="patientId" label={t('audit.patient')}>
            <Input style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="pumpSerial" label={t('audit.pump')}>
            <Input style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="actor" label={t('audit.user')}>
            <Input style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="action" label={t('audit.action')}>
            <Input style={{ width: 140 }} placeholder="pump.program" />
          </Form.Item>
          <Form.Item name="from" label={t('audit.from')} rules={[{ pattern: /^\d{4}-\d{2}-\d{2}$/, message: t('form.date') }]}>
            <Input style={{ width: 120 }} placeholder="YYYY-MM-DD" />
          </Form.Item>
          <Form.Item name="to" label={t('audit.to')} rules={[{ pattern: /^\d{4}-\d{2}-\d{2}$/, message: t('form.date') }]}>
            <Input style={{ width: 120 }} placeholder="YYYY-MM-DD" />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('audit.filter')}
          </Button>
        </Form>
      </Card>
      <ErrorAlert error={head.error} />
      <Typography.Text data-testid="audit-total">{t('audit.total', { count: total })}</Typography.Text>
      {/* Keyed by the filter: a new filter starts a new list at the top. */}
      <AuditTable key={JSON.stringify(filter)} filter={filter} total={total} head={head.data} />
      {role !== undefined && may(role, 'audit.export') && <ExportButtons />}
    </Space>
  );
}
