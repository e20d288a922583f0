import type { AppInfo } from '../core/api/contract';
import { openDatabase, type Db } from '../db/connection';
import { AuditLog } from '../db/audit/log';
import { FileKeyStore, type AuditKeyStore } from '../db/audit/keys';
import type { UsbDeviceSource } from '../drivers/usb/detect';
import { WorkerLink } from '../drivers/worker/worker-link';
import { createDispatcher, type Dispatch, type Handlers } from './dispatch';
import { createHandlers } from './handlers';
import type { WorkstationSession } from './auth/session';
import { selectLink, type TrainingOptions } from './link-select';
import { LinkManager, type WandAttachSource } from './link-manager';
import { auditKeyDir } from './paths';

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
  /** The pump link (wand or training simulator) the handlers use. */
  link: LinkManager;
  /** Who is signed in at this workstation. */
  session: WorkstationSession;
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
  const keys = options.keys ?? new FileKeyStore(auditKeyDir());
  const audit = new AuditLog(db, keys, { now });
  const { handlers, session } = createHandlers({ db, audit, link, keys, now, host: options.host, databasePath: options.databasePath });
  return {
    db,
    audit,
    handlers,
    link,
    session,
    dispatch: createDispatcher(handlers, options.log),
    async close() {
      await link.close();
      audit.checkpoint();
      db.close();
    },
  };
}
