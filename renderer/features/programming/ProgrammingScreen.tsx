import { DECIMAL_INPUT } from '../../../core/quantity';
import { Alert, Button, Card, Checkbox, Form, Input, InputNumber, Radio, Space, Spin, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { useFormDraft } from '../../app/drafts';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { ProgramChangeSchema, ProgramPreview } from '../../../core/api/program-schemas';
import { dec } from '../../../core/decimal';
import type { PumpStatus } from '../../../core/pump';
import { pumpApi, unwrap } from '../../api/client';
import { useDebounced } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LibraryVerdict } from '../../components/FindingsList';
import { InterrogateBar } from '../pump/InterrogateBar';
import { useLastReading } from '../pump/lastReading';
import { BolusHelpers } from './BolusHelpers';
import { FinishScreen } from './FinishScreen';
import { FlexEditor, HHMM } from './FlexEditor';
import { StopAction } from './StopAction';
import { formatQuantity, unitText } from '../../app/format';

const BolusScreen = lazy(() => import('../bolus/BolusScreen'));

type Change = z.input<typeof ProgramChangeSchema>;

interface ChangeForm {
  /** Stopping is an action of its own (StopAction), never a mode chosen here. */
  mode: 'continuous' | 'flex';
  dailyDose: string;
  steps?: Array<{ start?: string; dailyDose?: string }>;
  bolus: boolean;
  volumeMl?: string;
  durationMinutes?: number;
  lockoutMinutes?: number;
  maxPerDay?: number;
}

const toChange = (v: ChangeForm): Change | undefined => {
  if (v.mode === 'continuous' && !DECIMAL_INPUT.test(v.dailyDose)) return undefined;
  const change: Change = { mode: v.mode, dailyDose: v.mode === 'continuous' ? v.dailyDose : '0' };
  if (v.mode === 'flex') {
    const steps = (v.steps ?? []).map((s) => ({ start: s.start ?? '', dailyDose: s.dailyDose ?? '' }));
    if (steps.length === 0 || steps.some((s) => !HHMM.test(s.start) || !DECIMAL_INPUT.test(s.dailyDose)))
      return undefined;
    change.steps = [...steps].sort((a, b) => a.start.localeCompare(b.start));
  }
  if (v.bolus) {
    if (
      v.volumeMl === undefined ||
      !DECIMAL_INPUT.test(v.volumeMl) ||
      v.durationMinutes == null ||
      v.lockoutMinutes == null ||
      v.maxPerDay == null
    )
      return undefined;
    change.patientBolus = {
      volumeMl: v.volumeMl,
      durationMinutes: v.durationMinutes,
      lockoutMinutes: v.lockoutMinutes,
      maxPerDay: v.maxPerDay,
    };
  }
  return change;
};

/** The form starts from what the pump runs now, patient bolus and flex steps included. */
const initialValues = (s: PumpStatus): ChangeForm => {
  const perDay = (rate: string) => dec(rate).mul(s.concentration.value).toString();
  const b = s.patientBolus;
  return {
    // A stopped pump restarts as a continuous infusion unless another mode is chosen.
    mode: s.mode === 'stopped' ? 'continuous' : s.mode,
    dailyDose: s.dailyDose.value,
    steps: s.steps?.map((st) => ({ start: st.start, dailyDose: perDay(st.rate.value) })) ?? [
      { start: '00:00', dailyDose: s.dailyDose.value },
    ],
    bolus: b !== undefined,
    volumeMl: b?.volumeMl ?? '',
    durationMinutes: b?.durationMinutes ?? 10,
    lockoutMinutes: b?.lockoutMinutes ?? 120,
    maxPerDay: b?.maxPerDay ?? 4,
  };
};

