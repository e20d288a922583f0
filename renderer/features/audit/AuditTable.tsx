import { Button } from 'antd';
import { useQueries } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useRef, type CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { AuditFilter, AuditPage, AuditRowView } from '../../../core/api/audit-schemas';
import { pumpApi, unwrap } from '../../api/client';
import { formatDateTime, formatDateTimeShort } from '../../app/format';
import { actionText, changesText, patientText, personText, reasonText } from './describe';

/** Rows fetched per request; only the pages under the viewport are ever requested. */
export const AUDIT_PAGE = 200;
const ROW_HEIGHT = 36;
const COLUMNS = '56px 136px minmax(0,1.2fr) minmax(0,1fr) 92px minmax(0,1fr) minmax(0,1.8fr) 84px 76px';
const cell: CSSProperties = { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' };

export const outcomeColour: Record<string, string> = {
  confirmed: '#135200',
  rejected: '#874d00',
  unconfirmed: '#a8071a',
  pending: '#434343',
};

/** Who did it, with the witness beside them. */
const byText = (t: TFunction, row: AuditRowView): string =>
  row.witness === null
    ? personText(row.actorName, row.actor)
    : t('audit.withWitness', {
        actor: personText(row.actorName, row.actor),
        witness: personText(row.witnessName, row.witness),
      });

/** One record; memoised, so rows already in view are not rendered again while scrolling. */
const Row = memo(function Row({
  row,
  language,
  onOpen,
}: {
  row: AuditRowView;
  language: string;
  onOpen: (seq: number) => void;
}) {
  const { t } = useTranslation();
  const what = actionText(t, row.action);
  const changed =
    row.changes.length > 0
      ? changesText(t, row.changes)
      : row.reason === null
        ? ''
        : reasonText(t, row.reason, language);
  return (
    <>
      <span role="cell">{row.seq}</span>
      <span role="cell" style={cell} title={formatDateTime(row.atUtc, language)} data-testid="audit-time">
        {formatDateTimeShort(row.atUtc, language)}
      </span>
      <span role="cell" style={cell} title={what}>
        {what}
      </span>
      <span role="cell" style={cell} data-testid="audit-patient">
        {patientText(row)}
      </span>
      <span role="cell" style={cell}>
        {row.pumpSerial ?? ''}
      </span>
      <span role="cell" style={cell}>
        {byText(t, row)}
      </span>
      <span role="cell" style={cell} data-testid="audit-changes">
        {changed}
      </span>
      <span role="cell" style={{ ...cell, color: outcomeColour[row.outcome] ?? '#000', fontWeight: 600 }}>
        {t(`audit.outcome.${row.outcome}`, { defaultValue: row.outcome })}
      </span>
      <span role="cell">
        <Button
          size="small"
          onClick={() => onOpen(row.seq)}
          aria-label={t('audit.detailsOf', { seq: row.seq, what })}
          data-testid="audit-details"
        >
          {t('audit.details')}
        </Button>
      </span>
    </>
  );
});

/**
 * The virtualised list on its own: only the rows in view are in the page and only their pages are
 * fetched, so 100,000 records scroll as smoothly as 100; scrolling re-renders only the rows in view,
 * not the filter form and the other controls of the screen.
 */
export function AuditTable({
  filter,
  total,
  head,
  onOpen,
}: {
  filter: AuditFilter;
  total: number;
  head: AuditPage | undefined;
  onOpen: (seq: number) => void;
}) {
  const { t, i18n } = useTranslation();
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
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
    <div
      role="table"
      aria-label={t('nav.audit')}
      aria-rowcount={total + 1}
      style={{ border: '1px solid #d9d9d9', borderRadius: 6 }}
    >
      <div role="rowgroup">
        <div
          role="row"
          aria-rowindex={1}
          style={{
            display: 'grid',
            gridTemplateColumns: COLUMNS,
            gap: 8,
            padding: '8px 12px',
            background: '#fafafa',
            fontWeight: 600,
            borderBottom: '1px solid #d9d9d9',
          }}
        >
          {(['seq', 'time', 'action', 'patient', 'pump', 'user', 'change', 'outcome', 'details'] as const).map((c) => (
            <span role="columnheader" key={c} style={cell}>
              {t(`audit.col.${c}`)}
            </span>
          ))}
        </div>
      </div>
      <div
        ref={scroller}
        role="rowgroup"
        data-testid="audit-scroller"
        tabIndex={0}
        aria-label={t('audit.scrollHint')}
        style={{ height: 480, overflow: 'auto', position: 'relative' }}
      >
        <div role="presentation" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = rowAt(item.index);
            return (
              <div
                role="row"
                aria-rowindex={item.index + 2}
                key={item.key}
                data-testid="audit-row"
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: ROW_HEIGHT,
                  transform: `translateY(${item.start}px)`,
                  display: 'grid',
                  gridTemplateColumns: COLUMNS,
                  gap: 8,
                  padding: '0 12px',
                  alignItems: 'center',
                  borderBottom: '1px solid #f0f0f0',
                  fontSize: 13,
                }}
              >
                {row === undefined ? (
                  <span role="cell">…</span>
                ) : (
                  <Row row={row} language={i18n.language} onOpen={onOpen} />
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
