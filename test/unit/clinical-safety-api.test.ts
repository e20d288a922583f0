import { describe, expect, it } from 'vitest';
import { dec } from '../../core/decimal';
import { trainingPresets, type TrainingPumpState } from '../../drivers/simulator/presets';
import { runtimeFixture } from './runtime-fixture';
import { signInThrough, TEST_PASSWORD } from './helpers';

const f = runtimeFixture();
const call = (channel: string, input: unknown = {}) => f.call(channel, input);
const value = <T = Record<string, unknown>>(channel: string, input: unknown = {}) => f.value<T>(channel, input);
const witness = { username: 'dr.chen', password: TEST_PASSWORD };
type Finding = { code: string; level: string; params: Record<string, string> };
type Preview = {
  settings: unknown;
  reviewed: unknown;
  witnessRequired: boolean;
  check: { verdict: string; findings: Finding[] };
};
type Forecast = {
  daysToAlarm: string | null;
  alarmDate: string | null;
  nextRefillDate: string;
  limitingFactor: string;
  replacePump: boolean;
};
const codes = (p: Preview) => p.check.findings.map((x) => `${x.code}:${x.level}`);

/** Signed in as Dr Li; patient P-1 with the training pump registered and read once. */
async function clinic(pump: TrainingPumpState, patient: Record<string, unknown> = {}) {
  await f.withPump(pump);
  await signInThrough(f.runtime.dispatch, 'dr.li');
  const { id } = await value<{ id: number }>('patients:create', {
    identifier: 'P-1',
    name: 'Zhang Wei',
    indication: 'cancer',
    ...patient,
  });
  await value('pumps:register', {
    patientId: id,
    serial: 'SIM000123',
    modelId: 'sim-40',
    implantDate: '2026-01-10',
    catheterModelId: 'sim-cath',
    catheterLengthCm: '40',
  });
  await value('pump:interrogate');
  return id;
}
/** Previews a change and applies it as reviewed, with a reason and a witness. */
async function program(change: Record<string, unknown>, reason = 'titration agreed with the patient') {
  const preview = await value<Preview>('program:preview', change);
  return call('program:apply', {
    settings: preview.settings,
    reviewed: preview.reviewed,
    acknowledgement: reason,
    witness,
  });
}

