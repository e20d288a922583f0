import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PumpStatus } from '../../core/pump';
import { confirmedPrograms } from '../../db/queries/sessions';
import { decodeFrame, encodeFrame } from '../../drivers/protocol/frame';
import { decodeMessage, encodeMessage } from '../../drivers/protocol/messages';
import { askAboutOpenSessions, resolveUnconfirmed, settleOpenSessions } from '../../services/open-sessions';
import { interrogate } from '../../services/interrogation';
import { programPump } from '../../services/programming';
import { judge } from '../../services/safe-write';
import { doctor, lower, pumpWriteFixture, second } from './pump-write-setup';

// What a later reading of the pump says about a write: its status, or the pump asked about the
// transaction; and the read-back judged at the write. Over the real wand driver and protocol bytes
// and a SQLite file on disk (pump-write-setup.ts).

const t = pumpWriteFixture();

describe('what a read says the pump did with a write', () => {
  const settle = (status: PumpStatus) => settleOpenSessions(t.deps, status, { username: 'dr.li', role: 'physician' });

  it('applied, then stopped by the pump itself: confirmed, counted in the history, with what changed since', async () => {
    await t.unconfirmedWrite();
    t.training.pump.stallMotor();
    expect(settle(t.training.pump.status()).map((r) => r.outcome)).toEqual(['confirmed']);
    expect(confirmedPrograms(t.db, t.training.pump.status().serial, '2000-01-01')).toHaveLength(1);
    const detail = JSON.parse(
      t.db
        .prepare(`SELECT new_json FROM audit_log WHERE action = 'pump.program.resolve.outcome'`)
        .pluck()
        .get() as string,
    ) as { applied: boolean; changedSince?: string[] };
    expect(detail.applied).toBe(true);
    expect(detail.changedSince?.join(' ')).toMatch(/rate/);
  });

  it('the pump naming another programmer’s later transaction: not known, so the session stays open and blocks', async () => {
    await t.unconfirmedWrite();
    const foreign = { ...t.training.pump.status(), lastTransactionId: randomUUID() };
    expect(settle(foreign)).toEqual([]);
    expect(t.sessions()).toEqual(['unconfirmed']);
  });

  it('asked when its status cannot tell: the pump applied it (in its replay window) — confirmed, nothing changed', async () => {
    await t.unconfirmedWrite();
    // Another programmer's write since: the pump names that one as its last.
    t.training.pump.apply(randomUUID(), { ...lower, rate: { value: '0.25', unit: 'mL/day' } });
    const before = t.training.pump.status();
    const r = await resolveUnconfirmed(t.deps, doctor);
    expect(r).toMatchObject({ ok: true, value: [{ outcome: 'confirmed' }] });
    expect(t.requests.filter((t) => t === 'COMMIT')).toHaveLength(2); // the write's, and the question
    expect(t.training.pump.status()).toMatchObject({ lastTransactionId: before.lastTransactionId, rate: before.rate });
    const detail = JSON.parse(
      t.db
        .prepare(`SELECT new_json FROM audit_log WHERE action = 'pump.program.resolve.outcome'`)
        .pluck()
        .get() as string,
    ) as { applied: boolean; askedPump?: boolean };
    expect(detail).toMatchObject({ applied: true, askedPump: true });
    expect(confirmedPrograms(t.db, before.serial, '2000-01-01')).toHaveLength(1);
  });

  it('asked when its status cannot tell: a write the pump never applied — rejected, and the pump is free again', async () => {
    t.training.device.armOnMessage('COMMIT', { kind: 'unplug-before-request' });
    const r = await programPump(t.deps, { actor: doctor, witness: second, settings: lower });
    expect(r).toMatchObject({ ok: true, value: { outcome: 'unconfirmed' } });
    t.training.device.replug();
    t.training.pump.apply(randomUUID(), { ...lower, rate: { value: '0.25', unit: 'mL/day' } });
    const read = await interrogate({ ...t.deps, actor: 'nurse.wang', role: 'nurse' });
    expect(read.ok).toBe(true);
    expect(t.sessions()).toEqual(['rejected']);
    expect(await programPump(t.deps, { actor: doctor, witness: second, settings: lower })).toMatchObject({
      ok: true,
      value: { outcome: 'confirmed' },
    });
  });

  it('asked through a wand that now finds another pump: no answer, the session stays open', async () => {
    await t.unconfirmedWrite();
    const status = { ...t.training.pump.status(), lastTransactionId: randomUUID() };
    const asked = await askAboutOpenSessions(t.deps, { ...status, serial: 'OTHER01' }, { username: 'x', role: null });
    expect(asked).toMatchObject({ ok: true, value: [] }); // no open session of that pump
    t.training.pump.apply(randomUUID(), lower);
    const answer = await t.training.link.wasApplied(randomUUID(), 'OTHER01');
    expect(answer).toMatchObject({ ok: false, error: { key: 'probeOtherPump' } });
    expect(t.sessions()).toEqual(['unconfirmed']);
  });

  it('a wand that applies the question’s COMMIT: the reading is not answered as the pump’s state', async () => {
    await t.unconfirmedWrite();
    t.training.pump.apply(randomUUID(), { ...lower, rate: { value: '0.25', unit: 'mL/day' } });
    // A broken wand: it answers the question as if it had applied it.
    const handle = t.training.wand.handle.bind(t.training.wand);
    t.training.wand.handle = (bytes: Uint8Array) => {
      const answer = handle(bytes);
      const frame = decodeFrame(answer);
      const m = frame.ok ? decodeMessage(frame.frame.type, frame.frame.payload) : undefined;
      return m?.ok === true && m.message.type === 'COMMITTED' && frame.ok
        ? encodeFrame({ seq: frame.frame.seq, ...encodeMessage({ ...m.message, applied: true }) })
        : answer;
    };
    const read = await interrogate({ ...t.deps, actor: 'nurse.wang', role: 'nurse' });
    expect(read).toMatchObject({ ok: false, error: { field: 'COMMITTED.applied' } });
    expect(t.sessions()).toEqual(['unconfirmed']);
  });

  it('the pump still naming the transaction it named before the write: rejected', async () => {
    t.training.device.armOnMessage('COMMIT', { kind: 'unplug-before-request' });
    const before = t.training.pump.status().lastTransactionId;
    const r = await programPump(t.deps, { actor: doctor, witness: second, settings: lower });
    expect(r.ok && r.value.outcome).not.toBe('confirmed');
    t.training.device.replug();
    expect(t.training.pump.status().lastTransactionId).toBe(before);
    settle(t.training.pump.status());
    expect(t.sessions()).toEqual(['rejected']);
  });

  describe('judged at read-back', () => {
    const intent = { sessionId: 's', transactionId: 'tx-new', settings: lower };
    const old = (): PumpStatus => ({ ...t.training.pump.status(), lastTransactionId: 'tx-old' });
    const read = (over: Partial<PumpStatus>) => ({ ok: true as const, value: { ...old(), ...over } });
    const failed = { ok: false as const, error: { code: 'COMMUNICATION_FAILED' as const, message: 'no answer' } };
    const sentOk = { ok: true as const, value: { applied: true } };

    it('another pump answering the read-back is UNCONFIRMED, whatever it reports', () => {
      const j = judge(intent, old(), failed, read({ serial: 'OTHER01', lastTransactionId: 'tx-old' }));
      expect(j.outcome).toBe('unconfirmed');
      expect(j.mismatches[0]?.key).toBe('readBackOtherPump');
    });
    it('a failed send is rejected only when the pump still names its transaction from before', () => {
      expect(judge(intent, old(), failed, read({})).outcome).toBe('rejected');
      expect(judge(intent, old(), failed, read({ lastTransactionId: 'tx-third' })).outcome).toBe('unconfirmed');
      expect(judge(intent, old(), failed, read({ lastTransactionId: null })).outcome).toBe('unconfirmed');
    });
    it('an acknowledged send the pump does not name is UNCONFIRMED', () => {
      expect(judge(intent, old(), sentOk, read({})).outcome).toBe('unconfirmed');
    });
  });
});
