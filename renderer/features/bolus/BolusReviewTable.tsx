import { Table } from 'antd';
import { useTranslation } from 'react-i18next';
import type { BolusPreview } from '../../../core/api/program-schemas';
import { formatDateTime, formatQuantity } from '../../app/format';

/** The program the pump runs beside the bolus: what stays, what the bolus adds, the 24-hour total and the reservoir. */
export function BolusReviewTable({ preview }: { preview: BolusPreview }) {
  const { t, i18n } = useTranslation();
  const running = preview.running;
  const rows: Array<{ key: string; setting: string; now: string; with: string; changed: boolean }> = [
    {
      key: 'drug',
      setting: t('bolus.row.drug'),
      now: `${t(`drug.${running.drug}`)} ${formatQuantity(running.concentration, t)}`,
      with: `${t(`drug.${running.drug}`)} ${formatQuantity(running.concentration, t)}`,
      changed: false,
    },
    {
      key: 'program',
      setting: t('bolus.row.program'),
      now: `${t(`mode.${running.mode}`)}, ${formatQuantity(running.rate, t)}`,
      with: `${t(`mode.${running.mode}`)}, ${formatQuantity(running.rate, t)}`,
      changed: false,
    },
    ...preview.doses.map((d) => ({
      key: `dose-${d.drug}`,
      setting: `${t('bolus.row.dose')} (${t(`drug.${d.drug}`)})`,
      now: '—',
      with: formatQuantity(d.dose, t),
      changed: true,
    })),
    { key: 'volume', setting: t('bolus.row.volume'), now: '—', with: formatQuantity(preview.volume, t), changed: true },
    {
      key: 'duration',
      setting: t('bolus.row.duration'),
      now: '—',
      with: t('bolus.minutes', { n: preview.durationMinutes }),
      changed: true,
    },
    { key: 'rate', setting: t('bolus.row.rate'), now: '—', with: formatQuantity(preview.rate, t), changed: true },
    ...preview.doses.map((d) => ({
      key: `total-${d.drug}`,
      setting: `${t('bolus.row.total24h')} (${t(`drug.${d.drug}`)})`,
      now: formatQuantity(d.total24hBefore, t),
      with: formatQuantity(d.total24hWith, t),
      changed: d.total24hBefore.value !== d.total24hWith.value,
    })),
    // Repeated boluses are added up: each earlier clinician bolus of the window, and each drug's total of them with this one.
    ...preview.earlier.map((b, i) => ({
      key: `earlier-${i}`,
      setting: t('bolus.row.earlier', { at: formatDateTime(b.at, i18n.language) }),
      now:
        b.kind === 'single'
          ? t('bolus.row.earlierSingle', {
              dose: b.doses.map((d) => formatQuantity(d.dose, t)).join(', '),
              volume: formatQuantity(b.volume, t),
              minutes: b.durationMinutes,
            })
          : t('bolus.row.earlierPriming', { volume: formatQuantity(b.volume, t), minutes: b.durationMinutes }),
      with: '—',
      changed: false,
    })),
    ...preview.doses.map((d) => ({
      key: `clinician-${d.drug}`,
      setting: `${t('bolus.row.clinicianTotal', { hours: d.clinicianBoluses.hours, count: d.clinicianBoluses.count })} (${t(`drug.${d.drug}`)})`,
      now: formatQuantity(d.clinicianBoluses.before, t),
      with: formatQuantity(d.clinicianBoluses.with, t),
      changed: d.clinicianBoluses.before.value !== d.clinicianBoluses.with.value,
    })),
    {
      key: 'reservoir',
      setting: t('bolus.row.reservoir'),
      now: formatQuantity(preview.reservoir.before, t),
      with: formatQuantity(preview.reservoir.after, t),
      changed: true,
    },
    ...(preview.catheterPrimed === undefined
      ? []
      : [
          {
            key: 'primed',
            setting: t('bolus.row.primed'),
            now: preview.catheterPrimed ? t('bolus.yes') : t('bolus.no'),
            with: '—',
            changed: false,
          },
        ]),
  ];
  return (
    <Table
      data-testid="bolus-review-table"
      size="small"
      pagination={false}
      rowKey="key"
      dataSource={rows}
      rowClassName={(r) => (r.changed ? 'changed-row' : '')}
      columns={[
        { title: t('bolus.setting'), dataIndex: 'setting' },
        { title: t('bolus.now'), dataIndex: 'now' },
        {
          title: t('bolus.withBolus'),
          dataIndex: 'with',
          render: (v: string, r) => (r.changed ? <strong data-changed="true">{v}</strong> : v),
        },
      ]}
    />
  );
}
