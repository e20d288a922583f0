import {
  Alert,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Form,
  Input,
  Radio,
  Select,
  Space,
  Steps,
  Typography,
} from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { RefillPreview, SyringeSchema } from '../../../core/api/schemas';
import { dec } from '../../../core/decimal';
import { drugs } from '../../../core/pump';
import { ApiError, pumpApi, unwrap } from '../../api/client';
import { useApi, useApiMutation, useClinicToday, useDebounced } from '../../api/hooks';
import { formatDateTime } from '../../app/format';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ForecastView } from '../../components/ForecastView';
import { WitnessFields } from '../../components/WitnessFields';
import { LibraryVerdict } from '../../components/FindingsList';
import { may } from '../../../core/permissions';
import { InterrogateBar } from '../pump/InterrogateBar';
import { LAST_READING, useLastReading } from '../pump/lastReading';
import { parseGs1 } from './gs1';
import { syringeProblems as syringeProblems_ } from './syringeCheck';
import { orderText } from '../patients/Orders';
import { bridgeHours, RefillReportView } from '../../components/report/RefillReport';
import { dropDrafts, useDraftState, useFormDraft } from '../../app/drafts';
import { DiscrepancyAck } from './DiscrepancyAck';

/** Passwords are never kept across a lock. */
const NOT_KEPT = ['witness'] as const;

type Syringe = z.input<typeof SyringeSchema>;
const DECIMAL = /^\d{1,6}(\.\d{1,6})?$/;

interface SyringeForm {
  drug: Syringe['drug'];
  concentration: string;
  volumeMl: string;
  lot: string;
  expiry: string;
  preparedBy: string;
  checkedBy: string;
  barcode?: string;
}

/** The report and card are shared report components; the screens that import them from the wizard still may. */
export { RefillReportView };

/** The full refill wizard; a new visit starts with fresh forms. */
export default function RefillWizard() {
  const [visit, setVisit] = useState(0);
  return <Wizard key={visit} onNew={() => setVisit((n) => n + 1)} />;
}

