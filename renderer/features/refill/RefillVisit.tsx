import { DECIMAL_INPUT } from '../../../core/quantity';
import { Alert, Button, Card, Col, Form, Row, Space, Steps, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RefillReport } from '../../../core/api/refill-schemas';
import { pumpApi, unwrap } from '../../api/client';
import { useApiMutation, useClinicToday, useDebounced } from '../../api/hooks';
import { dropDrafts, useDraftState, useFormDraft, writeDraft } from '../../app/drafts';
import { useNavigate } from '../../app/navigate';
import { ErrorAlert } from '../../components/ErrorAlert';
import { WitnessFields } from '../../components/WitnessFields';
import { InterrogateBar } from '../pump/InterrogateBar';
import { useLastReading } from '../pump/lastReading';
import { PumpBanner } from './PumpBanner';
import { ProgramCompare } from './ProgramCompare';
import { syringeProblems } from './syringeCheck';
import { VisitDone } from './VisitDone';
import { FOCUS, NOT_KEPT, STEP_FIELDS, type VisitForm } from './visitForm';
import { VisitOrderStep } from './VisitOrderStep';
import { SyringeStep, VisitSummary, VolumeStep } from './VisitSteps';

/** The refill-only visit; a new visit starts with a fresh form. */
export default function RefillVisit() {
  const [visit, setVisit] = useState(0);
  return <Visit key={visit} onNew={() => setVisit((n) => n + 1)} />;
}

/**
 * The nurse's refill when the order is the therapy the pump runs: order and patient, the syringe
 * scanned, withdrawn and instilled volumes, a Finish screen showing the program before and after
 * as identical, the witness, the report and card. Everything goes through the refill service
 * (`refill:perform` with `refillOnly`), which applies every rule of the full refill again.
 */