export default function ProgrammingScreen() {
  const { t } = useTranslation();
  const record = useLastReading();
  const [form] = Form.useForm<ChangeForm>();
  // The entries survive a lock, for this user and this pump only (renderer/app/drafts.ts).
  const restored = useFormDraft(form, `programming.form.${record?.status.serial ?? '-'}`);
  const values = Form.useWatch([], form) as ChangeForm | undefined;
  const change = values === undefined ? undefined : toChange(values);
  const deferred = useDebounced(change);
  const settled = JSON.stringify(deferred) === JSON.stringify(change);
  const [finish, setFinish] = useState<ProgramPreview | undefined>();
  const live = useQuery({
    queryKey: ['program:preview', deferred],
    queryFn: async () => unwrap(await pumpApi().program.preview(deferred ?? { mode: 'stopped', dailyDose: '0' })),
    enabled: deferred !== undefined && record !== undefined && finish === undefined,
  });

  const [bolus, setBolus] = useState(false);
  if (finish !== undefined) return <FinishScreen preview={finish} onBack={() => setFinish(undefined)} />;
  const s = record?.status;
  if (bolus && s !== undefined) {
    return (
      <Suspense fallback={<Spin />}>
        <BolusScreen status={s} onBack={() => setBolus(false)} />
      </Suspense>
    );
  }
  // The daily dose unit of the pump's drug (mg/day, mcg/day), said in the interface language.
  const doseUnit = s === undefined ? '' : `${s.concentration.unit.split('/')[0] ?? ''}/day`;
  const unit = unitText(t, doseUnit);
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('nav.programming')}
      </Typography.Title>
      <InterrogateBar />
      {s === undefined ? (
        <Alert type="info" showIcon title={t('programming.interrogateFirst')} />
      ) : (
        <Card
          title={t('programming.current', {
            drug: t(`drug.${s.drug}`),
            concentration: formatQuantity(s.concentration, t),
            dose: formatQuantity(s.dailyDose, t),
            mode: t(`mode.${s.mode}`),
          })}
        >
          <Form<ChangeForm>
            form={form}
            layout="vertical"
            initialValues={{ ...initialValues(s), ...restored }}
            style={{ maxWidth: 560 }}
          >
            <Form.Item name="mode" label={t('programming.mode')}>
              <Radio.Group
                options={[
                  { value: 'continuous', label: t('mode.continuous') },
                  { value: 'flex', label: t('mode.flex') },
                ]}
              />
            </Form.Item>
            {values?.mode === 'flex' && <FlexEditor unit={doseUnit} steps={values.steps ?? []} />}
            {values?.mode === 'continuous' && (
              <Form.Item
                name="dailyDose"
                label={t('programming.dailyDose', { unit })}
                rules={[{ required: true, pattern: DECIMAL_INPUT, message: t('form.decimal') }]}
                extra={t('programming.dailyDoseHint')}
              >
                <Input inputMode="decimal" suffix={unit} />
              </Form.Item>
            )}
            <Form.Item name="bolus" valuePropName="checked">
              <Checkbox>{t('programming.patientBolus')}</Checkbox>
            </Form.Item>
            {values?.bolus === true && (
              <Space wrap>
                <Form.Item
                  name="volumeMl"
                  label={t('programming.bolusVolume')}
                  rules={[{ required: true, pattern: DECIMAL_INPUT, message: t('form.decimal') }]}
                >
                  <Input inputMode="decimal" suffix="mL" style={{ width: 140 }} />
                </Form.Item>
                <Form.Item
                  name="durationMinutes"
                  label={t('programming.bolusDuration')}
                  rules={[{ required: true, message: t('form.required') }]}
                >
                  <InputNumber min={1} max={1440} precision={0} />
                </Form.Item>
                <Form.Item
                  name="lockoutMinutes"
                  label={t('programming.lockout')}
                  rules={[{ required: true, message: t('form.required') }]}
                >
                  <InputNumber min={0} max={1440} precision={0} />
                </Form.Item>
                <Form.Item
                  name="maxPerDay"
                  label={t('programming.maxPerDay')}
                  rules={[{ required: true, message: t('form.required') }]}
                >
                  <InputNumber min={0} max={24} precision={0} />
                </Form.Item>
              </Space>
            )}
          </Form>
          <div aria-live="polite" data-testid="live-check">
            {live.isFetching && <Spin size="small" />}
            {live.data !== undefined && (
              <Space orientation="vertical" style={{ width: '100%' }}>
                <Typography.Text>
                  {live.data.settings.mode === 'flex'
                    ? t('programming.willSendFlex', {
                        steps: (live.data.settings.steps ?? []).map((st) => `${st.start} ${st.rate.value}`).join(', '),
                        unit: unitText(t, 'mL/day'),
                        dose: formatQuantity(live.data.newDailyDose, t),
                      })
                    : t('programming.willSend', {
                        rate: formatQuantity(live.data.settings.rate, t),
                        dose: formatQuantity(live.data.newDailyDose, t),
                      })}
                </Typography.Text>
                <LibraryVerdict check={live.data.check} />
              </Space>
            )}
            <ErrorAlert error={live.error} title={t('programming.checkFailed')} />
          </div>
          <Button
            type="primary"
            style={{ marginTop: 16, marginBottom: 16 }}
            disabled={live.data === undefined || live.isFetching || change === undefined || !settled}
            onClick={() => setFinish(live.data)}
            data-testid="review-button"
          >
            {t('programming.review')}
          </Button>
          <Button style={{ marginBottom: 16, marginLeft: 8 }} onClick={() => setBolus(true)} data-testid="open-bolus">
            {t('bolus.open')}
          </Button>
          <BolusHelpers status={s} />
          <StopAction status={s} onReview={setFinish} />
        </Card>
      )}
    </Space>
  );
}
