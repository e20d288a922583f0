import { describe, expect, it } from 'vitest';
import { dec } from '../../core/decimal';
import { verifyAudit } from '../../db/audit/verify';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { trainingPresets } from '../../drivers/simulator/presets';
import { runtimeFixture } from './runtime-fixture';
import { manualClock, signInThrough, TEST_PASSWORD } from './helpers';

const f = runtimeFixture();
const call = (channel: string, input: unknown = {}) => f.call(channel, input);
const value = <T = Record<string, unknown>>(channel: string, input: unknown = {}) => f.value<T>(channel, input);
const syringe = (concentration: string) => ({
  drug: 'morphine',
  concentration: { value: concentration, unit: 'mg/mL' },
  volumeMl: '40',
  lot: 'L7',
  expiry: '2027-06-30',
  preparedBy: 'Pharmacist Sun',
  checkedBy: 'Pharmacist Zhou',
});
let orders: Record<string, number> = {};
const refill = (concentration: string, drug = 'morphine') => ({
  prescriptionId: orders[`${drug} ${concentration}`],
  syringe: { ...syringe(concentration), drug },
  withdrawnMl: '13',
  reservoirEmptied: true,
  instilledMl: '20',
  witness: { username: 'nurse.zhao', password: TEST_PASSWORD },
  discrepancyAcknowledgement: ACK,
});
/** 13 mL out of about 16 counted is a flagged discrepancy: acknowledged as the nurse would. */
const ACK = {
  checked: 'Aspirated until nothing more came; no swelling at the pocket',
  patientState: 'Alert, no signs of overdose or withdrawal',
};

type OrderKey = 'morphine 10' | 'morphine 25' | 'hydromorphone 2';
let pumpId = 0;

/** Dr Li's order (3 mg/day of morphine at 10 or at 25 mg/mL; hydromorphone as a new drug's start), the one open before it cancelled (one open order per pump); then signed in as `as`. */
async function order(key: OrderKey, as: string) {
  await value('auth:signIn', { username: 'dr.li', password: TEST_PASSWORD });
  for (const open of await value<Array<{ id: number }>>('prescriptions:open', { serial: 'SIM000123' }))
    await value('prescriptions:cancel', { id: open.id, reason: 'replaced by a new order' });
  const [drug = 'morphine', c = '10'] = key.split(' ');
  const dose = drug === 'hydromorphone' ? '0.25' : '3';
  const written = {
    patientId: 1,
    pumpId,
    components: [{ drug, concentration: { value: c, unit: 'mg/mL' }, dailyDose: { value: dose, unit: 'mg/day' } }],
    mode: 'continuous',
  };
  orders = { [key]: (await value<{ id: number }>('prescriptions:create', written)).id };
  await value('auth:signIn', { username: as, password: TEST_PASSWORD });
}

/** The patient and pump, and Dr Li's order for 3 mg/day of morphine at 25 mg/mL, then signed in as `as`. */
async function setUp(as: string, catheter = true) {
  await signInThrough(f.runtime.dispatch, as === 'admin' ? 'admin' : 'nurse.wang');
  await value<{ id: number }>('patients:create', { identifier: 'P-1', name: 'Zhang Wei', indication: 'cancer' });
  pumpId = (
    await value<{ id: number }>('pumps:register', {
      patientId: 1,
      serial: 'SIM000123',
      modelId: 'sim-40',
      implantDate: '2026-01-10',
      ...(catheter ? { catheterModelId: 'sim-cath', catheterLengthCm: '40' } : {}),
    })
  ).id;
  await value('pump:interrogate');
  await order('morphine 25', as);
}

