import { dec } from '../core/decimal';
import type { ProgramWrite, PumpStatus } from '../core/pump';

const sameQuantity = (a: { value: string; unit: string }, b: { value: string; unit: string }) =>
  a.unit === b.unit && dec(a.value).eq(b.value);

/** Read-back: each programmed field compared with what was sent, exactly. */
export function compareReadBack(sent: ProgramWrite, status: PumpStatus): string[] {
  const out: string[] = [];
  if (status.lastTransactionId !== sent.transactionId)
    out.push(`transaction: pump applied ${status.lastTransactionId ?? 'none'}, sent ${sent.transactionId}`);
  if (status.drug !== sent.settings.drug) out.push(`drug: ${status.drug} ≠ ${sent.settings.drug}`);
  if (!sameQuantity(status.concentration, sent.settings.concentration)) out.push('concentration');
  if (status.mode !== sent.settings.mode) out.push(`mode: ${status.mode} ≠ ${sent.settings.mode}`);
  if (sent.settings.mode === 'flex') {
    // A flex program is compared step by step: the status rate is only the step running now.
    const sentSteps = sent.settings.steps ?? [];
    const readSteps = status.steps ?? [];
    if (readSteps.length !== sentSteps.length)
      out.push(`steps: ${readSteps.length} read back, ${sentSteps.length} sent`);
    sentSteps.forEach((step, i) => {
      const back = readSteps[i];
      if (back === undefined || back.start !== step.start || !sameQuantity(back.rate, step.rate))
        out.push(
          `step ${i + 1}: ${back?.start ?? '-'} ${back?.rate.value ?? '-'} ≠ ${step.start} ${step.rate.value} mL/day`,
        );
    });
  } else {
    const rate = sent.settings.mode === 'stopped' ? { value: '0', unit: 'mL/day' } : sent.settings.rate;
    if (!sameQuantity(status.rate, rate)) out.push(`rate: ${status.rate.value} ≠ ${rate.value} mL/day`);
  }
  const bolusSent = sent.settings.patientBolus;
  const bolusRead = status.patientBolus;
  if ((bolusSent === undefined) !== (bolusRead === undefined))
    out.push(
      `patient bolus: ${bolusRead === undefined ? 'none' : 'set'} read back, ${bolusSent === undefined ? 'none' : 'set'} sent`,
    );
  else if (bolusSent !== undefined && bolusRead !== undefined) {
    const same =
      dec(bolusRead.volumeMl).eq(bolusSent.volumeMl) &&
      bolusRead.durationMinutes === bolusSent.durationMinutes &&
      bolusRead.lockoutMinutes === bolusSent.lockoutMinutes &&
      bolusRead.maxPerDay === bolusSent.maxPerDay;
    if (!same) out.push('patient bolus settings');
  }
  if (sent.bridge !== undefined) {
    // The bridge starts at the commit: it must be running, with no more than was sent left.
    if (status.bridge === undefined) out.push('bridge: not running');
    else if (dec(status.bridge.remaining.value).gt(sent.bridge.volumeMl))
      out.push(`bridge: ${status.bridge.remaining.value} mL left > ${sent.bridge.volumeMl} mL sent`);
  }
  if (sent.reservoirVolumeMl !== undefined) {
    // The pump reports 0.1 mL steps, rounded down, and has drained a little since the write.
    const reported = dec(status.reservoirVolume.value);
    if (reported.gt(sent.reservoirVolumeMl) || reported.lt(dec(sent.reservoirVolumeMl).minus('0.2')))
      out.push(`reservoir: ${reported.toString()} mL ≠ ${sent.reservoirVolumeMl} mL`);
  }
  return out;
}