describe('the safety check through the API, with the pump’s history', () => {
  it('stops the mcg/h-typed-as-mcg/day error on a baclofen flex pump (a ceiling, whatever the step)', async () => {
    await clinic(trainingPresets['baclofen-flex'], { indication: 'non-cancer', spasticityOrigin: 'spinal' });
    const preview = await value<Preview>('program:preview', { mode: 'continuous', dailyDose: '1440' });
    expect(preview.check.verdict).toBe('hard');
    expect(codes(preview)).toEqual(expect.arrayContaining(['DOSE_ABOVE_MAX:soft', 'INCREASE_PERCENT_ABOVE_MAX:hard']));
    expect(await program({ mode: 'continuous', dailyDose: '1440' })).toMatchObject({
      ok: false,
      error: { code: 'HARD_LIMIT' },
    });
    const huge = await value<Preview>('program:preview', { mode: 'continuous', dailyDose: '4000' });
    expect(codes(huge)).toContain('DOSE_ABOVE_MAX:hard');
  });

  it('applies the 24-hour window to what the pump was programmed: morphine 3 → 4.5 → 6 → 7.5 mg/day in minutes ends hard', async () => {
    await clinic({});
    expect(await program({ mode: 'continuous', dailyDose: '4.5' })).toMatchObject({
      ok: true,
      value: { outcome: 'confirmed' },
    });
    f.clock.advanceMinutes(3);
    expect(await program({ mode: 'continuous', dailyDose: '6' })).toMatchObject({
      ok: true,
      value: { outcome: 'confirmed' },
    });
    f.clock.advanceMinutes(3);
    const third = await value<Preview>('program:preview', { mode: 'continuous', dailyDose: '7.5' });
    // 7.5 is 150 % above the 3 mg/day of the window's start, and the third increase in 24 hours.
    expect(codes(third)).toEqual(expect.arrayContaining(['WINDOW_INCREASE_PERCENT_ABOVE_MAX:hard']));
    expect(await program({ mode: 'continuous', dailyDose: '7.5' })).toMatchObject({
      ok: false,
      error: { code: 'HARD_LIMIT' },
    });
    // A day and a half later the same step is one ordinary titration step again.
    f.clock.advanceMinutes(36 * 60);
    await value('auth:signIn', { username: 'dr.li', password: TEST_PASSWORD });
    expect(codes(await value<Preview>('program:preview', { mode: 'continuous', dailyDose: '7.5' }))).not.toContain(
      'WINDOW_INCREASE_PERCENT_ABOVE_MAX:hard',
    );
  });

  it('holds ziconotide to one step at a time: a second step minutes after the first is hard', async () => {
    await clinic(trainingPresets['ziconotide-titration'], { indication: 'non-cancer' });
    expect(await program({ mode: 'continuous', dailyDose: '4.8' })).toMatchObject({
      ok: true,
      value: { outcome: 'confirmed' },
    });
    f.clock.advanceMinutes(4);
    const next = await value<Preview>('program:preview', { mode: 'continuous', dailyDose: '7.2' });
    expect(codes(next)).toContain('WINDOW_INTERVAL_TOO_SHORT:hard');
  });

  it('restarts a stopped pump as a start: 15 mg/day of morphine for a patient of unknown tolerance is hard', async () => {
    await clinic(trainingPresets['stopped-morphine']);
    const restart = await value<Preview>('program:preview', { mode: 'continuous', dailyDose: '15' });
    expect(codes(restart)).toContain('START_DOSE_ABOVE_MAX:hard');
  });

  it('makes a stop need a reason, warns of withdrawal, and lists the pump as stopped until it runs again', async () => {
    await clinic({});
    const stop = await value<Preview>('program:preview', { mode: 'stopped', dailyDose: '0' });
    expect(codes(stop)).toEqual(['THERAPY_STOP:soft', 'STOP_WITHDRAWAL_RISK:soft']);
    expect(await call('program:apply', { settings: stop.settings, reviewed: stop.reviewed })).toMatchObject({
      ok: false,
      error: { code: 'ACKNOWLEDGEMENT_REQUIRED' },
    });
    expect(
      await program(
        {
          mode: 'stopped',
          dailyDose: '0',
          patientBolus: { volumeMl: '0.02', durationMinutes: 10, lockoutMinutes: 120, maxPerDay: 4 },
        },
        'surgical revision of the catheter tomorrow; oral morphine bridging',
      ),
    ).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    // A stopped pump gives no patient bolus either.
    expect(
      (await value<{ status: { patientBolus?: unknown } }>('pump:interrogate')).status.patientBolus,
    ).toBeUndefined();
    expect(await value('pumps:stopped')).toEqual([
      expect.objectContaining({
        pumpSerial: 'SIM000123',
        stoppedBy: 'dr.li',
        drug: 'morphine',
        reason: expect.stringContaining('revision') as unknown,
        patient: expect.objectContaining({ identifier: 'P-1' }) as unknown,
      }),
    ]);
    // The stopped pump can be refilled: nothing leaves the reservoir, so the drug's stability decides.
    const preview = await value<{ forecast: Forecast }>('refill:preview', {
      withdrawnMl: '19',
      reservoirEmptied: true,
      instilledMl: '20',
    });
    expect(preview.forecast).toMatchObject({
      daysToAlarm: null,
      alarmDate: null,
      limitingFactor: 'stability',
      nextRefillDate: '2026-05-30',
      replacePump: false,
    });
    // It leaves the list when it runs again.
    expect(
      await program({ mode: 'continuous', dailyDose: '0.5' }, 'restart at a low dose after the revision'),
    ).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    expect(await value('pumps:stopped')).toEqual([]);
  });

  it('lets an end-of-service pump only be stopped, and says to replace it instead of giving a refill date', async () => {
    await clinic(trainingPresets['eos-pump']);
    const read = await value<{ forecast: Forecast | null }>('pump:interrogate');
    expect(read.forecast).toMatchObject({ replacePump: true, limitingFactor: 'battery' });
    expect(codes(await value<Preview>('program:preview', { mode: 'continuous', dailyDose: '2.7' }))).toContain(
      'PUMP_END_OF_SERVICE:hard',
    );
    expect(codes(await value<Preview>('program:preview', { mode: 'stopped', dailyDose: '0' }))).not.toContain(
      'PUMP_END_OF_SERVICE:hard',
    );
  });

  it('warns at the elective replacement indicator, and still forecasts a refill while the battery runs', async () => {
    await clinic(trainingPresets['eri-pump']);
    expect(codes(await value<Preview>('program:preview', { mode: 'continuous', dailyDose: '2.7' }))).toContain(
      'PUMP_ELECTIVE_REPLACEMENT:soft',
    );
    const read = await value<{ forecast: Forecast | null }>('pump:interrogate');
    expect(read.forecast).toMatchObject({ replacePump: false });
    expect((read.forecast?.nextRefillDate ?? '') >= '2026-03-01').toBe(true);
    // The replacement date passed 10 days ago; the battery runs to its expected end of service
    // 90 days after it (the model's ERI-to-EOS reserve): a full reservoir is not planned past that.
    const full = await value<{ forecast: Forecast | null }>('refill:preview', {
      withdrawnMl:
        read.forecast === null
          ? '0'
          : (await value<{ status: { reservoirVolume: { value: string } } }>('pump:interrogate')).status.reservoirVolume
              .value,
      reservoirEmptied: true,
      instilledMl: '38',
    });
    expect(full.forecast).toMatchObject({
      nextRefillDate: '2026-05-20',
      limitingFactor: 'battery',
      replacePump: false,
    });
  });

  it('refuses a patient bolus faster than the pump, and needs a witness for a larger bolus', async () => {
    await clinic(
      {
        ...trainingPresets['baclofen-flex'],
        patientBolus: { volumeMl: '0.02', durationMinutes: 10, lockoutMinutes: 240, maxPerDay: 2 },
      },
      { indication: 'non-cancer', spasticityOrigin: 'spinal' },
    );
    const read = await value<{ status: { steps: Array<{ start: string; rate: { value: string } }> } }>(
      'pump:interrogate',
    );
    const steps = read.status.steps.map((s) => ({ start: s.start, dailyDose: dec(s.rate.value).mul(500).toString() }));
    expect(
      await call('program:preview', {
        mode: 'flex',
        dailyDose: '0',
        steps,
        patientBolus: { volumeMl: '0.5', durationMinutes: 10, lockoutMinutes: 240, maxPerDay: 2 },
      }),
    ).toMatchObject({ ok: false, error: { code: 'OUT_OF_RANGE', field: 'patientBolus.durationMinutes' } });
    const larger = await value<Preview>('program:preview', {
      mode: 'flex',
      dailyDose: '0',
      steps,
      patientBolus: { volumeMl: '0.04', durationMinutes: 10, lockoutMinutes: 240, maxPerDay: 2 },
    });
    expect(larger.witnessRequired).toBe(true);
    expect(
      await call('program:apply', {
        settings: larger.settings,
        reviewed: larger.reviewed,
        acknowledgement: 'more relief at night',
      }),
    ).toMatchObject({ ok: false, error: { code: 'WITNESS_REQUIRED' } });
  });
});

