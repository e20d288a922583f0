import { DECIMAL_INPUT } from '../../../core/quantity';
import { Button, Form, Input, Space, Spin, Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { dec } from '../../../core/decimal';
import { unitText } from '../../app/format';

const TrendChart = lazy(() => import('../../components/charts/TrendChart'));

import { HHMM } from '../../../core/calc/flex';

/** A step's start as the core checks it (one pattern for the screens and the services). */
export { HHMM };

/**
 * Flex steps: each from its start to the next (the last until midnight), with the 24-hour picture.
 * "Remove" sits at the far end of its own step, apart from the fields, and "Add step" on a row of
 * its own below the list: a destructive button is never next to another one.
 */
export function FlexEditor({
  unit: doseUnit,
  steps,
}: {
  /** The daily dose unit of the drug (mg/day, mcg/day), said here in the interface language. */
  unit: string;
  steps: Array<{ start?: string; dailyDose?: string }>;
}) {
  const { t } = useTranslation();
  const unit = unitText(t, doseUnit);
  const sorted = steps
    .filter(
      (s) =>
        s.start !== undefined && HHMM.test(s.start) && s.dailyDose !== undefined && DECIMAL_INPUT.test(s.dailyDose),
    )
    .sort((a, b) => (a.start ?? '').localeCompare(b.start ?? ''));
  // The chart shows each step's dose per hour, so an hourly figure typed as daily stands out.
  const points = sorted.map((s) => ({
    label: s.start ?? '',
    perHour: Number(
      dec(s.dailyDose ?? '0')
        .div(24)
        .toDecimalPlaces(4)
        .toString(),
    ),
  }));
  const last = points[points.length - 1];
  if (last !== undefined) points.push({ label: '24:00', perHour: last.perHour });
  return (
    <fieldset
      style={{ border: '1px solid #d9d9d9', borderRadius: 8, padding: '8px 16px', marginBottom: 16 }}
      data-testid="flex-editor"
    >
      <legend style={{ width: 'auto', padding: '0 4px', fontSize: 14, marginBottom: 0, border: 0 }}>
        {t('flex.title')}
      </legend>
      <Typography.Paragraph type="secondary">{t('flex.hint', { unit })}</Typography.Paragraph>
      <Form.List name="steps">
        {(fields, { add, remove }) => (
          <>
            {fields.map((field, i) => (
              <Space key={field.key} align="baseline" wrap size="middle" data-testid="flex-step">
                <Form.Item
                  name={[field.name, 'start']}
                  label={t('flex.start', { n: i + 1 })}
                  rules={[{ required: true, pattern: HHMM, message: t('flex.timeRule') }]}
                >
                  <Input placeholder="HH:MM" style={{ width: 100 }} />
                </Form.Item>
                <Form.Item
                  name={[field.name, 'dailyDose']}
                  label={t('flex.dose', { n: i + 1, unit })}
                  rules={[{ required: true, pattern: DECIMAL_INPUT, message: t('form.decimal') }]}
                >
                  <Input inputMode="decimal" suffix={unit} style={{ width: 160 }} />
                </Form.Item>
                {fields.length > 1 && (
                  <Button
                    danger
                    type="text"
                    onClick={() => remove(field.name)}
                    aria-label={t('flex.remove', { n: i + 1 })}
                    style={{ marginLeft: 24 }}
                    data-testid="flex-remove"
                  >
                    {t('flex.removeShort')}
                  </Button>
                )}
              </Space>
            ))}
            <div style={{ marginTop: 16, paddingTop: 12, borderTop: '1px dashed #d9d9d9' }}>
              <Button
                onClick={() => add({ start: '', dailyDose: '' })}
                disabled={fields.length >= 13}
                data-testid="flex-add"
              >
                {t('flex.add')}
              </Button>
            </div>
          </>
        )}
      </Form.List>
      {points.length > 1 && (
        <Suspense fallback={<Spin />}>
          <TrendChart
            label={t('flex.chart')}
            data={points}
            series={[
              {
                key: 'perHour',
                name: t('flex.perHour', { unit: unitText(t, doseUnit.replace('/day', '/h')) }),
                colour: '#0958d9',
              },
            ]}
            step
          />
        </Suspense>
      )}
    </fieldset>
  );
}
