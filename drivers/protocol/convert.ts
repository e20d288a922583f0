import { dec } from '../../core/decimal';
import { formatMinutes, minutesOf, stepDurations } from '../../core/calc/flex';
import type { Alarm, PumpSettings, PumpStatus } from '../../core/pump';
import { said } from '../../core/messages';
import { err, ok, type AppError, type Result } from '../../core/result';
import { pumpModelNamed } from '../../core/models';
import { programDailyDose } from '../therapy';
import { ALARM_CODES, DRUG_CODES, type WireSettings, type WireStatus } from './messages';
import {
  bytesToUuid,
  fromWireClock,
  fromWireDay,
  NO_CLOCK,
  toWireClock,
  toWireDay,
  uuidToBytes,
  wireTime,
  wireUtcOffset,
} from './wire-values';

export * from './wire-values';

const U32_MAX = 0xffffffff;

/** An exact fixed-point integer, or an error: a value the wire cannot carry exactly is refused, never rounded. */
function fixed(value: string, scale: number, field: string): Result<number> {
  const scaled = dec(value).mul(scale);
  if (!scaled.isInteger() || scaled.isNegative() || scaled.gt(U32_MAX)) {
    return err(said('INVALID_INPUT', 'notExactOnWire', { field, value, scale: String(scale) }, field));
  }
  return ok(scaled.toNumber());
}

/** A volume in mL as exact microlitres. */
export const toMicroLitres = (mL: string, field = 'volume'): Result<number> => fixed(mL, 1000, field);

const MODES = ['stopped', 'continuous', 'flex'] as const;

export function toWireSettings(s: PumpSettings): Result<WireSettings> {
  const mcg = s.concentration.unit === 'mcg/mL';
  const conc = fixed(s.concentration.value, mcg ? 1_000 : 1_000_000, 'concentration');
  if (!conc.ok) return conc;
  // The rate field: continuous, the rate; stopped, 0; flex, the first (00:00) step's rate (docs).
  const rate = fixed(
    s.mode === 'stopped' ? '0' : s.mode === 'flex' ? (s.steps?.[0]?.rate.value ?? '0') : s.rate.value,
    1000,
    'rate',
  );
  if (!rate.ok) return rate;
  const steps: WireSettings['steps'] = [];
  if (s.mode === 'flex') {
    const valid = stepDurations(s.steps ?? []);
    if (!valid.ok) return valid;
    for (const [i, step] of (s.steps ?? []).entries()) {
      const r = fixed(step.rate.value, 1000, `steps.${i}.rate`);
      if (!r.ok) return r;
      steps.push({ startMinute: minutesOf(step.start) ?? 0, rateUlPerDay: r.value });
    }
  }
  let patientBolus: WireSettings['patientBolus'] = null;
  if (s.patientBolus !== undefined) {
    const v = fixed(s.patientBolus.volumeMl, 1000, 'patientBolus.volumeMl');
    if (!v.ok) return v;
    patientBolus = {
      volumeUl: v.value,
      durationMin: s.patientBolus.durationMinutes,
      lockoutMin: s.patientBolus.lockoutMinutes,
      maxPerDay: s.patientBolus.maxPerDay,
    };
  }
  return ok({
    drug: DRUG_CODES.indexOf(s.drug),
    massUnit: mcg ? 1 : 0,
    concentrationNgPerMl: conc.value,
    mode: MODES.indexOf(s.mode),
    rateUlPerDay: rate.value,
    steps,
    patientBolus,
  });
}

/**
 * A wire integer scaled down by a power of ten, exactly, as decimal text: the decimal point moved
 * `exponent` digits left in the integer's digits, trailing fraction zeros dropped — the text
 * `str(dec(`${n}e-${exponent}`))` gives (test/unit/protocol-exact-text.test.ts), without a
 * decimal.js number. Only integers: the decoder gives unsigned wire integers.
 */
