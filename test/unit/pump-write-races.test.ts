import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Database } from '../../db/connection';
import { deliverBolus } from '../../services/bolus';
import { setPumpClock } from '../../services/pump-maintenance';
import { programPump } from '../../services/programming';
import { reviewedOf } from '../../services/programming-request';
import { doctor, flex, lower, pumpWriteFixture, second } from './pump-write-setup';

// Requests that change the pump, sent at once, and the pump clock a flex program sets first: over
// the real wand driver and protocol bytes and a SQLite file on disk (pump-write-setup.ts).

const t = pumpWriteFixture();

describe('requests that change the pump, sent at once', () => {
  it('two flex programs reviewed on the same reading: one is sent, the other is refused as the pump changed since', async () => {
    t.slowClock();
    const status = await t.training.link.interrogate();
    if (!status.ok) throw new Error(status.error.message);
    const reviewed = reviewedOf(status.value);
    const write = () => programPump(t.deps, { actor: doctor, witness: second, settings: flex, reviewed });
    const results = await Promise.all([write(), write()]);
    expect(results.filter((r) => r.ok && r.value.outcome === 'confirmed')).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.error.code === 'CONFLICT')).toHaveLength(1);
    expect(t.count('COMMIT')).toBe(1);
    expect(t.sessions()).toEqual(['confirmed']);
  });

  it('a program and a clinician bolus at once: one after the other, the second reading what the first did', async () => {
    const results = await Promise.all([
      programPump(t.deps, { actor: doctor, witness: second, settings: lower }),
      deliverBolus(t.deps, {
        actor: doctor,
        witness: second,
        bolus: { kind: 'single', dose: '0.3', durationMinutes: 10 },
      }),
      setPumpClock(t.deps, doctor),
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    expect(t.sessions()).toEqual(['confirmed', 'confirmed']);
    // Never two exchanges that change the pump interleaved: each write is read back before the next begins.
    const changes = t.requests.filter((r) => ['COMMIT', 'START_BOLUS', 'SET_CLOCK', 'READ_STATUS'].includes(r));
    for (const [i, r] of changes.entries()) {
      if (r !== 'READ_STATUS') expect(changes[i + 1], changes.join(' ')).toBe('READ_STATUS');
    }
  });

  it('another process opening a session on the pump while this write sets the clock: refused, nothing sent', async () => {
    t.slowClock();
    const other = new Database(t.path);
    const setClock = t.training.link.setClock.bind(t.training.link);
    t.training.link.setClock = async (c) => {
      const r = await setClock(c);
      // As another programmer process on this database would, between this write's read and its intent.
      other
        .prepare(
          `INSERT INTO programming_sessions (session_uuid, pump_serial, started_at, actor, intent_json, intent_audit_seq)
           VALUES (?, ?, ?, 'dr.wu', '{}', 1)`,
        )
        .run(randomUUID(), t.training.pump.status().serial, t.clock.now().toISOString());
      return r;
    };
    try {
      const r = await programPump(t.deps, { actor: doctor, witness: second, settings: flex });
      expect(r).toMatchObject({ ok: false, error: { code: 'PROGRAMMING_BLOCKED' } });
      expect(t.count('BEGIN_TX') + t.count('COMMIT')).toBe(0);
      expect(t.db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'pump.program'`).pluck().get()).toBe(0);
    } finally {
      other.close();
    }
  });
});

describe('the pump clock before a flex program', () => {
  it('a clock the pump does not take (still ten minutes off after the set): an error, and the flex program is not sent', async () => {
    t.slowClock();
    // The wand acknowledges SET_CLOCK but the pump keeps its time.
    t.training.link.setClock = () => Promise.resolve({ ok: true, value: null });
    const r = await programPump(t.deps, { actor: doctor, witness: second, settings: flex });
    expect(r).toMatchObject({ ok: false, error: { code: 'COMMUNICATION_FAILED', field: 'clock' } });
    expect(t.count('BEGIN_TX') + t.count('COMMIT')).toBe(0);
    const direct = await setPumpClock(t.deps, doctor);
    expect(direct).toMatchObject({ ok: false, error: { key: 'clockDriftAfterSet' } });
  });

  it('the wand’s answer lost after the pump took the time: confirmed by the read-back, the flex program goes on', async () => {
    t.slowClock();
    const setClock = t.training.link.setClock.bind(t.training.link);
    t.training.link.setClock = async (c) => {
      await setClock(c);
      return { ok: false, error: { code: 'COMMUNICATION_FAILED', message: 'no answer from the wand' } };
    };
    const r = await programPump(t.deps, { actor: doctor, witness: second, settings: flex });
    expect(r).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    expect(t.db.prepare(`SELECT outcome FROM audit_log WHERE action = 'pump.clock.set.outcome'`).pluck().all()).toEqual(
      ['confirmed'],
    );
  });

  it('an open session blocks setting the clock: nothing is sent until the pump is read again', async () => {
    await t.unconfirmedWrite();
    expect(await setPumpClock(t.deps, doctor)).toMatchObject({ ok: false, error: { code: 'PROGRAMMING_BLOCKED' } });
    expect(t.count('SET_CLOCK')).toBe(0);
  });
});
