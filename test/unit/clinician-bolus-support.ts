import type { Runtime } from '../../services/runtime';
import type { runtimeFixture } from './runtime-fixture';
import { signInThrough, TEST_PASSWORD } from './helpers';

// What the clinician-bolus tests share (services/bolus.ts, services/bolus-review.ts): the answers'
// shapes, the clinic they start from, and helpers over a test file's runtime fixture.

type Fixture = ReturnType<typeof runtimeFixture>;
export const witness = { username: 'dr.chen', password: TEST_PASSWORD };
export type Finding = { code: string; level: string; params: Record<string, string> };
export type Preview = {
  kind: string;
  volume: { value: string };
  durationMinutes: number;
  rate: { value: string; unit: string };
  doses: Array<{
    drug: string;
    dose: { value: string; unit: string };
    total24hBefore: { value: string; unit: string };
    total24hWith: { value: string; unit: string };
    clinicianBoluses: {
      hours: number;
      count: number;
      before: { value: string; unit: string };
      with: { value: string; unit: string };
    };
  }>;
  earlier: Array<{
    at: string;
    kind: string;
    volume: { value: string };
    durationMinutes: number;
    doses: Array<{ drug: string; dose: { value: string; unit: string } }>;
  }>;
  reservoir: { before: { value: string }; after: { value: string } };
  reviewed: unknown;
  witnessRequired: boolean;
  check: { verdict: string; findings: Finding[] };
};
export type Outcome = {
  outcome: string;
  pumpDid: string;
  sessionId: string;
  mismatches: string[];
  volume: { value: string };
  durationMinutes: number;
};
export type Status = { lastTransactionId: string | null; rate: { value: string }; reservoirVolume: { value: string } };
export type AuditRow = { seq: number; action: string; outcome: string; newJson: string | null; witness: string | null };
export const codes = (p: Preview) => p.check.findings.map((x) => `${x.code}:${x.level}`);

/** Dr Li signed in; patient P-1 with the training pump registered (a 40 cm SIM catheter unless told otherwise) and read once. */
export async function clinic(
  r: { runtime: Runtime; value: <T>(c: string, i?: unknown) => Promise<T> },
  registration: Record<string, unknown> = { catheterModelId: 'sim-cath', catheterLengthCm: '40' },
) {
  await signInThrough(r.runtime.dispatch, 'dr.li');
  const { id } = await r.value<{ id: number }>('patients:create', {
    identifier: 'P-1',
    name: 'Zhang Wei',
    indication: 'cancer',
  });
  await r.value('pumps:register', {
    patientId: id,
    serial: 'SIM000123',
    modelId: 'sim-40',
    implantDate: '2026-01-10',
    ...registration,
  });
  await r.value('pump:interrogate');
}
export const auditRows = (runtime: Runtime, action: string): AuditRow[] =>
  runtime.db
    .prepare<[string], AuditRow>(
      'SELECT seq, action, outcome, new_json AS newJson, witness FROM audit_log WHERE action LIKE ? ORDER BY seq',
    )
    .all(`${action}%`);

/** The helpers that act on a test file's fixture. */
export const bolusHelpers = (f: Fixture) => {
  const statusOf = async () => (await f.value<{ status: Status }>('pump:interrogate')).status;
  /** Previews a bolus and gives it as reviewed, with a witness (and a reason, for soft findings). */
  async function give(request: Record<string, unknown>, extra: Record<string, unknown> = { witness }) {
    const preview = await f.value<Preview>('bolus:preview', request);
    return f.call('bolus:deliver', { request, reviewed: preview.reviewed, ...extra });
  }
  /** Moves the manual clock on and signs Dr Li in again (a long pause locks the session). */
  async function later(minutes: number) {
    f.clock.advanceMinutes(minutes);
    await f.value('auth:signIn', { username: 'dr.li', password: TEST_PASSWORD });
  }
  const confirmedBolusCount = () =>
    f.runtime.db
      .prepare<[], { n: number }>(
        "SELECT count(*) AS n FROM programming_sessions WHERE outcome = 'confirmed' AND json_extract(intent_json, '$.bolus') IS NOT NULL",
      )
      .get()?.n;
  return { statusOf, give, later, confirmedBolusCount };
};