describe('a concentration change at a refill: same daily dose, the forced bridge bolus', () => {
  it('plans it on the preview: new rate, dead volume from the models, bridge at the old rate', async () => {
    await setUp('dr.li');
    const preview = await value<{ concentrationChange: Record<string, unknown> }>('refill:preview', {
      withdrawnMl: '13',
      instilledMl: '20',
      prescriptionId: orders['morphine 25'],
    });
    // 3 mg/day: 0.3 mL/day at 10 mg/mL, 0.12 mL/day at 25 mg/mL; dead volume 0.2 mL tubing + 40 cm × 0.0025 mL/cm.
    expect(preview.concentrationChange).toMatchObject({
      previousDrug: null,
      newDrug: 'morphine',
      newDailyDose: { value: '3', unit: 'mg/day' },
      newConcentration: { value: '25', unit: 'mg/mL' },
      oldRate: { value: '0.3' },
      newRate: { value: '0.12' },
      deadVolume: { value: '0.3' },
      bridgeVolume: { value: '0.3' },
      bridgeMinutes: 1440,
      check: { verdict: 'soft' },
    });
  });

  it('commits the new program with its bridge: the bridge runs first at the old rate, then the new rate', async () => {
    await setUp('dr.li');
    const report = await value<Record<string, unknown>>('refill:perform', {
      ...refill('25'),
      acknowledgement: '25 mg/mL ordered to lengthen the refill interval',
    });
    expect(report).toMatchObject({
      outcome: 'confirmed',
      concentration: { value: '25' },
      rate: { value: '0.12' },
      concentrationChange: { bridgeVolume: { value: '0.3' }, bridgeMinutes: 1440 },
    });
    const read = await value<{
      status: {
        concentration: { value: string };
        rate: { value: string };
        bridge?: { remaining: { value: string } };
        reservoirVolume: { value: string };
      };
    }>('pump:interrogate');
    expect(read.status).toMatchObject({
      concentration: { value: '25' },
      rate: { value: '0.12' },
      bridge: { remaining: { value: '0.3' } },
    });
    // A change reviewed while the bridge runs says so on the Finish screen.
    expect(await value('program:preview', { mode: 'continuous', dailyDose: '3' })).toMatchObject({
      bridgeRunning: { value: '0.3', unit: 'mL' },
    });
    // Half a day later: half the bridge is left, and only the bridge has left the reservoir (0.15 mL).
    f.clock.advanceDays(0.5);
    await value('auth:signIn', { username: 'dr.li', password: TEST_PASSWORD }); // the idle lock came down meanwhile
    const later = await value<typeof read>('pump:interrogate');
    expect(later.status.bridge?.remaining.value).toBe('0.15');
    expect(dec(later.status.reservoirVolume.value).toString()).toBe('19.85'); // 20 − 0.15, to the µL
    f.clock.advanceDays(0.6);
    await value('auth:signIn', { username: 'dr.li', password: TEST_PASSWORD });
    expect((await value<typeof read>('pump:interrogate')).status.bridge).toBeUndefined();
    const intent = f.runtime.db
      .prepare(`SELECT actor, witness, new_json FROM audit_log WHERE action = 'pump.program' AND outcome = 'pending'`)
      .get() as { actor: string; witness: string; new_json: string };
    expect(intent).toMatchObject({ actor: 'dr.li', witness: 'nurse.zhao' });
    expect(JSON.parse(intent.new_json)).toMatchObject({
      bridge: { volumeMl: '0.3', durationMinutes: 1440 },
      concentration: { value: '25' },
    });
    expect(verifyAudit(f.runtime.db, f.keys).ok).toBe(true);
  });

  it('is refused to a nurse (a new concentration or drug), and for a syringe that is not the order, with nothing sent', async () => {
    await setUp('nurse.wang');
    expect(await call('refill:perform', refill('25'))).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', field: 'syringe.concentration' },
    });
    await order('hydromorphone 2', 'nurse.wang');
    expect(await call('refill:perform', refill('2', 'hydromorphone'))).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', field: 'syringe.drug' },
    });
    await order('morphine 10', 'nurse.wang');
    expect(
      await call('refill:perform', { ...refill('10'), syringe: { ...syringe('10'), drug: 'hydromorphone' } }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'syringe' } });
    await value('auth:signIn', { username: 'dr.li', password: TEST_PASSWORD });
    const sessions = f.runtime.db.prepare('SELECT count(*) AS n FROM programming_sessions').get();
    expect(sessions).toEqual({ n: 0 });
  });

  it('needs the catheter model and length to compute the dead volume', async () => {
    await setUp('dr.li', false);
    expect(await call('refill:perform', refill('25'))).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', field: 'catheter' },
    });
  });
});