function Visit({ onNew }: { onNew: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [form] = Form.useForm<VisitForm>();
  const draft = useFormDraft(form, 'visit.form', NOT_KEPT);
  const [step, setStep] = useDraftState('visit.step', 0);
  const [report, setReport] = useDraftState<RefillReport | undefined>('visit.report', undefined);
  const values = (Form.useWatch([], { form, preserve: true }) as VisitForm | undefined) ?? draft;
  const record = useLastReading();
  const status = record?.status;
  const today = useClinicToday();
  const orders = useQuery({
    queryKey: ['prescriptions:open', status?.serial],
    queryFn: async () => unwrap(await pumpApi().prescriptions.open({ serial: status?.serial ?? '-' })),
    enabled: status !== undefined,
  });
  const patient = useQuery({
    queryKey: ['patients:forPump', status?.serial],
    queryFn: async () => unwrap(await pumpApi().patients.forPump({ serial: status?.serial ?? '-' })),
    enabled: status !== undefined,
  });
  useEffect(() => {
    // One open order is shown chosen; the nurse still confirms it with the patient.
    const only = orders.data?.length === 1 ? orders.data[0] : undefined;
    if (only !== undefined && form.getFieldValue('orderId') === undefined) form.setFieldValue('orderId', only.id);
  }, [orders.data, form]);
  // Decided when the order is chosen, before anything is withdrawn.
  const check = useQuery({
    queryKey: ['refill:visitCheck', values.orderId, record?.id],
    queryFn: async () => unwrap(await pumpApi().refill.visitCheck({ prescriptionId: values.orderId ?? 0 })),
    enabled: values.orderId !== undefined && status !== undefined,
  });
  const wanted = check.data?.order.components[0];
  const problems = syringeProblems(
    t,
    wanted,
    {
      drug: values.drug,
      concentration: values.concentration,
      concentrationUnit: values.concentrationUnit,
      expiry: values.expiry,
    },
    today,
  );
  const typed = {
    withdrawnMl: values.withdrawnMl ?? '',
    instilledMl: values.instilledMl ?? '',
    emptied: values.emptied === true,
    expiry: values.expiry ?? '',
  };
  const previewInput = useDebounced(typed);
  const settled = JSON.stringify(previewInput) === JSON.stringify(typed);
  const preview = useQuery({
    queryKey: ['refill:preview', 'visit', values.orderId, step >= 3, previewInput],
    queryFn: async () =>
      unwrap(
        await pumpApi().refill.preview({
          withdrawnMl: previewInput.withdrawnMl,
          ...(DECIMAL_INPUT.test(previewInput.instilledMl) && step >= 3
            ? { instilledMl: previewInput.instilledMl }
            : {}),
          ...(values.orderId === undefined ? {} : { prescriptionId: values.orderId }),
          reservoirEmptied: previewInput.emptied,
          ...(/^\d{4}-\d{2}-\d{2}$/.test(previewInput.expiry) ? { beyondUseDate: previewInput.expiry } : {}),
        }),
      ),
    enabled: status !== undefined && DECIMAL_INPUT.test(previewInput.withdrawnMl) && step >= 2 && report === undefined,
  });
  const perform = useApiMutation(
    (input: Parameters<ReturnType<typeof pumpApi>['refill']['perform']>[0]) => pumpApi().refill.perform(input),
    [['sessions:unconfirmed'], ['reviews:list']],
  );
  useEffect(() => {
    const id = FOCUS[step];
    if (id === undefined || report !== undefined) return;
    // The Finish step opens at the top (title, patient and pump in view on a 1366×768 screen): its
    // first field takes the focus without scrolling the page past them.
    const finish = step === FOCUS.length - 1;
    document.getElementById(id)?.focus({ preventScroll: finish });
    if (finish) window.scrollTo(0, 0);
  }, [step, report]);

  const next = async () => {
    const fields = STEP_FIELDS[step] as unknown as Array<string | string[]> | undefined;
    if (fields !== undefined) await form.validateFields(fields);
    setStep(step + 1);
  };
  const fullWizard = () => {
    // The order goes with the nurse to the full wizard; nothing of the visit is kept.
    dropDrafts('refill.');
    writeDraft('refill.checks', { orderId: values.orderId });
    dropDrafts('visit.');
    navigate('refill');
  };
  const submit = async () => {
    await form.validateFields([
      ['witness', 'username'],
      ['witness', 'password'],
    ]);
    const all = form.getFieldsValue(true) as VisitForm;
    const result = await perform.mutateAsync({
      prescriptionId: all.orderId ?? 0,
      refillOnly: true,
      syringe: {
        drug: all.drug ?? 'morphine',
        concentration: {
          value: all.concentration ?? '',
          unit: all.concentrationUnit ?? wanted?.concentration.unit ?? 'mg/mL',
        },
        volumeMl: all.volumeMl ?? '',
        lot: all.lot ?? '',
        expiry: all.expiry ?? '',
        preparedBy: all.preparedBy ?? '',
        checkedBy: all.checkedBy ?? '',
        ...(all.barcode === undefined || all.barcode === '' ? {} : { barcode: all.barcode }),
      },
      withdrawnMl: all.withdrawnMl ?? '',
      reservoirEmptied: all.emptied === true,
      instilledMl: all.instilledMl ?? '',
      witness: { username: all.witness?.username ?? '', password: all.witness?.password ?? '' },
      ...(preview.data?.discrepancyFlag === true
        ? {
            discrepancyAcknowledgement: {
              checked: all.discrepancyAck?.checked ?? '',
              patientState: all.discrepancyAck?.patientState ?? '',
            },
          }
        : {}),
    });
    // On record: the report stays (for printing after a lock); the entries go.
    dropDrafts('visit.form');
    dropDrafts('visit.step');
    setReport(result);
  };

  if (report !== undefined) return <VisitDone report={report} onNew={onNew} />;

  const stepItems = ['order', 'syringe', 'withdrawn', 'instilled', 'finish'].map((k) => ({
    title: t(`refill.step.${k}`),
  }));
  const checkedOk = check.data?.eligible === true && patient.data != null;
  return (
    <Space orientation="vertical" size={step === 4 ? 'small' : 'middle'} style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('nav.visit')}
      </Typography.Title>
      <Steps current={step} items={stepItems} size="small" />
      {status !== undefined && <PumpBanner patient={patient.data} pump={status} />}
      <Form<VisitForm>
        form={form}
        name="visit"
        layout="vertical"
        initialValues={draft}
        style={{ maxWidth: step === 4 ? undefined : 760 }}
      >
        {step === 0 && (
          <Card title={t('refill.step.order')}>
            <InterrogateBar />
            {status !== undefined && (
              <div style={{ marginTop: 16 }}>
                {patient.data === null && <Alert type="error" showIcon title={t('dashboard.unregistered')} />}
                <VisitOrderStep
                  orders={orders.data}
                  check={check.data}
                  checkError={check.error}
                  onFullWizard={fullWizard}
                />
              </div>
            )}
            <Button
              type="primary"
              data-testid="visit-next"
              disabled={!checkedOk || values.identity !== true || values.noSymptoms !== true}
              onClick={() => void next()}
            >
              {t('refill.next')}
            </Button>
          </Card>
        )}
        {step === 1 && status !== undefined && (
          <Card title={t('refill.step.syringe')}>
            <SyringeStep
              form={form}
              problems={problems}
              unit={values.concentrationUnit ?? wanted?.concentration.unit ?? status.concentration.unit}
            />
            {problems.length === 0 && values.drug !== undefined && values.concentration !== undefined && (
              <Alert
                type="success"
                showIcon
                data-testid="syringe-matches"
                style={{ marginBottom: 8 }}
                title={t('visit.syringeMatches')}
              />
            )}
            <Space style={{ marginTop: 8 }}>
              <Button onClick={() => setStep(0)}>{t('review.back')}</Button>
              <Button
                type="primary"
                data-testid="visit-next"
                disabled={problems.length > 0}
                onClick={() => void next()}
              >
                {t('refill.next')}
              </Button>
            </Space>
          </Card>
        )}
        {(step === 2 || step === 3) && status !== undefined && (
          <Card title={t(step === 3 ? 'refill.step.instilled' : 'refill.step.withdrawn')}>
            <VolumeStep step={step} preview={preview.data} capacityMl={status.reservoirCapacity.value} />
            <ErrorAlert error={preview.error} />
            <Space style={{ marginTop: 8 }}>
              <Button onClick={() => setStep(step - 1)}>{t('review.back')}</Button>
              <Button
                type="primary"
                data-testid="visit-next"
                disabled={
                  preview.data === undefined ||
                  preview.isFetching ||
                  !settled ||
                  (step === 3 && preview.data.forecast === null)
                }
                onClick={() => void next()}
              >
                {t('refill.next')}
              </Button>
            </Space>
          </Card>
        )}
        {step === 4 && status !== undefined && check.data !== undefined && preview.data !== undefined && (
          <Card
            size="small"
            title={t('visit.finishTitle')}
            data-testid="visit-finish"
            className="finish-compact finish-form"
          >
            {/* One view on a 1366×768 screen: the program before and after beside the volumes, then the witness beside the button. */}
            <Row gutter={[16, 8]}>
              <Col xs={24} xl={11}>
                <ProgramCompare comparison={check.data.program} after="sent" />
              </Col>
              <Col xs={24} xl={13}>
                <VisitSummary values={values} preview={preview.data} />
              </Col>
              <Col xs={24} xl={14}>
                <WitnessFields inline />
              </Col>
              <Col xs={24} xl={10}>
                <Space orientation="vertical" style={{ width: '100%' }}>
                  <ErrorAlert error={perform.error} title={t('refill.failed')} />
                  <Space>
                    <Button onClick={() => setStep(3)} disabled={perform.isPending}>
                      {t('review.back')}
                    </Button>
                    <Button
                      type="primary"
                      data-testid="visit-submit"
                      loading={perform.isPending}
                      disabled={!check.data.program.identical}
                      onClick={() => void submit().catch(() => undefined)}
                    >
                      {t('visit.submit')}
                    </Button>
                  </Space>
                </Space>
              </Col>
            </Row>
          </Card>
        )}
      </Form>
    </Space>
  );
}