function Wizard({ onNew }: { onNew: () => void }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const record = useLastReading();
  // Every entry survives a lock, for this user only (renderer/app/drafts.ts).
  const [step, setStep] = useDraftState('refill.step', 0);
  const [checks] = Form.useForm<{ orderId: number; identity: boolean; symptoms: 'none' | 'overdose' | 'withdrawal' }>();
  const [syringeForm] = Form.useForm<SyringeForm>();
  const [volumes] = Form.useForm<{
    withdrawnMl: string;
    instilledMl: string;
    rinseMl?: string;
    rinsed?: boolean;
    emptied?: boolean;
    discrepancyAck?: { checked?: string; patientState?: string };
  }>();
  const [finish] = Form.useForm<{
    witness: { username: string; password: string };
    wasteMl?: string;
    wasteWitness?: string;
    acknowledgement?: string;
  }>();
  const checksDraft = useFormDraft(checks, 'refill.checks');
  const syringeDraft = useFormDraft(syringeForm, 'refill.syringe');
  const volumesDraft = useFormDraft(volumes, 'refill.volumes');
  const finishDraft = useFormDraft(finish, 'refill.finish', NOT_KEPT);
  const symptoms = Form.useWatch('symptoms', checks);
  const identity = Form.useWatch('identity', checks);
  const orderId = Form.useWatch('orderId', checks);
  const rinseMl = Form.useWatch('rinseMl', volumes);
  const rinsed = Form.useWatch('rinsed', volumes);
  const syringe = Form.useWatch([], syringeForm) as SyringeForm | undefined;
  const withdrawn = Form.useWatch('withdrawnMl', volumes);
  const instilled = Form.useWatch('instilledMl', volumes);
  const emptied = Form.useWatch('emptied', volumes) === true;
  // A new concentration or drug on a pump with patient boluses: the physician decides what they become.
  const [bolusDecision, setBolusDecision] = useDraftState<'' | 'same-dose' | 'remove'>('refill.bolusDecision', '');
  const today = useClinicToday();
  const role = useQuery({ queryKey: ['auth:status'], queryFn: async () => unwrap(await pumpApi().auth.status({})) })
    .data?.user?.role;
  const canProgram = role !== undefined && may(role, 'pump.program');
  const s = record?.status;
  const orders = useQuery({
    queryKey: ['prescriptions:open', s?.serial],
    queryFn: async () => unwrap(await pumpApi().prescriptions.open({ serial: s?.serial ?? '-' })),
    enabled: s !== undefined,
  });
  const order = orders.data?.find((o) => o.id === orderId);
  const wanted = order?.components[0];
  // The order against the pump: a new drug or concentration is a physician's refill with the forced bridge.
  const drugChange = s !== undefined && wanted !== undefined && wanted.drug !== s.drug;
  const concentrationChange =
    s !== undefined &&
    wanted !== undefined &&
    !drugChange &&
    (wanted.concentration.unit !== s.concentration.unit || !dec(wanted.concentration.value).eq(s.concentration.value));
  useEffect(() => {
    // The syringe is expected to be what the order says.
    if (wanted !== undefined) syringeForm.setFieldValue('drug', wanted.drug);
  }, [wanted?.drug, syringeForm]);
  const orderProblems: string[] = [];
  if (s !== undefined && wanted !== undefined) {
    if ((drugChange || concentrationChange) && !canProgram)
      orderProblems.push(t(drugChange ? 'refill.orderDrugChange' : 'refill.orderConcentrationChange'));
    if (
      !drugChange &&
      (wanted.dailyDose.unit !== s.dailyDose.unit || !dec(wanted.dailyDose.value).eq(s.dailyDose.value))
    ) {
      orderProblems.push(
        t('refill.orderDose', {
          ordered: `${wanted.dailyDose.value} ${wanted.dailyDose.unit}`,
          pump: `${s.dailyDose.value} ${s.dailyDose.unit}`,
        }),
      );
    }
  }
  const typed = {
    withdrawnMl: withdrawn ?? '',
    instilledMl: instilled ?? '',
    prescriptionId: orderId ?? 0,
    emptied,
    expiry: syringe?.expiry ?? '',
    bolus: bolusDecision,
  };
  const previewInput = useDebounced(typed);
  // Moving on waits until the figures on screen are the ones for what was typed.
  const settled = JSON.stringify(previewInput) === JSON.stringify(typed);
  const preview = useQuery({
    queryKey: ['refill:preview', previewInput],
    queryFn: async () =>
      unwrap(
        await pumpApi().refill.preview({
          withdrawnMl: previewInput.withdrawnMl,
          ...(DECIMAL.test(previewInput.instilledMl) ? { instilledMl: previewInput.instilledMl } : {}),
          ...(previewInput.prescriptionId === 0 ? {} : { prescriptionId: previewInput.prescriptionId }),
          reservoirEmptied: previewInput.emptied,
          ...(/^\d{4}-\d{2}-\d{2}$/.test(previewInput.expiry) ? { beyondUseDate: previewInput.expiry } : {}),
          ...(previewInput.bolus === '' ? {} : { patientBolus: previewInput.bolus }),
        }),
      ),
    enabled: record !== undefined && DECIMAL.test(previewInput.withdrawnMl) && step >= 2,
  });
  const patient = useQuery({
    queryKey: ['patients:forPump', record?.status.serial],
    queryFn: async () => unwrap(await pumpApi().patients.forPump({ serial: record?.status.serial ?? '-' })),
    enabled: record !== undefined,
  });
  const perform = useApiMutation(
    async (input: Parameters<ReturnType<typeof pumpApi>['refill']['perform']>[0]) => {
      const r = await pumpApi().refill.perform(input);
      // The visit is on record: its entries are not kept any longer.
      if (r.ok) dropDrafts('refill.');
      return r;
    },
    [['sessions:unconfirmed'], ['reviews:list']],
  );
  const host = useApi(['app:info'], () => pumpApi().app.info({})).data?.host;
  const pdf = useApiMutation((v: { fileName: string }) => pumpApi().report.pdf(v));
  const needsAck = perform.error instanceof ApiError && perform.error.code === 'ACKNOWLEDGEMENT_REQUIRED';

  const mass = wanted?.concentration.unit.split('/')[0] ?? s?.concentration.unit.split('/')[0] ?? 'mg';
  const change = preview.data?.concentrationChange ?? null;
  // The syringe against the order (the order was checked against the pump at the first step).
  const syringeProblems = syringeProblems_(t, wanted, syringe, today);
  const rinseUsed = drugChange && rinseMl !== undefined && DECIMAL.test(rinseMl) ? rinseMl : '0';
  const overSyringe =
    syringe?.volumeMl !== undefined &&
    instilled !== undefined &&
    DECIMAL.test(instilled) &&
    DECIMAL.test(syringe.volumeMl) &&
    dec(instilled).plus(rinseUsed).gt(syringe.volumeMl);
  const rinseMissing =
    drugChange && (rinsed !== true || rinseMl === undefined || !DECIMAL.test(rinseMl) || dec(rinseMl).isZero());
  const fillDiffers =
    order?.fillVolumeMl != null &&
    instilled !== undefined &&
    DECIMAL.test(instilled) &&
    !dec(instilled).eq(order.fillVolumeMl);

  const next = async (form?: { validateFields: () => Promise<unknown> }) => {
    if (form !== undefined) await form.validateFields();
    setStep((n) => n + 1);
  };
  const submit = (v: {
    witness: { username: string; password: string };
    wasteMl?: string;
    wasteWitness?: string;
    acknowledgement?: string;
  }) => {
    const sy = syringeForm.getFieldsValue(true) as SyringeForm;
    const vol = volumes.getFieldsValue(true) as {
      withdrawnMl: string;
      instilledMl: string;
      rinseMl?: string;
      emptied?: boolean;
      discrepancyAck?: { checked?: string; patientState?: string };
    };
    const ack = vol.discrepancyAck;
    perform.mutate({
      prescriptionId: orderId ?? 0,
      ...(drugChange && vol.rinseMl !== undefined ? { rinse: { volumeMl: vol.rinseMl } } : {}),
      syringe: {
        drug: sy.drug,
        concentration: {
          value: sy.concentration,
          unit: wanted?.concentration.unit ?? s?.concentration.unit ?? 'mg/mL',
        },
        volumeMl: sy.volumeMl,
        lot: sy.lot,
        expiry: sy.expiry,
        preparedBy: sy.preparedBy,
        checkedBy: sy.checkedBy,
        ...(sy.barcode === undefined || sy.barcode === '' ? {} : { barcode: sy.barcode }),
      },
      withdrawnMl: vol.withdrawnMl,
      reservoirEmptied: vol.emptied === true,
      instilledMl: vol.instilledMl,
      witness: v.witness,
      ...(v.wasteMl !== undefined && v.wasteMl !== '' && v.wasteWitness !== undefined
        ? { waste: { volumeMl: v.wasteMl, witness: v.wasteWitness } }
        : {}),
      ...(v.acknowledgement === undefined || v.acknowledgement === '' ? {} : { acknowledgement: v.acknowledgement }),
      ...(bolusDecision === '' ? {} : { patientBolus: bolusDecision }),
      ...(preview.data?.discrepancyFlag === true && ack?.checked !== undefined && ack.patientState !== undefined
        ? { discrepancyAcknowledgement: { checked: ack.checked, patientState: ack.patientState } }
        : {}),
    });
  };
  const bridgeCard =
    change === null || s === undefined ? null : (
      <Card
        size="small"
        title={t(change.previousDrug === null ? 'refill.bridgeTitle' : 'refill.drugChangeTitle')}
        data-testid="bridge-plan"
        style={{ marginTop: 16 }}
      >
        <Descriptions
          size="small"
          bordered
          column={1}
          items={[
            ...(change.previousDrug === null
              ? [
                  {
                    key: 'c',
                    label: t('status.concentration'),
                    children: (
                      <span>
                        {s.concentration.value} →{' '}
                        <strong>
                          {change.newConcentration.value} {change.newConcentration.unit}
                        </strong>
                      </span>
                    ),
                  },
                ]
              : [
                  {
                    key: 'drug',
                    label: t('status.drug'),
                    children: (
                      <span>
                        {t(`drug.${change.previousDrug}`)} {s.concentration.value} {s.concentration.unit} →{' '}
                        <strong>
                          {t(`drug.${change.newDrug}`)} {change.newConcentration.value} {change.newConcentration.unit}
                        </strong>
                      </span>
                    ),
                  },
                ]),
            {
              key: 'dose',
              label: t('status.dailyDose'),
              children:
                change.previousDrug === null ? (
                  `${s.dailyDose.value} ${s.dailyDose.unit} (${t('review.unchanged')})`
                ) : (
                  <span>
                    {s.dailyDose.value} {s.dailyDose.unit} →{' '}
                    <strong>
                      {change.newDailyDose.value} {change.newDailyDose.unit}
                    </strong>
                  </span>
                ),
            },
            { key: 'dead', label: t('refill.deadVolume'), children: `${change.deadVolume.value} mL` },
            {
              key: 'bridge',
              label: t('refill.bridgeVolume'),
              children: (
                <strong>{`${change.bridgeVolume.value} mL — ${t('refill.bridgeDuration', { hours: bridgeHours(change.bridgeMinutes), minutes: change.bridgeMinutes })}`}</strong>
              ),
            },
            { key: 'old', label: t('helpers.oldRate'), children: `${change.oldRate.value} mL/day` },
            { key: 'new', label: t('helpers.newRate'), children: <strong>{change.newRate.value} mL/day</strong> },
          ]}
        />
        <Alert
          type="warning"
          showIcon
          style={{ marginTop: 8 }}
          title={t(change.previousDrug === null ? 'refill.bridgeForced' : 'refill.drugBridgeForced', {
            drug: t(`drug.${change.previousDrug ?? change.newDrug}`),
          })}
        />
        {change.patientBolus !== null && (
          <BolusDecision
            bolus={change.patientBolus}
            concentration={change.newConcentration}
            oldConcentration={s.concentration}
            value={bolusDecision}
            onChange={setBolusDecision}
          />
        )}
        <div style={{ marginTop: 8 }}>
          <LibraryVerdict check={change.check} />
        </div>
      </Card>
    );

  if (perform.data !== undefined) {
    return (
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Alert
          type={perform.data.outcome === 'confirmed' ? 'success' : 'error'}
          showIcon
          title={
            <span data-testid="refill-outcome" data-outcome={perform.data.outcome}>
              {t(`outcome.${perform.data.outcome}`)}
            </span>
          }
        />
        <RefillReportView report={perform.data} />
        <ErrorAlert error={pdf.error} />
        <Space className="no-print" wrap>
          <Button type="primary" onClick={() => window.print()}>
            {t('report.print')}
          </Button>
          {/* The desktop app saves the page as a PDF itself; a browser's print dialog offers "Save as PDF". */}
          {host === 'electron' && (
            <Button
              loading={pdf.isPending}
              onClick={() =>
                pdf.mutate({
                  fileName: `refill-${perform.data?.pumpSerial ?? 'pump'}-${(perform.data?.performedAt ?? '').slice(0, 10)}.pdf`,
                })
              }
            >
              {t('report.savePdf')}
            </Button>
          )}
          {host === 'electron' && pdf.data?.savedTo != null && (
            <span role="status">{t('report.savedTo', { path: pdf.data.savedTo })}</span>
          )}
          {host === 'web' && <Typography.Text type="secondary">{t('report.pdfHint')}</Typography.Text>}
          <Button
            onClick={() => {
              perform.reset();
              client.removeQueries({ queryKey: LAST_READING });
              dropDrafts('refill.');
              onNew();
            }}
          >
            {t('refill.newVisit')}
          </Button>
        </Space>
      </Space>
    );
  }

  const stepItems = ['order', 'syringe', 'withdrawn', 'instilled', 'finish'].map((k) => ({
    title: t(`refill.step.${k}`),
  }));
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('nav.refill')}
      </Typography.Title>
      <Steps current={step} items={stepItems} size="small" />
      <div hidden={step !== 0}>
        <Card title={t('refill.step.order')}>
          <InterrogateBar />
          {s !== undefined && (
            <Space orientation="vertical" style={{ width: '100%', marginTop: 16 }}>
              {patient.data === null && <Alert type="error" showIcon title={t('dashboard.unregistered')} />}
              {patient.data != null && (
                <Typography.Text strong data-testid="refill-patient">
                  {t('dashboard.patient', { name: patient.data.name, identifier: patient.data.identifier })}
                </Typography.Text>
              )}
              <Typography.Text>
                {t('refill.pumpHolds', {
                  drug: t(`drug.${s.drug}`),
                  concentration: `${s.concentration.value} ${s.concentration.unit}`,
                  dose: `${s.dailyDose.value} ${s.dailyDose.unit}`,
                  volume: s.reservoirVolume.value,
                })}
              </Typography.Text>
              <Form form={checks} layout="vertical" initialValues={checksDraft}>
                <Form.Item
                  name="orderId"
                  label={t('refill.order')}
                  rules={[{ required: true, message: t('refill.chooseOrder') }]}
                >
                  <Radio.Group
                    style={{ display: 'flex', flexDirection: 'column', gap: 4 }}
                    options={(orders.data ?? []).map((o) => ({
                      value: o.id,
                      label: (
                        <span data-testid="refill-order">{`#${o.id} ${orderText(t, o)}${o.fillVolumeMl === null ? '' : ` — ${t('orders.fillVolume')} ${o.fillVolumeMl} mL`} (${o.orderedBy}, ${formatDateTime(o.orderedAt, i18n.language)})`}</span>
                      ),
                    }))}
                  />
                </Form.Item>
                <Form.Item
                  name="identity"
                  valuePropName="checked"
                  rules={[
                    {
                      validator: (_, v) =>
                        v === true ? Promise.resolve() : Promise.reject(new Error(t('form.required'))),
                    },
                  ]}
                >
                  <Checkbox>{t('refill.identity')}</Checkbox>
                </Form.Item>
                <Form.Item
                  name="symptoms"
                  label={t('refill.symptoms')}
                  rules={[{ required: true, message: t('form.required') }]}
                >
                  <Radio.Group
                    options={(['none', 'overdose', 'withdrawal'] as const).map((v) => ({
                      value: v,
                      label: t(`refill.symptom.${v}`),
                    }))}
                  />
                </Form.Item>
              </Form>
              {orders.data?.length === 0 && (
                <Alert type="error" showIcon role="alert" data-testid="no-order" title={t('refill.noOrder')} />
              )}
              {orderProblems.length > 0 && (
                <Alert
                  type="error"
                  showIcon
                  role="alert"
                  data-testid="order-problem"
                  title={
                    <ul style={{ margin: 0, paddingLeft: 20 }}>
                      {orderProblems.map((p) => (
                        <li key={p}>{p}</li>
                      ))}
                    </ul>
                  }
                />
              )}
              {(symptoms === 'overdose' || symptoms === 'withdrawal') && (
                <Alert type="error" showIcon title={t('refill.callPhysician')} />
              )}
              <Button
                type="primary"
                disabled={
                  patient.data == null ||
                  order === undefined ||
                  orderProblems.length > 0 ||
                  identity !== true ||
                  symptoms === undefined
                }
                onClick={() => void next(checks)}
              >
                {t('refill.next')}
              </Button>
            </Space>
          )}
        </Card>
      </div>
      {s !== undefined && (
        <div hidden={step !== 1}>
          <Card title={t('refill.step.syringe')}>
            <Form<SyringeForm>
              form={syringeForm}
              layout="vertical"
              style={{ maxWidth: 560 }}
              initialValues={{ drug: wanted?.drug ?? s.drug, ...syringeDraft }}
            >
              <Form.Item name="barcode" label={t('refill.barcode')} extra={t('refill.barcodeHint')}>
                <Input
                  onChange={(e) => {
                    const parsed = parseGs1(e.target.value);
                    if (parsed.lot !== undefined) syringeForm.setFieldValue('lot', parsed.lot);
                    if (parsed.expiry !== undefined) syringeForm.setFieldValue('expiry', parsed.expiry);
                  }}
                />
              </Form.Item>
              <Form.Item name="drug" label={t('status.drug')} rules={[{ required: true, message: t('form.required') }]}>
                <Select options={drugs.map((d) => ({ value: d, label: t(`drug.${d}`) }))} />
              </Form.Item>
              <Form.Item
                name="concentration"
                label={t('status.concentration')}
                rules={[{ required: true, pattern: DECIMAL, message: t('form.decimal') }]}
              >
                <Input inputMode="decimal" suffix={`${mass}/mL`} />
              </Form.Item>
              <Form.Item
                name="volumeMl"
                label={t('refill.syringeVolume')}
                rules={[{ required: true, pattern: DECIMAL, message: t('form.decimal') }]}
              >
                <Input inputMode="decimal" suffix="mL" />
              </Form.Item>
              <Form.Item name="lot" label={t('refill.lot')} rules={[{ required: true, message: t('form.required') }]}>
                <Input />
              </Form.Item>
              <Form.Item
                name="expiry"
                label={t('refill.expiry')}
                rules={[{ required: true, pattern: /^\d{4}-\d{2}-\d{2}$/, message: t('form.date') }]}
              >
                <Input placeholder="YYYY-MM-DD" />
              </Form.Item>
              <Form.Item
                name="preparedBy"
                label={t('refill.preparedBy')}
                rules={[{ required: true, message: t('form.required') }]}
              >
                <Input />
              </Form.Item>
              <Form.Item
                name="checkedBy"
                label={t('refill.checkedBy')}
                rules={[{ required: true, message: t('form.required') }]}
              >
                <Input />
              </Form.Item>
            </Form>
            {concentrationChange && wanted !== undefined && syringeProblems.length === 0 && (
              <Alert
                type="info"
                showIcon
                data-testid="concentration-change"
                style={{ marginBottom: 8 }}
                title={t('refill.concentrationChange', {
                  from: `${s.concentration.value} ${s.concentration.unit}`,
                  to: `${wanted.concentration.value} ${wanted.concentration.unit}`,
                })}
              />
            )}
            {drugChange && wanted !== undefined && syringeProblems.length === 0 && (
              <Alert
                type="warning"
                showIcon
                data-testid="drug-change"
                style={{ marginBottom: 8 }}
                title={t('refill.drugChange', { from: t(`drug.${s.drug}`), to: t(`drug.${wanted.drug}`) })}
              />
            )}
            {syringeProblems.length > 0 && (
              <Alert
                type="error"
                showIcon
                role="alert"
                data-testid="syringe-mismatch"
                title={t('refill.syringeMismatch')}
                description={
                  <ul style={{ margin: 0, paddingLeft: 20 }}>
                    {syringeProblems.map((p) => (
                      <li key={p}>{p}</li>
                    ))}
                  </ul>
                }
              />
            )}
            <Space style={{ marginTop: 16 }}>
              <Button onClick={() => setStep(0)}>{t('review.back')}</Button>
              <Button
                type="primary"
                disabled={syringeProblems.length > 0 || wanted === undefined}
                onClick={() => void next(syringeForm)}
              >
                {t('refill.next')}
              </Button>
            </Space>
          </Card>
        </div>
      )}
      {s !== undefined && (
        <div hidden={step !== 2 && step !== 3}>
          <Card title={t(step === 3 ? 'refill.step.instilled' : 'refill.step.withdrawn')}>
            <Alert type="warning" showIcon title={t('refill.septumWarning')} style={{ marginBottom: 16 }} />
            <Form form={volumes} layout="vertical" style={{ maxWidth: 560 }} initialValues={volumesDraft}>
              <Form.Item
                name="withdrawnMl"
                label={t('refill.withdrawn')}
                rules={[{ required: true, pattern: DECIMAL, message: t('form.decimal') }]}
                hidden={step !== 2}
              >
                <Input inputMode="decimal" suffix="mL" />
              </Form.Item>
              <Form.Item name="emptied" valuePropName="checked" hidden={step !== 2} extra={t('refill.emptiedHelp')}>
                <Checkbox data-testid="reservoir-emptied">{t('refill.emptied')}</Checkbox>
              </Form.Item>
              {drugChange && (
                <Card
                  size="small"
                  title={t('refill.rinseTitle')}
                  data-testid="rinse"
                  hidden={step !== 2}
                  style={{ marginBottom: 16 }}
                >
                  <Typography.Paragraph>
                    {t('refill.rinseHow', { drug: wanted === undefined ? '' : t(`drug.${wanted.drug}`) })}
                  </Typography.Paragraph>
                  <Form.Item
                    name="rinseMl"
                    label={t('refill.rinseVolume')}
                    rules={[{ required: true, pattern: DECIMAL, message: t('form.decimal') }]}
                  >
                    <Input inputMode="decimal" suffix="mL" style={{ width: 160 }} />
                  </Form.Item>
                  <Form.Item
                    name="rinsed"
                    valuePropName="checked"
                    rules={[
                      {
                        validator: (_, v) =>
                          v === true ? Promise.resolve() : Promise.reject(new Error(t('form.required'))),
                      },
                    ]}
                  >
                    <Checkbox>{t('refill.rinsed')}</Checkbox>
                  </Form.Item>
                </Card>
              )}
              {step === 2 && preview.data?.discrepancyFlag === true && <DiscrepancyAck />}
              {step >= 3 && (
                <Form.Item
                  name="instilledMl"
                  label={t('refill.instilled', { capacity: s.reservoirCapacity.value })}
                  rules={[{ required: true, pattern: DECIMAL, message: t('form.decimal') }]}
                >
                  <Input inputMode="decimal" suffix="mL" />
                </Form.Item>
              )}
            </Form>
            <div aria-live="polite">
              {preview.data !== undefined && (
                <Space orientation="vertical" style={{ width: '100%' }}>
                  <Alert
                    data-testid="discrepancy"
                    data-flag={preview.data.discrepancyFlag}
                    type={preview.data.discrepancyFlag ? 'error' : 'success'}
                    showIcon
                    title={t(preview.data.discrepancyFlag ? 'refill.discrepancyFlagged' : 'refill.discrepancyOk', {
                      expected: preview.data.expectedResidualMl,
                      discrepancy: preview.data.discrepancyMl,
                      threshold: preview.data.thresholdMl,
                    })}
                  />
                  {step === 3 && fillDiffers && order?.fillVolumeMl != null && (
                    <Alert
                      type="warning"
                      showIcon
                      data-testid="fill-differs"
                      title={t('refill.fillDiffers', { ordered: order.fillVolumeMl, instilled })}
                    />
                  )}
                  {step === 3 && preview.data.forecast !== null && (
                    <div data-testid="refill-forecast">
                      <ForecastView forecast={preview.data.forecast} compact />
                    </div>
                  )}
                </Space>
              )}
              {step === 3 && bridgeCard}
              {overSyringe && <Alert type="error" showIcon role="alert" title={t('refill.overSyringe')} />}
              <ErrorAlert error={preview.error} />
            </div>
            <Space style={{ marginTop: 16 }}>
              <Button onClick={() => setStep(step - 1)}>{t('review.back')}</Button>
              <Button
                type="primary"
                disabled={
                  preview.data === undefined ||
                  preview.isFetching ||
                  !settled ||
                  overSyringe ||
                  (step === 2 && rinseMissing) ||
                  (step === 3 && (instilled === undefined || !DECIMAL.test(instilled)))
                }
                onClick={() => void next(volumes)}
              >
                {t('refill.next')}
              </Button>
            </Space>
          </Card>
        </div>
      )}
      {step === 4 && s !== undefined && preview.data !== undefined && (
        <Card title={t('refill.step.finish')} data-testid="refill-finish">
          <Descriptions
            bordered
            size="small"
            column={1}
            items={[
              {
                key: 'order',
                label: t('refill.order'),
                children: order === undefined ? '—' : `#${order.id} ${orderText(t, order)} (${order.orderedBy})`,
              },
              {
                key: 'drug',
                label: t('status.drug'),
                children:
                  change === null
                    ? `${t(`drug.${s.drug}`)} ${s.concentration.value} ${s.concentration.unit} (${t('review.unchanged')})`
                    : `${t(`drug.${s.drug}`)} ${s.concentration.value} ${s.concentration.unit} → ${t(`drug.${change.newDrug}`)} ${change.newConcentration.value} ${change.newConcentration.unit}`,
              },
              {
                key: 'dose',
                label: t('status.dailyDose'),
                children:
                  change === null || change.previousDrug === null
                    ? `${s.dailyDose.value} ${s.dailyDose.unit} (${t('review.unchanged')})`
                    : `${s.dailyDose.value} ${s.dailyDose.unit} → ${change.newDailyDose.value} ${change.newDailyDose.unit}`,
              },
              ...(drugChange
                ? [{ key: 'rinse', label: t('refill.rinseVolume'), children: `${rinseMl ?? ''} mL` }]
                : []),
              {
                key: 'reservoir',
                label: t('status.reservoir'),
                children: (
                  <span>
                    {preview.data.expectedResidualMl} mL → <strong>{instilled} mL</strong>
                  </span>
                ),
              },
              { key: 'withdrawn', label: t('refill.withdrawn'), children: `${withdrawn} mL` },
              {
                key: 'discrepancy',
                label: t('refill.discrepancy'),
                children: `${preview.data.discrepancyMl} mL${preview.data.discrepancyFlag ? ` — ${t('refill.flagged')}` : ''}`,
              },
              {
                key: 'next',
                label: t('dashboard.nextRefill'),
                children:
                  preview.data.forecast === null ? '—' : <ForecastView forecast={preview.data.forecast} compact />,
              },
            ]}
          />
          {bridgeCard}
          <Form
            form={finish}
            layout="vertical"
            style={{ maxWidth: 560, marginTop: 16 }}
            onFinish={submit}
            initialValues={finishDraft}
          >
            <WitnessFields />
            <Space wrap style={{ marginTop: 12 }}>
              <Form.Item
                name="wasteMl"
                label={t('refill.waste')}
                rules={[{ pattern: DECIMAL, message: t('form.decimal') }]}
              >
                <Input inputMode="decimal" suffix="mL" style={{ width: 140 }} />
              </Form.Item>
              <Form.Item name="wasteWitness" label={t('refill.wasteWitness')}>
                <Input />
              </Form.Item>
            </Space>
            {(needsAck || change?.check.verdict === 'soft') && (
              <Form.Item
                name="acknowledgement"
                label={t('review.reason')}
                rules={[{ required: true, min: 3, message: t('review.reasonRequired') }]}
              >
                <Input.TextArea rows={2} maxLength={500} />
              </Form.Item>
            )}
            <ErrorAlert error={perform.error} title={t('refill.failed')} />
            <Space style={{ marginTop: 12 }}>
              <Button onClick={() => setStep(3)} disabled={perform.isPending}>
                {t('review.back')}
              </Button>
              <Button
                type="primary"
                htmlType="submit"
                loading={perform.isPending}
                disabled={change?.check.verdict === 'hard'}
                data-testid="refill-submit"
              >
                {t('refill.update')}
              </Button>
            </Space>
          </Form>
        </Card>
      )}
    </Space>
  );
}

