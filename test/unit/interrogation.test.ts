import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRuntime } from '../../services/runtime';
import { selectLink } from '../../services/link-select';
import { WAND_PRODUCT_ID, WAND_VENDOR_ID } from '../../drivers/usb/detect';
import { SimulatorLink } from '../support/simulator-link';
import { interrogate } from '../../services/interrogation';
import { openDatabase } from '../../db/connection';
import { AuditLog } from '../../db/audit/log';
import { DatabaseKeyFile, FileKeyStore } from '../../db/audit/keys';
import { openStoreReadOnly } from '../../db/store';
import { verifyAudit } from '../../db/audit/verify';
import { manualClock, signInThrough, tempDir } from './helpers';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

describe('interrogating through the services', () => {
  it('commits the reading and its audit record to the file before answering', async () => {
    const path = join(dir, 'programmer.sqlite');
    const clock = manualClock();
    const keys = new FileKeyStore(join(dir, 'keys'));
    const runtime = await openRuntime({
      host: 'web',
      databasePath: path,
      simulator: true,
      now: clock.now,
      simulatorOptions: { clock: clock.now },
      keys,
    });
    await signInThrough(runtime.dispatch);
    const result = await runtime.dispatch('pump:interrogate', {});
    expect(result.ok).toBe(true);
    // Another connection, as another process would see the file.
    const reader = openStoreReadOnly(path, new DatabaseKeyFile(join(dir, 'keys'))); // encrypted at rest
    const row = reader.prepare('SELECT pump_serial, link, status_json, audit_seq FROM interrogations').get() as {
      pump_serial: string;
      link: string;
      status_json: string;
      audit_seq: number;
    };
    expect(row.pump_serial).toBe('SIM000123');
    expect(row.link).toBe('simulator');
    expect(JSON.parse(row.status_json)).toMatchObject({ drug: 'morphine', dailyDose: { value: '3', unit: 'mg/day' } });
    const audit = reader
      .prepare('SELECT action, outcome, actor, at_utc, pump_serial FROM audit_log WHERE seq = ?')
      .get(row.audit_seq);
    expect(audit).toEqual({
      action: 'pump.interrogate',
      outcome: 'confirmed',
      actor: 'dr.li',
      at_utc: clock.now().toISOString(),
      pump_serial: 'SIM000123',
    });
    reader.close();
    expect(verifyAudit(runtime.db, keys)).toMatchObject({ ok: true, records: row.audit_seq });

    const list = await runtime.dispatch('interrogations:list', { serial: 'SIM000123' });
    expect(list).toMatchObject({ ok: true, value: [{ status: { serial: 'SIM000123' } }] });
    await runtime.close();
  });

  it('records a failed reading and returns the typed error', async () => {
    const db = openDatabase(join(dir, 'fail.sqlite'));
    const audit = new AuditLog(db, new FileKeyStore(join(dir, 'keys')));
    const link = new SimulatorLink();
    link.unplugged = true;
    const result = await interrogate({ db, audit, link, actor: 'test', now: () => new Date() });
    expect(result).toMatchObject({ ok: false, error: { code: 'COMMUNICATION_FAILED' } });
    expect(db.prepare('SELECT outcome FROM audit_log').pluck().all()).toEqual(['rejected']);
    expect(db.prepare('SELECT count(*) FROM interrogations').pluck().get()).toBe(0);
    db.close();
  });

  it('answers STORAGE_FAILED when the store cannot take the record', async () => {
    const db = openDatabase(join(dir, 'ro.sqlite'));
    db.exec(`CREATE TRIGGER no_more BEFORE INSERT ON interrogations BEGIN SELECT RAISE(ABORT, 'disk full'); END;`);
    const audit = new AuditLog(db, new FileKeyStore(join(dir, 'keys')));
    const result = await interrogate({ db, audit, link: new SimulatorLink(), actor: 'test', now: () => new Date() });
    expect(result).toMatchObject({ ok: false, error: { code: 'STORAGE_FAILED' } });
    // The audit record of the same transaction was rolled back with it.
    expect(db.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(0);
    db.close();
  });
});

describe('choosing the link', () => {
  const usb = (devices: Array<{ vendorId: number; productId: number }> | Error) => ({
    getDevices: () => (devices instanceof Error ? Promise.reject(devices) : Promise.resolve(devices)),
  });

  it.each([
    ['no USB subsystem', usb(new Error('/sys/bus/usb/devices/ not found')), 'NO_USB_SUBSYSTEM'],
    ['no wand among the devices', usb([{ vendorId: 0x046d, productId: 0xc077 }]), 'NO_WAND_ATTACHED'],
  ])('goes to training mode with %s', async (_name, source, reason) => {
    const choice = await selectLink({ usb: source });
    expect(choice.info).toEqual({ kind: 'simulator', training: true, reason });
    expect(choice.link.kind).toBe('simulator');
  });

  it('talks to an attached wand through the wand driver, not the simulator', async () => {
    const choice = await selectLink({ usb: usb([{ vendorId: WAND_VENDOR_ID, productId: WAND_PRODUCT_ID }]) });
    expect(choice.info).toEqual({ kind: 'usb', training: false });
    expect(choice.link.kind).toBe('usb');
    // The stand-in device here has no transfers: the driver reports it, it does not crash.
    expect(await choice.link.interrogate()).toMatchObject({ ok: false, error: { code: 'COMMUNICATION_FAILED' } });
  });
});
