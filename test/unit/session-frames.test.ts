import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionFrames } from '../../core/api/audit-schemas';
import { FileKeyStore } from '../../db/audit/keys';
import { bytesToUuid } from '../../drivers/protocol/convert';
import { decodeFrame } from '../../drivers/protocol/frame';
import { decodeMessage, type Message } from '../../drivers/protocol/messages';
import { openRuntime, type Runtime } from '../../services/runtime';
import { manualClock, signInThrough, tempDir, TEST_PASSWORD } from './helpers';
import { runtimeFixture } from './runtime-fixture';

// The link worker as the web host and the desktop app start it (`npm test` builds it first).
const WORKER = resolve('dist/worker/link-worker.cjs');

type Dispatch = Runtime['dispatch'];

async function value<T>(dispatch: Dispatch, channel: string, input: unknown = {}): Promise<T> {
  const r = await dispatch(channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

/** Signs a physician in and registers the training pump to a patient. */
async function clinic(dispatch: Dispatch): Promise<void> {
  await signInThrough(dispatch, 'dr.li');
  const { id } = await value<{ id: number }>(dispatch, 'patients:create', {
    identifier: 'P-1',
    name: 'Zhang Wei',
    indication: 'non-cancer',
  });
  await value(dispatch, 'pumps:register', {
    patientId: id,
    serial: 'SIM000123',
    modelId: 'sim-40',
    implantDate: '2026-01-10',
  });
}

/** Lowers the dose through the API, as the programming screen does. */
async function programThroughApi(dispatch: Dispatch): Promise<{ sessionId: string }> {
  const preview = await value<{ settings: unknown; reviewed: unknown }>(dispatch, 'program:preview', {
    mode: 'continuous',
    dailyDose: '2.4',
  });
  const done = await value<{ outcome: string; sessionId: string }>(dispatch, 'program:apply', {
    settings: preview.settings,
    reviewed: preview.reviewed,
    acknowledgement: 'pain controlled, side effects',
    witness: { username: 'nurse.zhao', password: TEST_PASSWORD },
  });
  expect(done.outcome).toBe('confirmed');
  return { sessionId: done.sessionId };
}

/** The audit record that opened the session (its intent), with the transaction id it names. */
async function intentOf(dispatch: Dispatch, sessionId: string): Promise<{ seq: number; transactionId: string }> {
  const page = await value<{ rows: Array<{ seq: number; outcome: string }> }>(dispatch, 'audit:list', {
    filter: { action: 'pump.program' },
  });
  for (const row of page.rows) {
    const record = await value<{ newJson: string | null }>(dispatch, 'audit:record', { seq: row.seq });
    const stored = JSON.parse(record.newJson ?? '{}') as { sessionId?: string; transactionId?: string };
    if (stored.sessionId === sessionId && stored.transactionId !== undefined)
      return { seq: row.seq, transactionId: stored.transactionId };
  }
  throw new Error(`no intent record for session ${sessionId}`);
}

/** Every stored frame read back with the wand codec. */
function decodeAll(frames: SessionFrames['frames']): Array<{ direction: 'out' | 'in'; message: Message }> {
  return frames.map((f) => {
    const frame = decodeFrame(Uint8Array.from(Buffer.from(f.hex, 'hex')));
    if (!frame.ok) throw new Error(`a stored frame does not decode: ${JSON.stringify(frame.error)}`);
    const message = decodeMessage(frame.frame.type, frame.frame.payload);
    if (!message.ok) throw new Error(`a stored frame's message does not decode: ${JSON.stringify(message.error)}`);
    expect(f.message).toBe(message.message.type);
    return { direction: f.direction, message: message.message };
  });
}

/** The transaction ids of the write's BEGIN_TX, STAGE_PROGRAM and COMMIT and their answers. */
function transactionIds(decoded: Array<{ message: Message }>): string[] {
  return decoded.flatMap(({ message: m }) => ('txId' in m ? [bytesToUuid(m.txId)] : []));
}

describe('the raw frames of a programming session, through the app', () => {
  const f = runtimeFixture();

  it('stores the frames of a program sent through the API and shows them for its audit records, decoding to its transaction id', async () => {
    await clinic(f.runtime.dispatch);
    const { sessionId } = await programThroughApi(f.runtime.dispatch);
    const intent = await intentOf(f.runtime.dispatch, sessionId);

    const count = f.runtime.db
      .prepare(
        'SELECT count(*) FROM session_frames JOIN programming_sessions s ON s.id = session_id WHERE s.session_uuid = ?',
      )
      .pluck()
      .get(sessionId);
    expect(count).toBeGreaterThan(0);

    const shown = await value<SessionFrames | null>(f.runtime.dispatch, 'audit:frames', { seq: intent.seq });
    expect(shown).toMatchObject({ sessionId, pumpSerial: 'SIM000123', outcome: 'confirmed' });
    expect(shown?.frames).toHaveLength(Number(count));
    const decoded = decodeAll(shown?.frames ?? []);
    // Requests go out and answers come in, in turn; the write is BEGIN_TX, STAGE_PROGRAM, COMMIT.
    expect(decoded.map((d) => d.direction)).toEqual(decoded.map((_, i) => (i % 2 === 0 ? 'out' : 'in')));
    const sent = decoded.filter((d) => d.direction === 'out').map((d) => d.message.type);
    expect(sent).toEqual(expect.arrayContaining(['BEGIN_TX', 'STAGE_PROGRAM', 'COMMIT']));
    const ids = transactionIds(decoded);
    expect(ids.length).toBeGreaterThanOrEqual(6);
    expect(new Set(ids)).toEqual(new Set([intent.transactionId]));
    // Each frame carries the time it crossed the link (the runtime's clock).
    for (const frame of shown?.frames ?? []) expect(frame.at).toBe(f.clock.now().toISOString());

    // The outcome record of the same session shows the same frames.
    const outcomeSeq = f.runtime.db
      .prepare('SELECT outcome_audit_seq FROM programming_sessions WHERE session_uuid = ?')
      .pluck()
      .get(sessionId) as number;
    expect(outcomeSeq).toBeGreaterThan(intent.seq);
    expect(await value(f.runtime.dispatch, 'audit:frames', { seq: outcomeSeq })).toEqual(shown);
  });

  it('stores the frames of a clinician bolus given through the API, decoding to the bolus transaction', async () => {
    await signInThrough(f.runtime.dispatch, 'dr.li');
    const { id } = await value<{ id: number }>(f.runtime.dispatch, 'patients:create', {
      identifier: 'P-1',
      name: 'Zhang Wei',
      indication: 'cancer',
    });
    await value(f.runtime.dispatch, 'pumps:register', {
      patientId: id,
      serial: 'SIM000123',
      modelId: 'sim-40',
      implantDate: '2026-01-10',
      catheterModelId: 'sim-cath',
      catheterLengthCm: '40',
    });
    const request = { kind: 'single', dose: '0.3', durationMinutes: 10 };
    const preview = await value<{ reviewed: unknown }>(f.runtime.dispatch, 'bolus:preview', request);
    const done = await value<{ outcome: string; sessionId: string }>(f.runtime.dispatch, 'bolus:deliver', {
      request,
      reviewed: preview.reviewed,
      witness: { username: 'dr.chen', password: TEST_PASSWORD },
    });
    expect(done.outcome).toBe('confirmed');
    const outcomeSeq = f.runtime.db
      .prepare('SELECT outcome_audit_seq FROM programming_sessions WHERE session_uuid = ?')
      .pluck()
      .get(done.sessionId) as number;
    const record = await value<{ newJson: string }>(f.runtime.dispatch, 'audit:record', { seq: outcomeSeq });
    const { transactionId } = JSON.parse(record.newJson) as { transactionId: string };
    const shown = await value<SessionFrames>(f.runtime.dispatch, 'audit:frames', { seq: outcomeSeq });
    expect(shown).toMatchObject({ sessionId: done.sessionId, outcome: 'confirmed' });
    const decoded = decodeAll(shown.frames);
    expect(decoded.filter((d) => d.direction === 'out').map((d) => d.message.type)).toEqual([
      'READ_STATUS',
      'START_BOLUS',
      'READ_STATUS',
    ]);
    expect(new Set(transactionIds(decoded))).toEqual(new Set([transactionId]));
  });

  it('answers null for a record that belongs to no programming session, and only to someone signed in who may view the trail', async () => {
    await signInThrough(f.runtime.dispatch, 'nurse.wang');
    const page = await value<{ rows: Array<{ seq: number; action: string }> }>(f.runtime.dispatch, 'audit:list', {});
    const signIn = page.rows.find((r) => r.action === 'user.signIn');
    expect(signIn).toBeDefined();
    expect(await value(f.runtime.dispatch, 'audit:frames', { seq: signIn?.seq ?? 0 })).toBeNull();
    await value(f.runtime.dispatch, 'auth:signOut');
    expect(await f.runtime.dispatch('audit:frames', { seq: signIn?.seq ?? 0 })).toMatchObject({
      ok: false,
      error: { code: 'SIGNED_OUT' },
    });
  });

  it('keeps frames from before the session out of it', async () => {
    await clinic(f.runtime.dispatch);
    await value(f.runtime.dispatch, 'pump:interrogate');
    await value(f.runtime.dispatch, 'pump:interrogate');
    const { sessionId } = await programThroughApi(f.runtime.dispatch);
    const intent = await intentOf(f.runtime.dispatch, sessionId);
    const shown = await value<SessionFrames>(f.runtime.dispatch, 'audit:frames', { seq: intent.seq });
    // The session starts with its own read of the pump and ends with the read-back; nothing of the
    // interrogations (and the preview's read) before it.
    const decoded = decodeAll(shown.frames);
    expect(decoded.filter((d) => d.direction === 'out').map((d) => d.message.type)).toEqual([
      'READ_STATUS',
      'BEGIN_TX',
      'STAGE_PROGRAM',
      'COMMIT',
      'READ_STATUS',
    ]);
    expect(new Set(transactionIds(decoded))).toEqual(new Set([intent.transactionId]));
  });
});

describe('the raw frames of a programming session, with the wand in the link worker', () => {
  it('crosses the worker boundary: the frames exchanged in the worker are stored with the session', async () => {
    const made = tempDir();
    const clock = manualClock();
    const runtime = await openRuntime({
      host: 'web',
      databasePath: join(made.dir, 'db.sqlite'),
      simulator: true,
      workerFile: WORKER,
      now: clock.now,
      keys: new FileKeyStore(join(made.dir, 'keys')),
    });
    try {
      expect(runtime.link.kind).toBe('simulator');
      await clinic(runtime.dispatch);
      const { sessionId } = await programThroughApi(runtime.dispatch);
      const intent = await intentOf(runtime.dispatch, sessionId);
      const shown = await value<SessionFrames>(runtime.dispatch, 'audit:frames', { seq: intent.seq });
      expect(shown.frames.length).toBeGreaterThanOrEqual(8);
      const decoded = decodeAll(shown.frames);
      expect(decoded.filter((d) => d.direction === 'out').map((d) => d.message.type)).toEqual(
        expect.arrayContaining(['BEGIN_TX', 'STAGE_PROGRAM', 'COMMIT']),
      );
      expect(new Set(transactionIds(decoded))).toEqual(new Set([intent.transactionId]));
    } finally {
      await runtime.close();
      made.cleanup();
    }
  });
});