type PatientBolusPlan = NonNullable<NonNullable<RefillPreview['concentrationChange']>['patientBolus']>;
type Conc = { value: string; unit: string };

/** The patient bolus old beside new at a concentration or drug change; the physician chooses. */
function BolusDecision({
  bolus,
  concentration,
  oldConcentration,
  value,
  onChange,
}: {
  bolus: PatientBolusPlan;
  concentration: Conc;
  oldConcentration: Conc;
  value: '' | 'same-dose' | 'remove';
  onChange: (v: 'same-dose' | 'remove') => void;
}) {
  const { t } = useTranslation();
  const mass = oldConcentration.unit.split('/')[0] ?? '';
  const doseOf = (volumeMl: string, c: Conc) => `${dec(volumeMl).mul(c.value).toDecimalPlaces(4).toString()} ${mass}`;
  const old = bolus.old;
  return (
    <div data-testid="bolus-decision" style={{ marginTop: 8 }}>
      <Typography.Text strong>{t('refill.bolusTitle')}</Typography.Text>
      <Descriptions
        size="small"
        bordered
        column={1}
        items={[
          {
            key: 'old',
            label: t('refill.bolusOld'),
            children: t('refill.bolusSettings', {
              volume: old.volumeMl,
              dose: doseOf(old.volumeMl, oldConcentration),
              perDay: old.maxPerDay,
              lockout: old.lockoutMinutes,
            }),
          },
          {
            key: 'new',
            label: t('refill.bolusNew'),
            children:
              value === 'remove' || value === '' || bolus.sameDose === null ? (
                <strong>{value === '' ? t('refill.bolusUndecided') : t('refill.bolusNone')}</strong>
              ) : (
                <strong>
                  {t('refill.bolusSettings', {
                    volume: bolus.sameDose.volumeMl,
                    dose: doseOf(bolus.sameDose.volumeMl, concentration),
                    perDay: bolus.sameDose.maxPerDay,
                    lockout: bolus.sameDose.lockoutMinutes,
                  })}
                </strong>
              ),
          },
        ]}
      />
      <Radio.Group
        aria-label={t('refill.bolusTitle')}
        value={value === '' ? undefined : value}
        onChange={(e) => onChange(e.target.value as 'same-dose' | 'remove')}
        style={{ marginTop: 8 }}
      >
        <Space orientation="vertical">
          {bolus.sameDose !== null && (
            <Radio value="same-dose">{t('refill.bolusSameDose', { volume: bolus.sameDose.volumeMl })}</Radio>
          )}
          <Radio value="remove">{t('refill.bolusRemove')}</Radio>
        </Space>
      </Radio.Group>
    </div>
  );
}
