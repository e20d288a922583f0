import {
  Alert,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  InputNumber,
  Radio,
  Result as AntResult,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { useFormDraft } from '../../app/drafts';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { ProgramChangeSchema, ProgramPreview } from '../../../core/api/schemas';
import { dec } from '../../../core/decimal';
import type { PumpStatus } from '../../../core/pump';
import { pumpApi, unwrap } from '../../api/client';
import { useApiMutation, useDebounced } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LibraryVerdict } from '../../components/FindingsList';
import { WitnessFields } from '../../components/WitnessFields';
import { InterrogateBar } from '../pump/InterrogateBar';
import { LAST_READING, useLastReading } from '../pump/lastReading';
import { BolusHelpers } from './BolusHelpers';
import { wholeDays } from '../../components/ForecastView';
import { DECIMAL, FlexEditor, HHMM } from './FlexEditor';
import { StopAction } from './StopAction';
import { ProgramReport } from '../../components/report/ProgramReport';

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
  if (v.mode === 'continuous' && !DECIMAL.test(v.dailyDose)) return undefined;
  const change: Change = { mode: v.mode, dailyDose: v.mode === 'continuous' ? v.dailyDose : '0' };
  if (v.mode === 'flex') {
    const steps = (v.steps ?? []).map((s) => ({ start: s.start ?? '', dailyDose: s.dailyDose ?? '' }));
    if (steps.length === 0 || steps.some((s) => !HHMM.test(s.start) || !DECIMAL.test(s.dailyDose))) return undefined;
    change.steps = [...steps].sort((a, b) => a.start.localeCompare(b.start));
  }
  if (v.bolus) {
    if (
      v.volumeMl === undefined ||
      !DECIMAL.test(v.volumeMl) ||
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

/** The old-beside-new review: every setting, the changed ones highlighted with their % change. */
export function ReviewTable({ preview }: { preview: ProgramPreview }) {
  const { t } = useTranslation();
  const label = (field: string) => {
    const [drugOrField = '', sub] = field.split('.');
    return sub === undefined
      ? t(`review.field.${drugOrField}`)
      : `${t(`drug.${drugOrField}`)} — ${t(`review.field.${sub}`)}`;
  };
  // Days are whole days, never rounded up: the alarm never comes later than shown.
  const value = (field: string, v: string | undefined) =>
    v === undefined
      ? '—'
      : field === 'mode'
        ? t(`mode.${v}`)
        : field === 'daysToAlarm' && /^\d+(\.\d+)?$/.test(v)
          ? wholeDays(v)
          : v;
  return (
    <Table
      data-testid="review-table"
      size="small"
      pagination={false}
      rowKey="field"
      dataSource={preview.rows}
      rowClassName={(r) => (r.changed ? 'changed-row' : '')}
      columns={[
        { title: t('review.setting'), dataIndex: 'field', render: (f: string) => label(f) },
        { title: t('review.old'), dataIndex: 'old', render: (v: string | undefined, r) => value(r.field, v) },
        {
          title: t('review.new'),
          dataIndex: 'new',
          render: (v: string | undefined, r) =>
            r.changed ? <strong data-changed="true">{value(r.field, v)}</strong> : value(r.field, v),
        },
        {
          title: t('review.change'),
          dataIndex: 'percentChange',
          render: (p: string | undefined, r) =>
            r.changed ? (
              <Tag color={p !== undefined && p.startsWith('-') ? 'blue' : 'orange'} style={{ color: '#000' }}>
                {p === undefined ? t('review.changed') : `${p.startsWith('-') ? '' : '+'}${p} %`}
              </Tag>
            ) : null,
        },
      ]}
    />
  );
}

/** 24-h total and peak hourly dose, old beside new: the 60 mcg/h-for-60 mcg/day error shows here. */
export function Totals({ preview }: { preview: ProgramPreview }) {
  const { t } = useTranslation();
  const q = (x: { value: string; unit: string }) => `${x.value} ${x.unit}`;
  return (
    <Card size="small" title={t('review.totals')} data-testid="totals">
      <Space size="large" wrap>
        <span>
          {t('review.total24h')}: {q(preview.totals.old24h)} → <strong>{q(preview.totals.new24h)}</strong>
        </span>
        <span>
          {t('review.peakHourly')}: {q(preview.totals.oldPeakHourly)} →{' '}
          <strong>{q(preview.totals.newPeakHourly)}</strong>
        </span>
      </Space>
    </Card>
  );
}

function FinishScreen({ preview, onBack }: { preview: ProgramPreview; onBack: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [form] = Form.useForm<{
    acknowledgement?: string;
    acknowledged?: boolean;
    witness?: { username: string; password: string };
  }>();
  const apply = useApiMutation(
    (input: Parameters<ReturnType<typeof pumpApi>['program']['apply']>[0]) => pumpApi().program.apply(input),
    [['sessions:unconfirmed']],
  );
  const hard = preview.check.verdict === 'hard';
  const soft = preview.check.verdict === 'soft';
  if (apply.data !== undefined) {
    const o = apply.data.outcome;
    const outcome = apply.data;
    return (
      <Space orientation="vertical" style={{ width: '100%' }}>
        <AntResult
          status={o === 'confirmed' ? 'success' : o === 'rejected' ? 'warning' : 'error'}
          title={
            <span data-testid="program-outcome" data-outcome={o}>
              {t(`outcome.${o}`)}
            </span>
          }
          subTitle={
            <>
              {apply.data.mismatches.length > 0 ? apply.data.mismatches.join('; ') : t('outcome.readBackMatched')}
              {apply.data.recordingProblem !== undefined && (
                <Alert
                  type="error"
                  showIcon
                  role="alert"
                  data-testid="recording-problem"
                  style={{ marginTop: 12, textAlign: 'left' }}
                  title={t('outcome.recordingProblem')}
                  description={apply.data.recordingProblem}
                />
              )}
            </>
          }
          extra={
            <Button
              type="primary"
              onClick={() => {
                apply.reset();
                client.removeQueries({ queryKey: LAST_READING });
                onBack();
              }}
            >
              {t('programming.done')}
            </Button>
          }
        />
        {/* The session report a clinic files: printed from here, the same in both languages. */}
        <ProgramReport
          preview={preview}
          outcome={outcome}
          changes={
            <>
              <ReviewTable preview={preview} />
              <Totals preview={preview} />
            </>
          }
        />
        <Button className="no-print" onClick={() => window.print()} data-testid="print-program-report">
          {t('paper.printProgram')}
        </Button>
      </Space>
    );
  }
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="finish-screen">
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('review.title', { serial: preview.pumpSerial })}
      </Typography.Title>
      {preview.patient !== null && (
        <Typography.Text>
          {t('dashboard.patient', { name: preview.patient.name, identifier: preview.patient.identifier })}
        </Typography.Text>
      )}
      {preview.bridgeRunning !== undefined && (
        <Alert
          type="warning"
          showIcon
          data-testid="bridge-running"
          title={t('review.bridgeRunning', { volume: preview.bridgeRunning.value })}
        />
      )}
      <ReviewTable preview={preview} />
      <Totals preview={preview} />
      <LibraryVerdict check={preview.check} />
      <Form
        form={form}
        layout="vertical"
        disabled={hard || apply.isPending}
        onFinish={(v) =>
          apply.mutate({
            settings: preview.settings,
            reviewed: preview.reviewed,
            ...(soft && v.acknowledgement !== undefined ? { acknowledgement: v.acknowledgement } : {}),
            ...(preview.witnessRequired && v.witness !== undefined ? { witness: v.witness } : {}),
          })
        }
      >
        {soft && (
          <>
            <Form.Item
              name="acknowledged"
              valuePropName="checked"
              rules={[
                {
                  validator: (_, v) =>
                    v === true ? Promise.resolve() : Promise.reject(new Error(t('review.ackRequired'))),
                },
              ]}
            >
              <Checkbox>{t('review.acknowledge')}</Checkbox>
            </Form.Item>
            <Form.Item
              name="acknowledgement"
              label={t('review.reason')}
              rules={[{ required: true, min: 3, message: t('review.reasonRequired') }]}
            >
              <Input.TextArea rows={2} maxLength={500} />
            </Form.Item>
          </>
        )}
        {preview.witnessRequired && !hard && <WitnessFields />}
        <ErrorAlert error={apply.error} title={t('programming.failed')} />
        <Space style={{ marginTop: 12 }}>
          <Button onClick={onBack} disabled={apply.isPending}>
            {t('review.back')}
          </Button>
          <Button
            type="primary"
            danger={soft}
            htmlType="submit"
            loading={apply.isPending}
            disabled={hard}
            data-testid="program-button"
          >
            {apply.isPending ? t('programming.programming') : t('programming.program')}
          </Button>
        </Space>
        {hard && <Alert style={{ marginTop: 12 }} type="error" showIcon title={t('review.hardStop')} />}
      </Form>
    </Space>
  );
}

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
  const unit = s === undefined ? '' : `${s.concentration.unit.split('/')[0] ?? ''}/day`;
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
            concentration: `${s.concentration.value} ${s.concentration.unit}`,
            dose: `${s.dailyDose.value} ${s.dailyDose.unit}`,
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
            {values?.mode === 'flex' && <FlexEditor unit={unit} steps={values.steps ?? []} />}
            {values?.mode === 'continuous' && (
              <Form.Item
                name="dailyDose"
                label={t('programming.dailyDose', { unit })}
                rules={[{ required: true, pattern: DECIMAL, message: t('form.decimal') }]}
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
                  rules={[{ required: true, pattern: DECIMAL, message: t('form.decimal') }]}
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
                        dose: `${live.data.newDailyDose.value} ${live.data.newDailyDose.unit}`,
                      })
                    : t('programming.willSend', {
                        rate: live.data.settings.rate.value,
                        dose: `${live.data.newDailyDose.value} ${live.data.newDailyDose.unit}`,
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
