import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../db/connection';
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
  it('shows the drift, sets the clock, reads it back and records both drifts', async () => {
    const clock = manualClock(new Date('2026-03-01T09:00:00Z'));
    const { link, pump } = trainingLink({ clock: clock.now });
    const deps = { db, audit: new AuditLog(db, new FileKeyStore(join(dir, 'keys'))), link, now: clock.now };
    setSetting(db, 'timeZone', 'Asia/Shanghai');
    expect(clockDriftSeconds(pump.status().pumpTime, clock.now())).toBe(47); // the simulated pump runs 47 s fast
    expect(await setPumpClock(deps, admin)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await setPumpClock(deps, nurse)).toEqual({ ok: true, value: { driftBefore: 47, driftAfter: 0 } });
    const row = db
      .prepare(`SELECT old_json, new_json, outcome FROM audit_log WHERE action = 'pump.clock.set'`)
      .get() as { old_json: string; new_json: string; outcome: string };
    // The clinic's offset is set with the clock; the pump had none before (offset 0).
    expect(JSON.parse(row.old_json)).toMatchObject({ driftSeconds: 47, utcOffsetMinutes: 0 });
    expect(JSON.parse(row.new_json)).toEqual({
      driftSeconds: 0,
      timeZone: 'Asia/Shanghai',
      utcOffsetMinutes: 480,
      utcOffset: '+08:00',
    });
    expect(pump.status().utcOffsetMinutes).toBe(480);
    expect(row.outcome).toBe('confirmed');
    expect(pump.events.map((e) => e.code)).toContain('CLOCK_SET');
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
