import type { AppInfo } from '../core/api/contract';
import { openDatabase, type Db } from '../db/connection';
import { AuditLog } from '../db/audit/log';
import type { AuditKeyStore } from '../db/audit/key-store';
import { DatabaseKeyFile, FileKeyStore } from '../db/audit/keys';
import { openStore } from '../db/store';
import type { UsbDeviceSource } from '../drivers/usb/detect';
import { WorkerLink } from '../drivers/worker/worker-link';
import { FrameLog } from '../drivers/frame-log';
import { createDispatcher, type Dispatch, type Handlers } from './dispatch';
import { createHandlers } from './handlers';
import type { WorkstationSession } from './auth/session';
import { selectLink, type TrainingOptions } from './link-select';
import { LinkManager, type WandAttachSource } from './link-manager';
import { auditKeyDir } from './paths';
import { resumeOwedSignature, retryBookkeeping, signingFailed } from './session-outcomes';

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
  /**
   * The key that encrypts the database at rest: by default `database.key` in the audit key folder
   * (wrapped like the audit keys there). `false` opens the file unencrypted: for tests and tools only.
   */
  databaseKey?: DatabaseKeyFile | false;
  /** Encrypt a plain database at start (default); a one-off command leaves it plain. */
  encryptPlain?: boolean;
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
  const keys = options.keys ?? new FileKeyStore(auditKeyDir());
  const keyFile =
    options.databaseKey ??
    (keys instanceof FileKeyStore ? new DatabaseKeyFile(keys.folder, keys.keyProtection) : false);
  const db =
    keyFile === false
      ? openDatabase(options.databasePath)
      : openStore(options.databasePath, { keyFile, auditKeys: keys, encryptPlain: options.encryptPlain ?? true });
  // The frames of each programming session, stored with it for support and replay (session_frames).
  const frames = new FrameLog(options.now);
  const choice = await selectLink({
    onFrame: frames.record,
    simulator: options.simulator ?? false,
    usb: options.usb,
    simulatorOptions: options.simulatorOptions ?? {},
    workerFile: options.workerFile,
  });
  const workerFile = options.workerFile;
  // Hot-plug is for the long-running hosts, whose wand runs in the link worker.
  const link = new LinkManager(
    choice,
    options.attach === undefined || workerFile === undefined
      ? undefined
      : {
          source: options.attach,
          wandLink: () => new WorkerLink(workerFile, { mode: 'usb' }, undefined, frames.record),
        },
  );
  const now = options.now ?? (() => new Date());
  // A signature that fails after its records committed (a full or read-only key folder) is
  // recorded, alarmed and retried: the action that appended (a sign-out, a lock) still completes.
  const audit: AuditLog = new AuditLog(db, keys, { now, onSigningFailure: (e) => signingFailed({ db, audit }, e) });
  // A signature owed before the last restart (a full or read-only key folder) is made now, or
  // retried and alarmed (app:info) until it is.
  const owed = resumeOwedSignature({ db, audit });
  if (owed !== undefined) options.log?.(new Error(`audit trail: ${owed}`));
  const { handlers, session, gate } = createHandlers({
    db,
    audit,
    link,
    frames,
    keys,
    now,
    host: options.host,
    databasePath: options.databasePath,
  });
  return {
    db,
    audit,
    handlers,
    link,
    session,
    dispatch: createDispatcher(handlers, options.log, gate),
    async close() {
      if (!db.open) return;
      const log = options.log ?? (() => undefined);
      try {
        await link.close();
      } catch (e) {
        log(e);
      }
      // Closing signs the trail's head; on a full disk that fails, and is recorded when the
      // store is next opened with space: closing never throws and always closes the database.
      try {
        // A head file write still in progress finishes first (a failure is recorded as any other).
        await audit.settled();
        retryBookkeeping({ audit });
        audit.checkpoint();
      } catch (e) {
        log(e);
      } finally {
        db.close();
      }
    },
  };
}