describe('the refill forecast and the bedside rules through the API', () => {
  it('forecasts a flex pump from its whole day, not its first step', async () => {
    await clinic(trainingPresets['baclofen-flex'], { indication: 'non-cancer', spasticityOrigin: 'spinal' });
    // 0.8 mL/day for 9 h and 0.5 mL/day for 15 h: 0.6125 mL/day; (20 − 2) / 0.6125 = 29.38 days.
    const preview = await value<{ forecast: Forecast }>('refill:preview', {
      withdrawnMl: '6',
      reservoirEmptied: true,
      instilledMl: '20',
    });
    expect(preview.forecast).toMatchObject({
      daysToAlarm: '29.38',
      alarmDate: '2026-03-30',
      nextRefillDate: '2026-03-30',
      limitingFactor: 'alarm',
    });
  });

  it('counts every allowed patient bolus in the forecast', async () => {
    await clinic(
      {
        ...trainingPresets['baclofen-flex'],
        patientBolus: { volumeMl: '0.1', durationMinutes: 10, lockoutMinutes: 240, maxPerDay: 4 },
      },
      { indication: 'non-cancer', spasticityOrigin: 'spinal' },
    );
    // 0.6125 + 4 × 0.1 = 1.0125 mL/day; 18 / 1.0125 = 17.77 days.
    const preview = await value<{ forecast: Forecast }>('refill:preview', {
      withdrawnMl: '6',
      reservoirEmptied: true,
      instilledMl: '20',
    });
    expect(preview.forecast).toMatchObject({ daysToAlarm: '17.77', alarmDate: '2026-03-18' });
  });

  it('gives ziconotide’s first fill of a pump 14 days, and limits by the syringe’s expiry', async () => {
    await clinic(trainingPresets['ziconotide-titration'], { indication: 'non-cancer' });
    const first = await value<{ forecast: Forecast }>('refill:preview', {
      withdrawnMl: '19',
      reservoirEmptied: true,
      instilledMl: '20',
    });
    expect(first.forecast).toMatchObject({ limitingFactor: 'stability', nextRefillDate: '2026-03-15' });
    const expiring = await value<{ forecast: Forecast }>('refill:preview', {
      withdrawnMl: '19',
      reservoirEmptied: true,
      instilledMl: '20',
      beyondUseDate: '2026-03-10',
    });
    expect(expiring.forecast).toMatchObject({ limitingFactor: 'expiry', nextRefillDate: '2026-03-10' });
  });

  it('refuses an overfill unless the reservoir was recorded as emptied, and a fill at or below the alarm volume', async () => {
    await clinic({ reservoirMl: '14.2' });
    expect(await call('refill:preview', { withdrawnMl: '0', instilledMl: '40' })).toMatchObject({
      ok: false,
      error: {
        code: 'OUT_OF_RANGE',
        field: 'instilledMl',
        message: expect.stringContaining('14.2 mL still in the reservoir') as unknown,
      },
    });
    expect(
      await call('refill:preview', { withdrawnMl: '14', reservoirEmptied: true, instilledMl: '40' }),
    ).toMatchObject({ ok: true });
    expect(
      await call('refill:preview', { withdrawnMl: '14', reservoirEmptied: true, instilledMl: '1.5' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'OUT_OF_RANGE', message: expect.stringContaining('alarm volume') as unknown },
    });
  });

  it('refuses a 400 cm catheter (a typo for 40) when the pump is registered', async () => {
    await signInThrough(f.runtime.dispatch, 'dr.li');
    const { id } = await value<{ id: number }>('patients:create', { identifier: 'P-2', name: 'Li Mei' });
    expect(
      await call('pumps:register', {
        patientId: id,
        serial: 'SIM000999',
        modelId: 'sim-40',
        implantDate: '2026-01-10',
        catheterModelId: 'sim-cath',
        catheterLengthCm: '400',
      }),
    ).toMatchObject({ ok: false, error: { code: 'OUT_OF_RANGE', field: 'catheterLengthCm' } });
  });

  it('matches an order for a repeating-decimal flex dose written as the Finish screen shows it', async () => {
    // 0.3, 0.4, 0.3 mL/day for 8 h each: 0.3333… mL/day, 3.3333… mg/day, shown as 3.3333.
    const rate = (value: string) => ({ value, unit: 'mL/day' as const });
    const patientId = await clinic({
      mode: 'flex',
      steps: [
        { start: '00:00', rate: rate('0.3') },
        { start: '08:00', rate: rate('0.4') },
        { start: '16:00', rate: rate('0.3') },
      ],
    });
    const read = await value<{ status: { dailyDose: { value: string } } }>('pump:interrogate');
    expect(read.status.dailyDose.value).toBe('3.3333');
    const order = await value<{ id: number }>('prescriptions:create', {
      patientId,
      anyPump: true,
      components: [
        {
          drug: 'morphine',
          concentration: { value: '10', unit: 'mg/mL' },
          dailyDose: { value: '3.3333', unit: 'mg/day' },
        },
      ],
      mode: 'flex',
    });
    await value('auth:signIn', { username: 'nurse.wang', password: TEST_PASSWORD });
    const syringe = {
      drug: 'morphine',
      concentration: { value: '10', unit: 'mg/mL' },
      volumeMl: '20',
      lot: 'L1',
      expiry: '2027-01-01',
      preparedBy: 'Pharmacy',
      checkedBy: 'Pharmacist Zhou',
    };
    const report = await value('refill:perform', {
      prescriptionId: order.id,
      syringe,
      withdrawnMl: '14',
      reservoirEmptied: true,
      instilledMl: '20',
      witness: { username: 'nurse.zhao', password: TEST_PASSWORD },
      discrepancyAcknowledgement: { checked: 'Aspirated until nothing more came', patientState: 'Alert, no symptoms' },
    });
    expect(report).toMatchObject({ outcome: 'confirmed' });
  });
});

