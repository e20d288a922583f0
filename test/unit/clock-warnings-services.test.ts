import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InterrogationRecordSchema } from '../../core/api/contract';
import type { PumpSettings } from '../../core/pump';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { openDatabase, type Db } from '../../db/connection';
import { setSetting } from '../../db/queries/users';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { trainingLink } from '../../drivers/simulator/training';
import type { SignedInUser } from '../../services/auth/accounts';
import { interrogate } from '../../services/interrogation';
import { setPumpClock } from '../../services/pump-maintenance';
import { openRuntime } from '../../services/runtime';
import { signInThrough, tempDir } from './helpers';

/** Night 0.24 mL/day from 00:00, day 0.48 mL/day from 08:00, clinic time. */
const flexProgram: PumpSettings = {
  drug: 'morphine',
  concentration: { value: '10', unit: 'mg/mL' },
  mode: 'flex',
  rate: { value: '0.24', unit: 'mL/day' },
  steps: [
    { start: '00:00', rate: { value: '0.24', unit: 'mL/day' } },
    { start: '08:00', rate: { value: '0.48', unit: 'mL/day' } },
  ],
};

describe('a New York pump across 2026-03-08, through the services', () => {
  let dir: string;
  let cleanup: () => void;
  let db: Db;
  const nurse: SignedInUser = { id: 3, username: 'nurse.wang', displayName: 'Wang', role: 'nurse' };
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    db = openDatabase(join(dir, 'ny.sqlite'));
    setSetting(db, 'timeZone', 'America/New_York');
  });
  afterEach(() => {
    db.close();
    cleanup();
  });

  it('warns before the change, warns of the stale offset after it, and is quiet once the clock is set again', async () => {
    let now = Date.parse('2026-03-03T15:00:00Z');
    const clock = () => new Date(now);
    const pump = new SimulatedPump(
      { ...defaultSimulatedPump(clock()), settings: flexProgram, volumeMl: '20', volumeAt: clock() },
      clock,
    );
    const { link } = trainingLink({ clock, pump });
    const audit = new AuditLog(db, new FileKeyStore(join(dir, 'keys')));
    const read = async () => {
      const r = await interrogate({ db, audit, link, actor: nurse.username, role: nurse.role, now: clock });
      if (!r.ok) throw new Error(r.error.message);
      expect(InterrogationRecordSchema.safeParse(r.value).success).toBe(true);
      return r.value;
    };

    // Never given an offset: the pump runs on UTC and says so.
    expect((await read()).clockWarnings?.map((w) => w.code)).toEqual(['PUMP_OFFSET_DIFFERS', 'DST_CHANGE_SOON']);

    expect(await setPumpClock({ db, audit, link, now: clock }, nurse)).toMatchObject({ ok: true });
    const before = await read();
    expect(before.status.utcOffsetMinutes).toBe(-300);
    expect(before.clockWarnings).toEqual([
      {
        code: 'DST_CHANGE_SOON',
        params: {
          at: '2026-03-08T07:00:00.000Z',
          date: '2026-03-08',
          time: '03:00',
          from: '-05:00',
          to: '-04:00',
          timeZone: 'America/New_York',
        },
      },
    ]);

    // 2026-03-09 12:00 UTC is 08:00 EDT, but the pump's local time is still 07:00: the day step has not started.
    now = Date.parse('2026-03-09T12:00:00Z');
    const after = await read();
    expect(after.clockWarnings).toEqual([
      { code: 'PUMP_OFFSET_DIFFERS', params: { pump: '-05:00', clinic: '-04:00', timeZone: 'America/New_York' } },
    ]);
    expect(after.status.rate.value).toBe('0.24');

    expect(await setPumpClock({ db, audit, link, now: clock }, nurse)).toMatchObject({ ok: true });
    const again = await read();
    expect(again.status.utcOffsetMinutes).toBe(-240);
    expect(again.status.rate.value).toBe('0.48'); // 08:00 on the clinic's clock and the pump's
    expect(again.clockWarnings).toEqual([]);

    // Each clock set's outcome names the time zone and the offset it sent.
    const sets = db
      .prepare(`SELECT old_json, new_json, outcome FROM audit_log WHERE action = 'pump.clock.set.outcome' ORDER BY seq`)
      .all() as Array<{ old_json: string; new_json: string; outcome: string }>;
    expect(
      sets.map((r) => ({
        old: (JSON.parse(r.old_json) as { utcOffsetMinutes: number }).utcOffsetMinutes,
        new: JSON.parse(r.new_json) as unknown,
        outcome: r.outcome,
      })),
    ).toEqual([
      {
        old: 0,
        new: {
          time: '2026-03-03T15:00:00.000Z',
          driftSeconds: 0,
          timeZone: 'America/New_York',
          utcOffsetMinutes: -300,
          utcOffset: '-05:00',
        },
        outcome: 'confirmed',
      },
      {
        old: -300,
        new: {
          time: '2026-03-09T12:00:00.000Z',
          driftSeconds: 0,
          timeZone: 'America/New_York',
          utcOffsetMinutes: -240,
          utcOffset: '-04:00',
        },
        outcome: 'confirmed',
      },
    ]);
  });
});

