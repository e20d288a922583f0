import { Alert, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { ProgramComparisonSchema } from '../../../core/api/refill-schemas';
import { formatQuantityText } from '../../app/format';

type Comparison = z.infer<typeof ProgramComparisonSchema>;

/**
 * The program before beside the program after, row by row, and whether they are identical: the
 * proof on the refill-only visit's Finish screen (and its report, from the read-back) that the
 * therapy is unchanged. Values come canonical from the service; only their names and units are translated.
 */
export function ProgramCompare({ comparison, after }: { comparison: Comparison; after: 'sent' | 'readBack' }) {
  const { t } = useTranslation();
  const value = (field: string, v: string) =>
    field === 'drug'
      ? t(`drug.${v}`, { defaultValue: v })
      : field === 'mode'
        ? t(`mode.${v}`, { defaultValue: v })
        : formatQuantityText(v, t);
  return (
    <div data-testid="program-compare" data-identical={comparison.identical}>
      <Alert
        type={comparison.identical ? 'success' : 'error'}
        showIcon
        style={{ marginBottom: 8 }}
        title={t(comparison.identical ? 'visit.identical' : 'visit.notIdentical')}
      />
      <Table
        size="small"
        pagination={false}
        rowKey={(r) => `${r.field}-${r.label ?? ''}`}
        dataSource={comparison.rows}
        columns={[
          {
            key: 'field',
            title: t('visit.setting'),
            render: (_, r) =>
              r.field === 'step' ? t('visit.stepAt', { time: r.label ?? '' }) : t(`visit.field.${r.field}`),
          },
          { key: 'before', title: t('visit.before'), render: (_, r) => value(r.field, r.before) },
          {
            key: 'after',
            title: t(after === 'sent' ? 'visit.afterSent' : 'visit.afterReadBack'),
            render: (_, r) => value(r.field, r.after),
          },
          {
            key: 'same',
            title: t('visit.same'),
            render: (_, r) =>
              r.same ? (
                <strong style={{ color: '#135200' }}>✓ {t('visit.sameYes')}</strong>
              ) : (
                <strong style={{ color: '#a8071a' }}>✗ {t('visit.sameNo')}</strong>
              ),
          },
        ]}
      />
    </div>
  );
}
