import { DECIMAL_INPUT } from '../../../core/quantity';
import { Form } from 'antd';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { RefillReport } from '../../../core/api/refill-schemas';
import { pumpApi, unwrap } from '../../api/client';
import { useApiMutation, useClinicToday, useDebounced } from '../../api/hooks';
import { dropDrafts, useDraftState, useFormDraft, writeDraft } from '../../app/drafts';
import { useNavigate } from '../../app/navigate';
import { useLastReading } from '../pump/lastReading';
import { syringeProblems } from './syringeCheck';
import { FOCUS, NOT_KEPT, STEP_FIELDS, type VisitForm } from './visitForm';

/**
 * The refill-only visit's state and requests: the form (kept as a draft across a lock), the step,
 * the open orders and the patient for the pump read last, the service's check of the chosen order,
 * the syringe's problems, the volumes' preview, and the perform request with its report.
 */
export function useRefillVisit() {
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
    // The figures (and the discrepancy acknowledgement they call for, with the field being typed
    // in) stay on screen while the preview of what was typed since is fetched; Next waits for it.
    placeholderData: keepPreviousData,
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

  return {
    form,
    draft,
    step,
    setStep,
    report,
    values,
    status,
    orders,
    patient,
    check,
    wanted,
    problems,
    preview,
    settled,
    perform,
    next,
    fullWizard,
    submit,
  };
}
