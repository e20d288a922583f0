import type { runtimeFixture } from './runtime-fixture';
import { signInThrough, TEST_PASSWORD } from './helpers';

// What the refill-visit tests share (services/refill-visit.ts through the API): the syringe, the
// witness, the audit rows, and the patient, pump and orders over a test file's runtime fixture.

type Fixture = ReturnType<typeof runtimeFixture>;

/** The helpers that act on a test file's fixture. */
export const visitHelpers = (f: Fixture) => {
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
  const witness = { username: 'nurse.zhao', password: TEST_PASSWORD };
  const auditOf = (action: string) =>
    f.runtime.db
      .prepare<[string], { actor: string; reason: string | null; newJson: string | null; oldJson: string | null }>(
        'SELECT actor, reason, new_json AS newJson, old_json AS oldJson FROM audit_log WHERE action = ? ORDER BY seq',
      )
      .all(action);

  const ORDERS = {
    same: ['morphine', '10', '3'],
    dose: ['morphine', '10', '4'],
    concentration: ['morphine', '25', '3'],
    drug: ['hydromorphone', '2', '0.25'],
  } as const;

  /** The patient (opioid tolerant) and pump, read once; signed in as the nurse. */
  async function setUp(): Promise<void> {
    await signInThrough(f.runtime.dispatch, 'nurse.wang');
    const { id } = await value<{ id: number }>('patients:create', {
      identifier: 'P-1',
      name: 'Zhang Wei',
      indication: 'cancer',
    });
    await value('pumps:register', {
      patientId: id,
      serial: 'SIM000123',
      modelId: 'sim-40',
      implantDate: '2026-01-10',
      catheterModelId: 'sim-cath',
      catheterLengthCm: '40',
    });
    await value('opioids:record', {
      patientId: id,
      record: { kind: 'morphine/oral', dose: '90', startDate: '2026-01-01' },
    });
    await value('pump:interrogate');
  }

  /**
   * Dr Li's order for the pump (one open order per pump: the one before is cancelled): the running
   * therapy (3 mg/day at 10 mg/mL), a new dose, a new concentration or a new drug. Signed in as `as` after.
   */
  async function order(
    key: keyof typeof ORDERS,
    as = 'nurse.wang',
    program: { mode: 'continuous' | 'flex'; steps?: Array<{ start: string; dailyDose: string }> } = {
      mode: 'continuous',
    },
  ): Promise<number> {
    await value('auth:signIn', { username: 'dr.li', password: TEST_PASSWORD });
    for (const open of await value<Array<{ id: number }>>('prescriptions:open', { serial: 'SIM000123' }))
      await value('prescriptions:cancel', { id: open.id, reason: 'another order' });
    const [drug, c, dose] = ORDERS[key];
    const { id } = await value<{ id: number }>('prescriptions:create', {
      patientId: 1,
      pumpId: 1,
      components: [{ drug, concentration: { value: c, unit: 'mg/mL' }, dailyDose: { value: dose, unit: 'mg/day' } }],
      ...program,
    });
    await value('auth:signIn', { username: as, password: TEST_PASSWORD });
    return id;
  }

  const expectedResidual = async () =>
    (await value<{ expectedResidualMl: string }>('refill:preview', { withdrawnMl: '0' })).expectedResidualMl;
  return { call, value, syringe, witness, auditOf, setUp, order, expectedResidual };
};
