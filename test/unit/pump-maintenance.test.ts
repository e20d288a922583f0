import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Database, openDatabase, type Db } from '../../db/connection';
import { decodeFrame } from '../../drivers/protocol/frame';
import { decodeMessage } from '../../drivers/protocol/messages';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { setSetting } from '../../db/queries/users';
import { trainingLink } from '../../drivers/simulator/training';
import { WorkerLink } from '../../drivers/worker/worker-link';
import type { SignedInUser } from '../../services/auth/accounts';
import { clockDriftSeconds, runAlarmTest, setPumpClock } from '../../services/pump-maintenance';
import { manualClock, tempDir } from './helpers';

let dir: string;
let cleanup: () => void;
let db: Db;
const nurse: SignedInUser = { id: 3, username: 'nurse.wang', displayName: 'Wang', role: 'nurse' };
const admin: SignedInUser = { id: 1, username: 'pharm.zhao', displayName: 'Zhao', role: 'admin' };

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  db = openDatabase(join(dir, 'm.sqlite'));
});
afterEach(() => {
  db.close();
  cleanup();
});

describe('pump clock and alarm test', () => {
  it('sets no pump clock from a workstation whose own clock was reset (to 2000 or to 1970): nothing sent, nothing recorded', async () => {
    const clinic = manualClock(new Date('2026-03-01T09:00:00Z'));
    const { link, pump } = trainingLink({ clock: clinic.now });
    for (const reset of ['2000-01-01T00:05:00Z', '1970-01-01T00:00:00Z', '2024-12-31T23:59:59Z']) {
      const deps = {
        db,
        audit: new AuditLog(db, new FileKeyStore(join(dir, 'keys'))),
        link,
        now: () => new Date(reset),
      };
      const before = pump.status().pumpTime;
      expect(await setPumpClock(deps, nurse)).toMatchObject({
        ok: false,
        error: {
          code: 'OUT_OF_RANGE',
          key: 'workstationClockImplausible',
          params: { time: new Date(reset).toISOString() },
        },
      });
      expect(pump.status().pumpTime).toBe(before);
    }
    expect(db.prepare(`SELECT count(*) FROM audit_log WHERE action LIKE 'pump.clock.set%'`).pluck().get()).toBe(0);
  });

  it('shows the drift, sets the clock, reads it back and records both drifts', async () => {
    const clock = manualClock(new Date('2026-03-01T09:00:00Z'));
    const { link, pump } = trainingLink({ clock: clock.now });
    const deps = { db, audit: new AuditLog(db, new FileKeyStore(join(dir, 'keys'))), link, now: clock.now };
    setSetting(db, 'timeZone', 'Asia/Shanghai');
    expect(clockDriftSeconds(pump.status().pumpTime, clock.now())).toBe(47); // the simulated pump runs 47 s fast
    expect(await setPumpClock(deps, admin)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await setPumpClock(deps, nurse)).toEqual({ ok: true, value: { driftBefore: 47, driftAfter: 0 } });
    const rows = db
      .prepare(
        `SELECT action, old_json, new_json, outcome FROM audit_log WHERE action LIKE 'pump.clock.set%' ORDER BY seq`,
      )
      .all() as Array<{ action: string; old_json: string; new_json: string; outcome: string }>;
    // What was about to be sent, then what the pump read back.
    expect(rows.map((r) => [r.action, r.outcome])).toEqual([
      ['pump.clock.set', 'pending'],
      ['pump.clock.set.outcome', 'confirmed'],
    ]);
    // The clinic's offset is set with the clock; the pump had none before (offset 0).
    for (const r of rows) expect(JSON.parse(r.old_json)).toMatchObject({ driftSeconds: 47, utcOffsetMinutes: 0 });
    const sent = {
      time: '2026-03-01T09:00:00.000Z',
      timeZone: 'Asia/Shanghai',
      utcOffsetMinutes: 480,
      utcOffset: '+08:00',
    };
    expect(JSON.parse(rows[0]?.new_json ?? '')).toEqual(sent);
    expect(JSON.parse(rows[1]?.new_json ?? '')).toEqual({ ...sent, driftSeconds: 0 });
    expect(pump.status().utcOffsetMinutes).toBe(480);
    expect(pump.events.map((e) => e.code)).toContain('CLOCK_SET');
  });

  /** A training link whose wand reports, as SET_CLOCK reaches it, the clock records another connection sees on disk. */
  const watched = () => {
    const clock = manualClock(new Date('2026-03-01T09:00:00Z'));
    const training = trainingLink({ clock: clock.now });
    const seen: Array<string[]> = [];
    const handle = training.wand.handle.bind(training.wand);
    training.wand.handle = (bytes: Uint8Array) => {
      const frame = decodeFrame(bytes);
      const decoded = frame.ok ? decodeMessage(frame.frame.type, frame.frame.payload) : undefined;
      if (decoded?.ok === true && decoded.message.type === 'SET_CLOCK') {
        const reader = new Database(join(dir, 'm.sqlite'), { readonly: true });
        try {
          seen.push(
            reader
              .prepare(
                `SELECT action || ' ' || outcome FROM audit_log WHERE action LIKE 'pump.clock.set%' ORDER BY seq`,
              )
              .pluck()
              .all() as string[],
          );
        } finally {
          reader.close();
        }
      }
      return handle(bytes);
    };
    setSetting(db, 'timeZone', 'Asia/Shanghai');
    const deps = {
      db,
      audit: new AuditLog(db, new FileKeyStore(join(dir, 'keys'))),
      link: training.link,
      now: clock.now,
    };
    return { deps, pump: training.pump, seen };
  };

  it('commits what it is about to send before SET_CLOCK reaches the wand', async () => {
    const { deps, seen } = watched();
    expect(await setPumpClock(deps, nurse)).toMatchObject({ ok: true });
    expect(seen).toEqual([['pump.clock.set pending']]);
  });

  it('sends nothing when that cannot be recorded, and says so', async () => {
    const { deps, pump, seen } = watched();
    db.exec(
      `CREATE TRIGGER full_disk BEFORE INSERT ON audit_log WHEN NEW.action = 'pump.clock.set' BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;`,
    );
    expect(await setPumpClock(deps, nurse)).toMatchObject({
      ok: false,
      error: { code: 'STORAGE_FAILED', key: 'clockNotRecordedNotSent' },
    });
    expect(seen).toEqual([]);
    expect(pump.status().utcOffsetMinutes).toBe(0);
  });

  it('says what the pump now reads when the outcome cannot be recorded after the clock was sent', async () => {
    const { deps, pump } = watched();
    db.exec(
      `CREATE TRIGGER full_disk BEFORE INSERT ON audit_log WHEN NEW.action = 'pump.clock.set.outcome' BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;`,
    );
    const r = await setPumpClock(deps, nurse);
    expect(r).toMatchObject({ ok: false, error: { code: 'STORAGE_FAILED', key: 'clockOutcomeNotRecorded' } });
    expect(pump.status().utcOffsetMinutes).toBe(480); // the pump acted
    expect(r.ok ? '' : r.error.message).toContain('+08:00');
    expect(r.ok ? '' : r.error.message).toContain(pump.status().pumpTime);
  });

  it('an alarm test that cannot be recorded after the pump played: says the pump played', async () => {
    const clock = manualClock();
    const { link, pump } = trainingLink({ clock: clock.now });
    const deps = { db, audit: new AuditLog(db, new FileKeyStore(join(dir, 'keys'))), link, now: clock.now };
    db.exec(
      `CREATE TRIGGER full_disk BEFORE INSERT ON audit_log WHEN NEW.action = 'pump.alarmTest' BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;`,
    );
    const r = await runAlarmTest(deps, nurse);
    expect(r).toMatchObject({ ok: false, error: { code: 'STORAGE_FAILED', key: 'alarmTestNotRecorded' } });
    expect(pump.events.map((e) => e.code)).toContain('ALARM_TEST');
  });

  it('runs the alarm test through the wand worker and records it', async () => {
    const link = new WorkerLink(resolve('dist/worker/link-worker.cjs'), { mode: 'training' });
    try {
      const deps = { db, audit: new AuditLog(db, new FileKeyStore(join(dir, 'keys'))), link, now: () => new Date() };
      expect(await runAlarmTest(deps, nurse)).toEqual({ ok: true, value: null });
      expect(db.prepare(`SELECT outcome FROM audit_log WHERE action = 'pump.alarmTest'`).pluck().get()).toBe(
        'confirmed',
      );
    } finally {
      await link.close();
    }
  });
});
