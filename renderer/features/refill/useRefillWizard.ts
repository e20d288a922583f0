import { DECIMAL_INPUT } from '../../../core/quantity';
import { Form } from 'antd';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { SyringeSchema } from '../../../core/api/refill-schemas';
import { dec } from '../../../core/decimal';
import { may } from '../../../core/permissions';
import { ApiError, pumpApi, unwrap } from '../../api/client';
import { useApi, useApiMutation, useClinicToday, useDebounced } from '../../api/hooks';
import { dropDrafts, useDraftState, useFormDraft } from '../../app/drafts';
import { useLastReading } from '../pump/lastReading';
import { syringeProblems as syringeProblemsOf } from './syringeCheck';
import { formatQuantity } from '../../app/format';

/** A decimal as the refill forms accept it (the contract's grammar). */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Passwords are never kept across a lock. */
const NOT_KEPT = ['witness'] as const;

type Syringe = z.input<typeof SyringeSchema>;
export type BolusChoice = '' | 'same-dose' | 'remove';

export interface ChecksForm {
  orderId: number;
  identity: boolean;
  symptoms: 'none' | 'overdose' | 'withdrawal';
}

export interface SyringeForm {
  drug: Syringe['drug'];
  concentration: string;
  volumeMl: string;
  lot: string;
  expiry: string;
  preparedBy: string;
  checkedBy: string;
  barcode?: string;
}

export interface VolumesForm {
  withdrawnMl: string;
  instilledMl: string;
  rinseMl?: string;
  rinsed?: boolean;
  emptied?: boolean;
  discrepancyAck?: { checked?: string; patientState?: string };
}

export interface FinishForm {
  witness: { username: string; password: string };
  wasteMl?: string;
  wasteWitness?: string;
  acknowledgement?: string;
}

/**
 * Everything the refill wizard knows between its steps: the four forms (each kept as a draft that
 * survives a lock, for this user only; see renderer/app/drafts.ts), the pump in view, the open order
 * and how it differs from the pump, the syringe checks, the service's live preview of the figures,
 * and the refill itself.
 */
