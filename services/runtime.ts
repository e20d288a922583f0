import type { AppInfo } from '../core/api/contract';
import { ok } from '../core/result';
import { openDatabase, type Db } from '../db/connection';
import { AuditLog } from '../db/audit/log';
import { FileKeyStore, type AuditKeyStore } from '../db/audit/keys';
import type { UsbDeviceSource } from '../drivers/usb/detect';
import { WorkerLink } from '../drivers/worker/worker-link';
import { createDispatcher, type Dispatch, type Handlers } from './dispatch';
import { allOpenSessions } from '../db/queries/sessions';
import { interrogate, recentInterrogations } from './interrogation';
import { selectLink, type TrainingOptions } from './link-select';
import { LinkManager, type WandAttachSource } from './link-manager';
import { auditKeyDir } from './paths';
import { appVersion } from './version';

export interface RuntimeOptions {
  host: AppInfo['host'];
  databasePath: string;
  /** Use the simulated pump even when a wand is attached. */
  simulator?: boolean;
  usb?: UsbDeviceSource | undefined;
  simulatorOptions?: TrainingOptions;
  now?: () => Date;
  log?: (e: unknown) => void;
  /** Where the audit checkpoint key lives; a key file folder by default. */
  keys?: AuditKeyStore;
  /** The built link worker: the wand then runs in a worker thread, off the host's event loop. */
  workerFile?: string;
  /** Hot-plug: a wand plugged in during training mode is taken into use. */
  attach?: WandAttachSource | undefined;
}

export interface Runtime {
  db: Db;
  audit: AuditLog;
  handlers: Handlers;
  dispatch: Dispatch;
  close(): Promise<void>;
}

/** Opens the store, chooses the link and wires the services: what every host starts with. */
export async function openRuntime(options: RuntimeOptions): Promise<Runtime> {
  const db = openDatabase(options.databasePath);
  const choice = await selectLink({
    simulator: options.simulator ?? false,
    usb: options.usb,
    simulatorOptions: options.simulatorOptions ?? {},
    workerFile: options.workerFile,
  });
  const workerFile = options.workerFile;
  // Hot-plug is for the long-running hosts, whose wand runs in the link worker.
  const link = new LinkManager(choice, options.attach === undefined || workerFile === undefined ? undefined : { source: options.attach, wandLink: () => new WorkerLink(workerFile, { mode: 'usb' }) });
  const now = options.now ?? (() => new Date());
  const audit = new AuditLog(db, options.keys ?? new FileKeyStore(auditKeyDir()), { now });
  // Until sign-in exists every action is recorded as the training-mode workstation user.
  const deps = { db, audit, link, actor: `workstation:${options.host}`, now };
  const handlers: Handlers = {
    'app:info': () =>
      Promise.resolve(ok({ version: appVersion, host: options.host, link: link.info, databasePath: options.databasePath })),
    'pump:interrogate': () => interrogate(deps),
    'interrogations:list': (input) => Promise.resolve(ok(recentInterrogations(db, input))),
    'wand:status': () => Promise.resolve(ok(link.wandStatus())),
    'sessions:unconfirmed': () =>
      Promise.resolve(ok(allOpenSessions(db).map((s) => ({ sessionId: s.sessionUuid, pumpSerial: s.pumpSerial, startedAt: s.startedAt, actor: s.actor, outcome: s.outcome === 'pending' ? ('pending' as const) : ('unconfirmed' as const) })))),
  };
  return {
    db,
    audit,
    handlers,
    dispatch: createDispatcher(handlers, options.log),
    async close() {
      await link.close();
      audit.checkpoint();
      db.close();
    },
  };
}