describe('the patient’s systemic opioids', () => {
  it('derive opioid tolerance (≥ 60 mg/day oral morphine equivalent for a week) for the starting dose and patient boluses', async () => {
    const patientId = await clinic(trainingPresets['stopped-morphine']);
    const restart = {
      mode: 'continuous',
      dailyDose: '4',
      patientBolus: { volumeMl: '0.02', durationMinutes: 10, lockoutMinutes: 120, maxPerDay: 4 },
    };
    const naive = await value<Preview>('program:preview', restart);
    expect(codes(naive)).toEqual(expect.arrayContaining(['START_DOSE_ABOVE_MAX:hard', 'BOLUS_OPIOID_NAIVE:hard']));
    // Oral morphine 40 mg/day + a 25 mcg/h fentanyl patch (60 mg/day): 100 mg/day from 20 days ago, stopped 2 days ago.
    expect(
      await call('opioids:record', {
        patientId,
        record: { kind: 'morphine/oral', dose: '40', startDate: '2026-02-09', stopDate: '2026-02-27' },
      }),
    ).toMatchObject({ ok: true });
    const patch = await value<{ id: number }>('opioids:record', {
      patientId,
      record: { kind: 'fentanyl/transdermal', dose: '25', startDate: '2026-02-09' },
    });
    expect(await value('opioids:stop', { patientId, id: patch.id, stopDate: '2026-02-27' })).toBeNull();
    const detail = await value<{
      opioidTolerance: string;
      omeTodayMgPerDay: string;
      systemicOpioids: Array<{ omeMgPerDay: string; stopDate: string | null }>;
    }>('patients:get', { id: patientId });
    expect(detail).toMatchObject({
      opioidTolerance: 'tolerant',
      omeTodayMgPerDay: '0',
      systemicOpioids: [
        { omeMgPerDay: '40', stopDate: '2026-02-27' },
        { omeMgPerDay: '60', stopDate: '2026-02-27' },
      ],
    });
    const tolerant = await value<Preview>('program:preview', restart);
    expect(codes(tolerant)).not.toContain('START_DOSE_ABOVE_MAX:hard');
    expect(codes(tolerant)).not.toContain('BOLUS_OPIOID_NAIVE:hard');
    // A stop date before the start, or another patient's record, is refused.
    expect(await call('opioids:stop', { patientId, id: patch.id, stopDate: '2026-01-01' })).toMatchObject({
      ok: false,
      error: { field: 'stopDate' },
    });
    expect(
      await call('opioids:record', {
        patientId,
        record: { kind: 'morphine/oral', dose: '30', startDate: '2026-02-10', stopDate: '2026-02-01' },
      }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('counts a week of intrathecal opioid as tolerance', async () => {
    await clinic({});
    await value('auth:signIn', { username: 'dr.li', password: TEST_PASSWORD });
    const bolus = {
      mode: 'continuous',
      dailyDose: '3',
      patientBolus: { volumeMl: '0.02', durationMinutes: 10, lockoutMinutes: 120, maxPerDay: 4 },
    };
    expect(codes(await value<Preview>('program:preview', bolus))).toContain('BOLUS_OPIOID_NAIVE:hard');
    // Programmed here (3 mg/day), then eight days of it.
    expect(await program({ mode: 'continuous', dailyDose: '2.7' }, 'lower first')).toMatchObject({ ok: true });
    f.clock.advanceDays(8);
    await value('auth:signIn', { username: 'dr.li', password: TEST_PASSWORD });
    await value('pump:interrogate');
    expect(codes(await value<Preview>('program:preview', { ...bolus, dailyDose: '2.7' }))).not.toContain(
      'BOLUS_OPIOID_NAIVE:hard',
    );
  });
});

describe('ways around the limits, closed', () => {
  it('a bolus-sized step hidden in an unchanged daily total (morphine, clonidine) is hard', async () => {
    await clinic({});
    // 3 mg/day as 23.76 mg/day for one hour and 2.09 mg/day for the rest: about 1 mg in one hour.
    const hidden = await value<Preview>('program:preview', {
      mode: 'flex',
      dailyDose: '0',
      steps: [
        { start: '00:00', dailyDose: '23.76' },
        { start: '01:00', dailyDose: '2.09' },
      ],
    });
    expect(codes(hidden)).toContain('PEAK_TO_AVERAGE_ABOVE_MAX:hard');
    // A night rate twice the day's is an ordinary flex schedule.
    const ordinary = await value<Preview>('program:preview', {
      mode: 'flex',
      dailyDose: '0',
      steps: [
        { start: '00:00', dailyDose: '4' },
        { start: '07:00', dailyDose: '2.4' },
      ],
    });
    expect(codes(ordinary).filter((c) => c.startsWith('PEAK'))).toEqual([]);
  });

  it('a restart soon after a stop is measured against the dose before the stop (baclofen)', async () => {
    await clinic(
      { ...trainingPresets['baclofen-flex'], mode: 'continuous', rate: { value: '0.2', unit: 'mL/day' } },
      { indication: 'non-cancer', spasticityOrigin: 'spinal' },
    );
    expect(
      await program({ mode: 'stopped', dailyDose: '0' }, 'pump pocket infection: stop, oral baclofen'),
    ).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    f.clock.advanceMinutes(2);
    // 100 mcg/day before the stop; 200 two minutes later is +100 % within 24 h.
    expect(codes(await value<Preview>('program:preview', { mode: 'continuous', dailyDose: '200' }))).toContain(
      'WINDOW_INCREASE_PERCENT_ABOVE_MAX:hard',
    );
  });

  it('a larger patient bolus is a dose increase by another door (baclofen)', async () => {
    await clinic(
      { ...trainingPresets['baclofen-flex'], mode: 'continuous', rate: { value: '0.2', unit: 'mL/day' } },
      { indication: 'non-cancer', spasticityOrigin: 'spinal' },
    );
    // 100 mcg/day, plus 4 boluses of 49 mcg: up to 296 mcg/day, +196 %.
    const bolus = await value<Preview>('program:preview', {
      mode: 'continuous',
      dailyDose: '100',
      patientBolus: { volumeMl: '0.098', durationMinutes: 15, lockoutMinutes: 240, maxPerDay: 4 },
    });
    expect(codes(bolus)).toContain('INCREASE_WITH_BOLUSES_ABOVE_MAX:hard');
  });

  it('a stop takes the patient bolus with it, whatever the request carries (morphine with boluses)', async () => {
    await clinic(trainingPresets['morphine-patient-bolus']);
    const read = await value<{ status: { patientBolus?: unknown } }>('pump:interrogate');
    expect(read.status.patientBolus).toBeDefined();
    const preview = await value<Preview & { settings: Record<string, unknown> }>('program:preview', {
      mode: 'stopped',
      dailyDose: '0',
    });
    // The bolus put back into the stop by hand.
    const r = await call('program:apply', {
      settings: { ...preview.settings, patientBolus: read.status.patientBolus },
      reviewed: preview.reviewed,
      acknowledgement: 'surgery tomorrow: stop',
    });
    expect(r).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    expect(
      (await value<{ status: { mode: string; patientBolus?: unknown } }>('pump:interrogate')).status,
    ).toMatchObject({ mode: 'stopped' });
    expect(
      (await value<{ status: { patientBolus?: unknown } }>('pump:interrogate')).status.patientBolus,
    ).toBeUndefined();
  });

  it('a running program at 0 mL/day is no stop in disguise: refused, the pump unchanged and not listed as stopped', async () => {
    await clinic({});
    const preview = await value<Preview & { settings: Record<string, unknown> }>('program:preview', {
      mode: 'continuous',
      dailyDose: '2.7',
    });
    const before = await value<{ status: { lastTransactionId: string | null } }>('pump:interrogate');
    const zero = await call('program:apply', {
      settings: { ...preview.settings, rate: { value: '0', unit: 'mL/day' } },
      reviewed: preview.reviewed,
      acknowledgement: 'pause',
    });
    expect(zero).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringContaining('use Stop') as unknown },
    });
    expect(
      (await value<{ status: { lastTransactionId: string | null } }>('pump:interrogate')).status.lastTransactionId,
    ).toBe(before.status.lastTransactionId);
  });

  it('a restart with large patient boluses meets the starting limit with every bolus counted (tolerant, morphine)', async () => {
    const patientId = await clinic(trainingPresets['stopped-morphine']);
    await value('opioids:record', {
      patientId,
      record: { kind: 'morphine/oral', dose: '100', startDate: '2026-02-01' },
    });
    // 5 mg/day is within the tolerant start (soft 5, hard 10); 10 boluses of 1 mg make it 15 mg/day.
    const restart = await value<Preview>('program:preview', {
      mode: 'continuous',
      dailyDose: '5',
      patientBolus: { volumeMl: '0.1', durationMinutes: 10, lockoutMinutes: 120, maxPerDay: 10 },
    });
    expect(codes(restart)).toContain('START_WITH_BOLUSES_ABOVE_MAX:hard');
    expect(codes(restart)).not.toContain('START_DOSE_ABOVE_MAX:hard');
  });

  it('patient-bolus steps minutes apart meet the 24-hour window (tolerant, morphine 3 mg/day)', async () => {
    const patientId = await clinic({});
    await value('opioids:record', {
      patientId,
      record: { kind: 'morphine/oral', dose: '100', startDate: '2026-02-01' },
    });
    const bolus = (volumeMl: string, maxPerDay: number) => ({
      mode: 'continuous',
      dailyDose: '3',
      patientBolus: { volumeMl, durationMinutes: 10, lockoutMinutes: 120, maxPerDay },
    });
    // Up to 6 mg/day, then 3 minutes later up to 8 mg/day: 167 % above the 3 mg/day of the window's start.
    expect(await program(bolus('0.05', 6))).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    f.clock.advanceMinutes(3);
    expect(codes(await value<Preview>('program:preview', bolus('0.05', 10)))).toContain(
      'WINDOW_WITH_BOLUSES_ABOVE_MAX:hard',
    );
  });
});