export function useRefillWizard() {
  const { t } = useTranslation();
  const record = useLastReading();
  const [step, setStep] = useDraftState('refill.step', 0);
  const [checks] = Form.useForm<ChecksForm>();
  const [syringeForm] = Form.useForm<SyringeForm>();
  const [volumes] = Form.useForm<VolumesForm>();
  const [finish] = Form.useForm<FinishForm>();
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
  const [bolusDecision, setBolusDecision] = useDraftState<BolusChoice>('refill.bolusDecision', '');
  const today = useClinicToday();
  const role = useQuery({ queryKey: ['auth:status'], queryFn: async () => unwrap(await pumpApi().auth.status({})) })
    .data?.user?.role;
  const canProgram = role !== undefined && may(role, 'pump.program');
  const status = record?.status;
  const orders = useQuery({
    queryKey: ['prescriptions:open', status?.serial],
    queryFn: async () => unwrap(await pumpApi().prescriptions.open({ serial: status?.serial ?? '-' })),
    enabled: status !== undefined,
  });
  const order = orders.data?.find((o) => o.id === orderId);
  const wanted = order?.components[0];
  // The order against the pump: a new drug or concentration is a physician's refill with the forced bridge.
  const drugChange = status !== undefined && wanted !== undefined && wanted.drug !== status.drug;
  const concentrationChange =
    status !== undefined &&
    wanted !== undefined &&
    !drugChange &&
    (wanted.concentration.unit !== status.concentration.unit ||
      !dec(wanted.concentration.value).eq(status.concentration.value));
  useEffect(() => {
    // The syringe is expected to be what the order says.
    if (wanted !== undefined) syringeForm.setFieldValue('drug', wanted.drug);
  }, [wanted?.drug, syringeForm]);
  const orderProblems: string[] = [];
  if (status !== undefined && wanted !== undefined) {
    if ((drugChange || concentrationChange) && !canProgram)
      orderProblems.push(t(drugChange ? 'refill.orderDrugChange' : 'refill.orderConcentrationChange'));
    if (
      !drugChange &&
      (wanted.dailyDose.unit !== status.dailyDose.unit || !dec(wanted.dailyDose.value).eq(status.dailyDose.value))
    ) {
      orderProblems.push(
        t('refill.orderDose', {
          ordered: formatQuantity(wanted.dailyDose, t),
          pump: formatQuantity(status.dailyDose, t),
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
          ...(DECIMAL_INPUT.test(previewInput.instilledMl) ? { instilledMl: previewInput.instilledMl } : {}),
          ...(previewInput.prescriptionId === 0 ? {} : { prescriptionId: previewInput.prescriptionId }),
          reservoirEmptied: previewInput.emptied,
          ...(ISO_DATE.test(previewInput.expiry) ? { beyondUseDate: previewInput.expiry } : {}),
          ...(previewInput.bolus === '' ? {} : { patientBolus: previewInput.bolus }),
        }),
      ),
    enabled: record !== undefined && DECIMAL_INPUT.test(previewInput.withdrawnMl) && step >= 2,
    // The figures (and the discrepancy acknowledgement they call for) stay on screen while the
    // preview of what was typed since is fetched; moving on still waits for it (`settled`, isFetching).
    placeholderData: keepPreviousData,
  });
  const patient = useQuery({
    queryKey: ['patients:forPump', record?.status.serial],
    queryFn: async () => unwrap(await pumpApi().patients.forPump({ serial: record?.status.serial ?? '-' })),
    enabled: record !== undefined,
  });
  const perform = useApiMutation(
    async (input: Parameters<ReturnType<typeof pumpApi>['refill']['perform']>[0]) => {
      const result = await pumpApi().refill.perform(input);
      // The visit is on record: its entries are not kept any longer.
      if (result.ok) dropDrafts('refill.');
      return result;
    },
    [['sessions:unconfirmed'], ['reviews:list']],
  );
  const host = useApi(['app:info'], () => pumpApi().app.info({})).data?.host;
  const pdf = useApiMutation((v: { fileName: string }) => pumpApi().report.pdf(v));
  const needsAck = perform.error instanceof ApiError && perform.error.code === 'ACKNOWLEDGEMENT_REQUIRED';

  const mass = wanted?.concentration.unit.split('/')[0] ?? status?.concentration.unit.split('/')[0] ?? 'mg';
  const change = preview.data?.concentrationChange ?? null;
  // The syringe against the order (the order was checked against the pump at the first step).
  const syringeProblems = syringeProblemsOf(t, wanted, syringe, today);
  const rinseUsed = drugChange && rinseMl !== undefined && DECIMAL_INPUT.test(rinseMl) ? rinseMl : '0';
  const overSyringe =
    syringe?.volumeMl !== undefined &&
    instilled !== undefined &&
    DECIMAL_INPUT.test(instilled) &&
    DECIMAL_INPUT.test(syringe.volumeMl) &&
    dec(instilled).plus(rinseUsed).gt(syringe.volumeMl);
  const rinseMissing =
    drugChange && (rinsed !== true || rinseMl === undefined || !DECIMAL_INPUT.test(rinseMl) || dec(rinseMl).isZero());
  const fillDiffers =
    order?.fillVolumeMl != null &&
    instilled !== undefined &&
    DECIMAL_INPUT.test(instilled) &&
    !dec(instilled).eq(order.fillVolumeMl);

  const next = async (form?: { validateFields: () => Promise<unknown> }) => {
    if (form !== undefined) await form.validateFields();
    setStep((n) => n + 1);
  };
  const submit = (v: FinishForm) => {
    const sy = syringeForm.getFieldsValue(true) as SyringeForm;
    const vol = volumes.getFieldsValue(true) as VolumesForm;
    const ack = vol.discrepancyAck;
    perform.mutate({
      prescriptionId: orderId ?? 0,
      ...(drugChange && vol.rinseMl !== undefined ? { rinse: { volumeMl: vol.rinseMl } } : {}),
      syringe: {
        drug: sy.drug,
        concentration: {
          value: sy.concentration,
          unit: wanted?.concentration.unit ?? status?.concentration.unit ?? 'mg/mL',
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

  return {
    step,
    setStep,
    next,
    status,
    patient,
    orders,
    order,
    wanted,
    drugChange,
    concentrationChange,
    orderProblems,
    checks,
    checksDraft,
    symptoms,
    identity,
    syringeForm,
    syringeDraft,
    syringeProblems,
    mass,
    volumes,
    volumesDraft,
    withdrawn,
    instilled,
    rinseMl,
    rinseMissing,
    overSyringe,
    fillDiffers,
    preview,
    settled,
    change,
    bolusDecision,
    setBolusDecision,
    finish,
    finishDraft,
    needsAck,
    submit,
    perform,
    host,
    pdf,
  };
}

export type RefillWizardState = ReturnType<typeof useRefillWizard>;