describe('the simulated pump delivers a bridge in place of the basal program', () => {
  it('pushes the bridge volume over its duration, then runs the new rate', () => {
    const clock = manualClock();
    const pump = new SimulatedPump(defaultSimulatedPump(clock.now()), clock.now);
    const before = dec(pump.status().reservoirVolume.value);
    pump.apply(
      'tx-1',
      {
        drug: 'morphine',
        concentration: { value: '25', unit: 'mg/mL' },
        mode: 'continuous',
        rate: { value: '0.12', unit: 'mL/day' },
      },
      '20',
      { volumeMl: '0.3', durationMinutes: 1440 },
    );
    expect(pump.status().bridge?.remaining.value).toBe('0.3');
    clock.advanceDays(1);
    expect(pump.status().bridge).toBeUndefined();
    expect(pump.status().reservoirVolume.value).toBe('19.7'); // the bridge only, no basal on top
    clock.advanceDays(10);
    expect(pump.status().reservoirVolume.value).toBe('18.5'); // then 0.12 mL/day
    expect(before.gt(0)).toBe(true);
  });
});

describe('the patient bolus at a concentration change: shown old and new, the physician decides', () => {
  type Status = {
    patientBolus?: { volumeMl: string };
    concentration: { value: string };
    lastTransactionId: string | null;
    reservoirVolume: { value: string };
  };
  /** The refill with what the pump counted withdrawn (no discrepancy to acknowledge). */
  const counted = async () => ({
    ...refill('25'),
    withdrawnMl: (await value<{ status: Status }>('pump:interrogate')).status.reservoirVolume.value,
  });
  /** The pump gives patient boluses of 0.02 mL (0.2 mg at 10 mg/mL); the patient is opioid-tolerant. */
  async function withBoluses() {
    await f.withPump(trainingPresets['morphine-patient-bolus']);
    await setUp('dr.li');
    await value('opioids:record', {
      patientId: 1,
      record: { kind: 'morphine/oral', dose: '100', startDate: '2026-02-01' },
    });
  }

  it('is never dropped silently: without a decision nothing is sent; the same dose at 25 mg/mL is 0.008 mL', async () => {
    await withBoluses();
    const preview = await value<{ concentrationChange: { patientBolus: unknown } }>('refill:preview', {
      withdrawnMl: '13',
      instilledMl: '20',
      prescriptionId: orders['morphine 25'],
    });
    expect(preview.concentrationChange.patientBolus).toMatchObject({
      old: { volumeMl: '0.02', maxPerDay: 4 },
      sameDose: { volumeMl: '0.008', maxPerDay: 4 },
      decision: null,
    });
    const before = (await value<{ status: Status }>('pump:interrogate')).status;
    const ack = { acknowledgement: '25 mg/mL ordered to lengthen the refill interval' };
    expect(await call('refill:perform', { ...(await counted()), ...ack })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', field: 'patientBolus' },
    });
    expect((await value<{ status: Status }>('pump:interrogate')).status.lastTransactionId).toBe(
      before.lastTransactionId,
    );
    expect(await value('refill:perform', { ...(await counted()), ...ack, patientBolus: 'same-dose' })).toMatchObject({
      outcome: 'confirmed',
    });
    expect((await value<{ status: Status }>('pump:interrogate')).status).toMatchObject({
      concentration: { value: '25' },
      patientBolus: { volumeMl: '0.008' },
    });
  });

  it('can remove the patient bolus, and keeps none for a new drug (no equal dose of another drug)', async () => {
    await withBoluses();
    // A new drug: the old drug's bolus has no equal dose of it.
    await order('hydromorphone 2', 'dr.li');
    const drugChange = {
      ...(await counted()),
      ...refill('2', 'hydromorphone'),
      withdrawnMl: (await counted()).withdrawnMl,
      rinse: { volumeMl: '2' },
      patientBolus: 'same-dose',
    };
    expect(await call('refill:perform', drugChange)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', field: 'patientBolus' },
    });
    await order('morphine 25', 'dr.li');
    const ack = { acknowledgement: '25 mg/mL ordered; boluses stopped at the patient’s request' };
    expect(await value('refill:perform', { ...(await counted()), ...ack, patientBolus: 'remove' })).toMatchObject({
      outcome: 'confirmed',
    });
    expect((await value<{ status: Status }>('pump:interrogate')).status.patientBolus).toBeUndefined();
  });
});
