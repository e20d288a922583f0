import { dec } from '../core/decimal';
import { named, type NamedMessage } from '../core/messages';
import { pumpModelNamed } from '../core/models';
import type { Db } from '../db/connection';
import { confirmedBoluses } from '../db/queries/sessions';
import type { ProgramWrite, PumpStatus } from '../core/pump';

const sameQuantity = (a: { value: string; unit: string }, b: { value: string; unit: string }) =>
  a.unit === b.unit && dec(a.value).eq(b.value);

/** What may still have been delivering from the reservoir when the write was sent, in mL. */
export interface DeliveryBefore {
  runningMl: string;
}
const NOTHING_RUNNING: DeliveryBefore = { runningMl: '0' };

/**
 * What may still be delivering from the pump's reservoir at `at`, from the reading before a write
 * and this host's records: the earlier bridge's volume left (STATUS), and the whole volume of
 * each clinician bolus it confirmed on this pump that has not run its full duration by then.
 */
export function deliveryBefore(db: Db, old: PumpStatus, at: Date): DeliveryBefore {
  let running = dec(old.bridge?.remaining.value ?? '0');
  for (const b of confirmedBoluses(db, old.serial, new Date(at.getTime() - 86_400_000).toISOString())) {
    const bolus = (JSON.parse(b.intentJson) as { bolus?: { volumeMl: string; durationMinutes: number } }).bolus;
    if (bolus !== undefined && Date.parse(b.startedAt) + bolus.durationMinutes * 60_000 > at.getTime())
      running = running.plus(bolus.volumeMl);
  }
  return { runningMl: running.toString() };
}

/**
 * The time between two readings of one pump by its own clock, when both have one and it ran
 * forward; else undefined (the caller falls back to the workstation's). A workstation clock
 * stepped between the send and the reading does not move it.
 */
export const pumpElapsedMs = (from: string | null | undefined, to: string | null): number | undefined => {
  if (from === null || from === undefined || to === null) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
};

/**
 * The least reservoir a pump that took the write can report `elapsedMs` after it was sent: the
 * volume set at COMMIT, less what the bridge bolus has delivered since (from the status: sent less
 * what is left), less the new program's fastest rate over the elapsed time, less the patient
 * boluses its settings allow in that time, less what was still running before the write and
 * may have gone on (`before`: an earlier bridge's volume left, clinician boluses not yet over;
 * STATUS reports neither once the write is in), less the pump's rounding to the µL. Anything lower is a reservoir the pump did not set as sent.
 */
export function lowestReservoir(
  sent: ProgramWrite,
  status: PumpStatus,
  elapsedMs: number,
  before: DeliveryBefore = NOTHING_RUNNING,
) {
  const s = sent.settings;
  const rates =
    s.mode === 'stopped' ? [] : s.mode === 'flex' ? (s.steps ?? []).map((x) => x.rate.value) : [s.rate.value];
  const fastest = rates.reduce((m, r) => (dec(r).gt(m) ? dec(r) : m), dec(0));
  const basal = fastest.times(Math.max(0, elapsedMs)).div(86_400_000);
  const bridge =
    sent.bridge === undefined
      ? dec(0)
      : dec(sent.bridge.volumeMl).minus(status.bridge === undefined ? 0 : status.bridge.remaining.value);
  // Patient boluses (STATUS does not report one running): as many as the lockout and the daily
  // maximum allow over the elapsed time, one of them possibly granted just before the write.
  const pb = s.patientBolus;
  const grants =
    pb === undefined
      ? 0
      : Math.min(
          pb.maxPerDay * (1 + Math.floor(Math.max(0, elapsedMs) / 86_400_000)),
          1 + Math.floor(Math.max(0, elapsedMs) / Math.max(1, pb.lockoutMinutes * 60_000)),
        );
  const patient = pb === undefined ? dec(0) : dec(pb.volumeMl).times(grants);
  // One step of the model's volume resolution (a µL) for each figure the pump rounds: the
  // reservoir, and the bridge's volume left.
  const rounding = dec(pumpModelNamed(status.model).volumeResolutionMl).times(sent.bridge === undefined ? 1 : 2);
  return dec(sent.reservoirVolumeMl ?? 0)
    .minus(bridge.gt(0) ? bridge : 0)
    .minus(basal)
    .minus(patient)
    .minus(before.runningMl)
    .minus(rounding);
}

