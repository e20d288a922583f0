import { Spin, Table, Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProgramPreview } from '../../../core/api/program-schemas';
import { unitText } from '../../app/format';

const ScheduleChart = lazy(() => import('../../components/charts/ScheduleChart'));

type Step = ProgramPreview['schedule']['new'][number];

function StepsTable({ steps, caption, testId }: { steps: readonly Step[]; caption: string; testId: string }) {
  const { t } = useTranslation();
  const first = steps[0];
  const unit = (pick: (s: Step) => string): string => (first === undefined ? '' : unitText(t, pick(first)));
  return (
    <Table<Step>
      data-testid={testId}
      className="finish-compact finish-steps"
      size="small"
      pagination={false}
      rowKey="start"
      dataSource={[...steps]}
      onRow={(s) => ({ 'data-start': s.start }) as React.HTMLAttributes<HTMLElement>}
      columns={[
        {
          key: 'time',
          title: (
            <>
              <strong>{caption}</strong> {t('finish.time')}
            </>
          ),
          render: (_, s) => `${s.start}–${s.end}`,
        },
        { key: 'rate', title: unit((s) => s.rate.unit), align: 'right', render: (_, s) => s.rate.value },
        { key: 'dose', title: unit((s) => s.dailyDose.unit), align: 'right', render: (_, s) => s.dailyDose.value },
        { key: 'hour', title: unit((s) => s.hourlyDose.unit), align: 'right', render: (_, s) => s.hourlyDose.value },
        {
          key: 'step',
          title: t('finish.inStep', { unit: unit((s) => s.stepDose.unit) }),
          align: 'right',
          render: (_, s) => s.stepDose.value,
        },
      ]}
    />
  );
}

/**
 * A flex day step by step, old beside new, with its 24-hour chart: what the witness signs on.
 * Every figure is the service's (the therapy model's programSchedule); nothing is computed here.
 */
export function ScheduleCompare({ schedule }: { schedule: ProgramPreview['schedule'] }) {
  const { t } = useTranslation();
  const perHour = (steps: readonly Step[]): string => unitText(t, steps[0]?.hourlyDose.unit ?? '');
  return (
    <section aria-label={t('finish.schedule')} data-testid="finish-schedule">
      <Typography.Text strong>{t('finish.schedule')}</Typography.Text>
      <StepsTable steps={schedule.old} caption={t('finish.now')} testId="schedule-old" />
      <StepsTable steps={schedule.new} caption={t('finish.new')} testId="schedule-new" />
      <Suspense fallback={<Spin />}>
        <ScheduleChart
          label={t('finish.chart')}
          old={schedule.old.map((s) => ({ start: s.start, perHour: s.hourlyDose.value }))}
          new={schedule.new.map((s) => ({ start: s.start, perHour: s.hourlyDose.value }))}
          oldName={t('finish.nowLine', { unit: perHour(schedule.old) })}
          newName={t('finish.newLine', { unit: perHour(schedule.new) })}
        />
      </Suspense>
    </section>
  );
}