export function shiftedText(n: number, exponent: 3 | 6): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a wire integer: ${n}`);
  const digits = String(n).padStart(exponent + 1, '0');
  const cut = digits.length - exponent;
  let end = digits.length;
  while (end > cut && digits.charCodeAt(end - 1) === 48) end--;
  const whole = digits.slice(0, cut);
  return end === cut ? whole : `${whole}.${digits.slice(cut, end)}`;
}

/** A problem in what the wand sent: typed, naming the field, never taken as absent or zero. */
const received = (message: string, field: string): AppError =>
  said('COMMUNICATION_FAILED', 'wandSentInvalid', { detail: message }, field);

/**
 * A settings block as received, checked with the same rules the host applies before sending:
 * steps only in flex mode, a flex schedule by `stepDurations` (at least one step, the first at
 * 00:00, increasing, none past 23:59), a stopped pump's rate 0.
 */
export function fromWireSettings(w: WireSettings): Result<PumpSettings> {
  const drug = DRUG_CODES[w.drug];
  if (drug === undefined) return err(received(`an unknown drug code ${w.drug}`, 'drug'));
  const mcg = w.massUnit === 1;
  const mode = MODES[w.mode];
  if (mode === undefined) return err(received(`an unknown mode ${w.mode}`, 'mode'));
  if (mode !== 'flex' && w.steps.length > 0)
    return err(received(`${w.steps.length} flex step(s) for a ${mode} program`, 'steps'));
  if (mode === 'stopped' && w.rateUlPerDay !== 0)
    return err(received(`a rate of ${w.rateUlPerDay} µL/day for a stopped pump`, 'rate'));
  const ml = (ul: number) => shiftedText(ul, 3);
  const settings: PumpSettings = {
    drug,
    concentration: { value: shiftedText(w.concentrationNgPerMl, mcg ? 3 : 6), unit: mcg ? 'mcg/mL' : 'mg/mL' },
    mode,
    rate: { value: ml(w.rateUlPerDay), unit: 'mL/day' },
  };
  if (mode === 'flex') {
    const steps = w.steps.map((s) => ({
      start: formatMinutes(s.startMinute),
      rate: { value: ml(s.rateUlPerDay), unit: 'mL/day' as const },
    }));
    const valid = stepDurations(steps);
    if (!valid.ok)
      return err(
        received(`a flex schedule that breaks the step rules: ${valid.error.message}`, valid.error.field ?? 'steps'),
      );
    settings.steps = steps;
  }
  if (w.patientBolus !== null) {
    const b = w.patientBolus;
    settings.patientBolus = {
      volumeMl: ml(b.volumeUl),
      durationMinutes: b.durationMin,
      lockoutMinutes: b.lockoutMin,
      maxPerDay: b.maxPerDay,
    };
  }
  return ok(settings);
}

/** Exact microlitres as mL, written with at least one decimal place (17.0, 16.253). */
export const exactMl = (ul: number): string => {
  const v = shiftedText(ul, 3);
  return v.includes('.') ? v : `${v}.0`;
};

/**
 * What a `STATUS` contradicts itself in, as the protocol violation the host reports (the field is
 * the wire field): an alarm named twice; pump time 0 (no clock) without the clock-lost alarm, or
 * the clock-lost alarm with a time (docs, "Validation on receive"). Undefined when it does not.
 */
export function statusContradiction(w: WireStatus): { detail: string; field: string } | undefined {
  const codes = w.alarms.map((a) => a.code);
  const twice = codes.find((c, i) => codes.indexOf(c) !== i);
  if (twice !== undefined)
    return { detail: `the status names the alarm ${ALARM_CODES[twice] ?? twice} twice`, field: 'STATUS.alarms' };
  const clockLost = codes.includes(ALARM_CODES.indexOf('CLOCK_LOST'));
  if (w.pumpTime === NO_CLOCK && !clockLost)
    return {
      detail: 'the status reports pump time 0 (no clock) without the clock-lost alarm',
      field: 'STATUS.pumpTime',
    };
  if (w.pumpTime !== NO_CLOCK && clockLost)
    return {
      detail: `the status raises the clock-lost alarm with a pump time of ${w.pumpTime} s, not 0`,
      field: 'STATUS.pumpTime',
    };
  // Raised without a clock, the clock-lost alarm is stamped 0 (a stamp from an uptime counter
  // taken for a clock is the usual cause of anything else). Other alarms may be stamped after the
  // pump time: raised before a SET_CLOCK that set the clock back, they keep their stamp.
  const stamped = w.alarms.find((a) => a.code === ALARM_CODES.indexOf('CLOCK_LOST') && a.since !== NO_CLOCK);
  if (stamped !== undefined)
    return { detail: `the clock-lost alarm is stamped ${stamped.since} s, not 0`, field: 'STATUS.alarms.since' };
  return undefined;
}

export function fromWireStatus(w: WireStatus): Result<PumpStatus> {
  const settings = fromWireSettings(w);
  if (!settings.ok) return settings;
  const s = settings.value;
  const alarms: Alarm[] = [];
  for (const a of w.alarms) {
    const code = ALARM_CODES[a.code];
    if (code === undefined) return err(received(`an unknown alarm code ${a.code}`, 'alarms.code'));
    alarms.push({ code, since: fromWireClock(a.since) });
  }
  // The daily dose is the whole day's (a flex program's steps, not the step running now), from the one therapy model.
  const dose = programDailyDose(s, pumpModelNamed(w.model));
  if (!dose.ok)
    return err(received(`a program the therapy model refuses: ${dose.error.message}`, dose.error.field ?? 'settings'));
  return ok({
    model: w.model,
    serial: w.serial,
    // Time 0 is no clock (never set, or lost): null, never read as 2000-01-01.
    pumpTime: fromWireClock(w.pumpTime),
    utcOffsetMinutes: w.utcOffsetMinutes,
    drug: s.drug,
    concentration: s.concentration,
    mode: s.mode,
    rate: s.rate,
    dailyDose: dose.value,
    reservoirVolume: { value: exactMl(w.reservoirUl), unit: 'mL' },
    reservoirCapacity: { value: shiftedText(w.capacityUl, 3), unit: 'mL' },
    lowReservoirAlarmVolume: { value: shiftedText(w.alarmVolumeUl, 3), unit: 'mL' },
    replaceByDate: fromWireDay(w.replaceByDay),
    alarms,
    lastTransactionId: w.lastTx === null ? null : bytesToUuid(w.lastTx),
    ...(s.steps === undefined ? {} : { steps: s.steps }),
    ...(s.patientBolus === undefined ? {} : { patientBolus: s.patientBolus }),
    ...(w.bridgeUl === null
      ? {}
      : { bridge: { remaining: { value: shiftedText(w.bridgeUl, 3), unit: 'mL' as const } } }),
  });
}

/**
 * The flex step running at a pump-clock time (UTC seconds since the epoch) for a pump whose local
 * time is that clock plus `utcOffsetMinutes`: the last step started by that local minute of the day.
 */
export function stepAt(
  steps: WireSettings['steps'],
  time: number,
  utcOffsetMinutes = 0,
): WireSettings['steps'][number] | undefined {
  const local = time + utcOffsetMinutes * 60;
  const minute = Math.floor((((local % 86_400) + 86_400) % 86_400) / 60);
  let running = steps[0];
  for (const step of steps) if (step.startMinute <= minute) running = step;
  return running;
}

/**
 * A flex schedule's mean rate in µL/day, rounded down: Σ step rate × step minutes / 1440, each step
 * running until the next, the last until midnight. What a pump without a clock delivers and reports.
 */
export function meanRateUlPerDay(steps: WireSettings['steps']): number {
  let total = 0;
  for (const [i, step] of steps.entries())
    total += step.rateUlPerDay * ((steps[i + 1]?.startMinute ?? 1440) - step.startMinute);
  return (total - (total % 1440)) / 1440; // exact: integers far below 2^53
}

/** The pump side of the wire (simulator and firmware reference): a status as the wand sends it. */
export function toWireStatus(s: PumpStatus, program?: PumpSettings): Result<WireStatus> {
  const settings = toWireSettings(
    program ?? { drug: s.drug, concentration: s.concentration, mode: s.mode, rate: s.rate },
  );
  if (!settings.ok) return settings;
  const ul = (mL: string, field: string) => fixed(mL, 1000, field);
  const reservoir = ul(s.reservoirVolume.value, 'reservoirVolume');
  const capacity = ul(s.reservoirCapacity.value, 'reservoirCapacity');
  const alarm = ul(s.lowReservoirAlarmVolume.value, 'lowReservoirAlarmVolume');
  if (!reservoir.ok) return reservoir;
  if (!capacity.ok) return capacity;
  if (!alarm.ok) return alarm;
  const bridge = s.bridge === undefined ? undefined : ul(s.bridge.remaining.value, 'bridge.remaining');
  if (bridge?.ok === false) return bridge;
  // A pump without a clock reports time 0 (NO_CLOCK).
  const pumpTime = s.pumpTime === null ? ok(NO_CLOCK) : wireTime(new Date(s.pumpTime), 'pumpTime');
  if (!pumpTime.ok) return pumpTime;
  // A pump never given an offset runs its flex schedule at offset 0 and reports 0.
  const offset = wireUtcOffset(s.utcOffsetMinutes ?? 0);
  if (!offset.ok) return offset;
  // In STATUS the rate field of a flex program is the rate of the step running now by the pump's
  // local time; without a clock, the rate it delivers instead: the schedule's mean, from its steps,
  // to the µL/day rounded down. Never the rate the status reports as delivered now: a motor stall
  // is reported by its alarm, not by this field (docs, "The rate field").
  const rateUlPerDay =
    settings.value.mode !== 2
      ? settings.value.rateUlPerDay
      : s.pumpTime === null
        ? meanRateUlPerDay(settings.value.steps)
        : (stepAt(settings.value.steps, pumpTime.value, offset.value)?.rateUlPerDay ?? 0);
  return ok({
    model: s.model,
    serial: s.serial,
    pumpTime: pumpTime.value,
    utcOffsetMinutes: offset.value,
    ...settings.value,
    rateUlPerDay,
    reservoirUl: reservoir.value,
    capacityUl: capacity.value,
    alarmVolumeUl: alarm.value,
    replaceByDay: toWireDay(s.replaceByDate),
    alarms: s.alarms.map((a) => ({ code: ALARM_CODES.indexOf(a.code), since: toWireClock(a.since) })),
    lastTx: s.lastTransactionId === null ? null : uuidToBytes(s.lastTransactionId),
    bridgeUl: bridge === undefined ? null : bridge.value,
  });
}