/**
 * Read-back: each programmed field compared with what was sent, exactly. Each difference is a
 * named message (core/message-table.ts, `readBack…`): the screens say it in the user's language,
 * the audit trail keeps its English (`englishText`). `elapsedMs`: from just before the write was
 * sent to the reading; it bounds what the pump may have delivered from a reservoir the write set.
 */
export function compareReadBack(
  sent: ProgramWrite,
  status: PumpStatus,
  elapsedMs = 0,
  before: DeliveryBefore = NOTHING_RUNNING,
): NamedMessage[] {
  const out: NamedMessage[] = [];
  if (status.lastTransactionId !== sent.transactionId)
    out.push(
      status.lastTransactionId === null
        ? named('readBackNoTransaction', { sent: sent.transactionId })
        : named('readBackTransaction', { applied: status.lastTransactionId, sent: sent.transactionId }),
    );
  if (status.drug !== sent.settings.drug)
    out.push(named('readBackDrug', { readDrug: status.drug, sentDrug: sent.settings.drug }));
  if (!sameQuantity(status.concentration, sent.settings.concentration))
    out.push(
      named('readBackConcentration', {
        read: status.concentration.value,
        readUnit: status.concentration.unit,
        sent: sent.settings.concentration.value,
        sentUnit: sent.settings.concentration.unit,
      }),
    );
  if (status.mode !== sent.settings.mode)
    out.push(named('readBackMode', { readMode: status.mode, sentMode: sent.settings.mode }));
  if (sent.settings.mode === 'flex') {
    // A flex program is compared step by step: the status rate is only the step running now.
    const sentSteps = sent.settings.steps ?? [];
    const readSteps = status.steps ?? [];
    if (readSteps.length !== sentSteps.length)
      out.push(named('readBackStepCount', { read: String(readSteps.length), sent: String(sentSteps.length) }));
    sentSteps.forEach((step, i) => {
      const back = readSteps[i];
      const what = { step: String(i + 1), start: step.start, rate: step.rate.value, rateUnit: step.rate.unit };
      if (back === undefined) out.push(named('readBackStepMissing', what));
      else if (back.start !== step.start || !sameQuantity(back.rate, step.rate))
        out.push(named('readBackStep', { ...what, readStart: back.start, readRate: back.rate.value }));
    });
  } else {
    const rate = sent.settings.mode === 'stopped' ? { value: '0', unit: 'mL/day' } : sent.settings.rate;
    if (!sameQuantity(status.rate, rate))
      out.push(named('readBackRate', { read: status.rate.value, sent: rate.value, rateUnit: rate.unit }));
  }
  const bolusSent = sent.settings.patientBolus;
  const bolusRead = status.patientBolus;
  if (bolusSent !== undefined && bolusRead === undefined) out.push(named('readBackBolusMissing', {}));
  else if (bolusSent === undefined && bolusRead !== undefined) out.push(named('readBackBolusUnexpected', {}));
  else if (bolusSent !== undefined && bolusRead !== undefined) {
    const same =
      dec(bolusRead.volumeMl).eq(bolusSent.volumeMl) &&
      bolusRead.durationMinutes === bolusSent.durationMinutes &&
      bolusRead.lockoutMinutes === bolusSent.lockoutMinutes &&
      bolusRead.maxPerDay === bolusSent.maxPerDay;
    if (!same) out.push(named('readBackBolusSettings', {}));
  }
  if (sent.bridge !== undefined) {
    // The bridge starts at the commit: it must be running, with no more than was sent left.
    if (status.bridge === undefined) out.push(named('readBackBridgeNotRunning', {}));
    else if (dec(status.bridge.remaining.value).gt(sent.bridge.volumeMl))
      out.push(
        named('readBackBridgeMore', {
          left: status.bridge.remaining.value,
          sent: sent.bridge.volumeMl,
          volumeUnit: 'mL',
        }),
      );
  }
  if (sent.reservoirVolumeMl !== undefined) {
    const reported = dec(status.reservoirVolume.value);
    if (reported.gt(sent.reservoirVolumeMl) || reported.lt(lowestReservoir(sent, status, elapsedMs, before)))
      out.push(
        named('readBackReservoir', { read: reported.toString(), sent: sent.reservoirVolumeMl, volumeUnit: 'mL' }),
      );
  }
  return out;
}