describe('pump:interrogate answers with the clock warnings', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('through the runtime dispatch (the contract every host parses): a Shanghai clinic, a pump on UTC', async () => {
    const now = () => new Date('2026-07-01T02:00:00Z');
    const runtime = await openRuntime({
      host: 'web',
      databasePath: join(dir, 'p.sqlite'),
      simulator: true,
      now,
      simulatorOptions: { clock: now },
      keys: new FileKeyStore(join(dir, 'keys')),
    });
    try {
      setSetting(runtime.db, 'timeZone', 'Asia/Shanghai');
      await signInThrough(runtime.dispatch);
      const r = await runtime.dispatch('pump:interrogate', {});
      expect(r).toMatchObject({
        ok: true,
        value: {
          status: { utcOffsetMinutes: 0 },
          clockWarnings: [
            { code: 'PUMP_OFFSET_DIFFERS', params: { pump: '+00:00', clinic: '+08:00', timeZone: 'Asia/Shanghai' } },
          ],
        },
      });
      expect(await runtime.dispatch('pump:setClock', {})).toMatchObject({ ok: true });
      expect(await runtime.dispatch('pump:interrogate', {})).toMatchObject({
        ok: true,
        value: { status: { utcOffsetMinutes: 480 }, clockWarnings: [] },
      });
    } finally {
      await runtime.close();
    }
  });

  it('sets a pump on UTC to the clinic’s time before a flex program, so the 08:00 step runs at 08:00 in Shanghai', async () => {
    const now = () => new Date('2026-07-01T02:00:00Z'); // 10:00 in Shanghai
    const runtime = await openRuntime({
      host: 'web',
      databasePath: join(dir, 'p.sqlite'),
      simulator: true,
      now,
      simulatorOptions: { clock: now },
      keys: new FileKeyStore(join(dir, 'keys')),
    });
    try {
      setSetting(runtime.db, 'timeZone', 'Asia/Shanghai');
      await signInThrough(runtime.dispatch);
      await runtime.dispatch('pump:interrogate', {});
      const preview = await runtime.dispatch('program:preview', {
        mode: 'flex',
        dailyDose: '0',
        steps: [
          { start: '00:00', dailyDose: '2.4' },
          { start: '08:00', dailyDose: '3' },
        ],
      });
      if (!preview.ok) throw new Error(preview.error.message);
      const p = preview.value as { settings: unknown; reviewed: unknown };
      expect(await runtime.dispatch('program:apply', { settings: p.settings, reviewed: p.reviewed })).toMatchObject({
        ok: true,
        value: { outcome: 'confirmed' },
      });
      // 10:00 clinic time runs the 08:00 step (0.3 mL/day); on UTC it would still be 02:00, the night step.
      expect(await runtime.dispatch('pump:interrogate', {})).toMatchObject({
        ok: true,
        value: { status: { utcOffsetMinutes: 480, rate: { value: '0.3' } }, clockWarnings: [] },
      });
      const actions = runtime.db
        .prepare(`SELECT action FROM audit_log WHERE action IN ('pump.clock.set', 'pump.program') ORDER BY seq`)
        .pluck()
        .all();
      expect(actions[0]).toBe('pump.clock.set');
      expect(actions).toContain('pump.program');
    } finally {
      await runtime.close();
    }
  });
});
