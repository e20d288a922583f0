import type { AppInfo } from '../../core/api/contract';
import { defaultPumpModel, findPumpModel, type PumpModel } from '../../core/models';
import type { PumpStatus } from '../../core/pump';
import { ok, type Result } from '../../core/result';
import type { Db } from '../../db/connection';
import type { AuditLog } from '../../db/audit/log';
import type { AuditKeyStore } from '../../db/audit/key-store';
import { findPatient, findPumpBySerial, type PatientRow } from '../../db/queries/records';
import type { FrameLog } from '../../drivers/frame-log';
import { witnessSignOff, type SignedInUser } from '../auth/accounts';
import type { WorkstationSession } from '../auth/session';
import { siteSettings } from '../auth/settings';
import type { ForecastDeps } from '../forecast';
import { activeLibrary } from '../library';
import type { LinkManager } from '../link-manager';
import type { ReviewDeps } from '../program-preview';
import type { ProgrammingDeps } from '../programming-request';
import type { ReviewContext } from '../program-review';
import { reviewContext } from '../safety-context';

export interface HandlerContext {
  db: Db;
  audit: AuditLog;
  link: LinkManager;
  /** The frames the link exchanges, stored with each programming session (session_frames). */
  frames: FrameLog;
  keys: AuditKeyStore;
  now: () => Date;
  host: AppInfo['host'];
  databasePath: string;
}

/** What every area's handlers share: the stores, the workstation's session, and the pump's context. */
export interface AreaContext extends HandlerContext {
  session: WorkstationSession;
  /** The store, the audit trail and the clock: what most services take. */
  deps: { db: Db; audit: AuditLog; now: () => Date };
  /** The registered model of the pump read, or the default model for an unregistered pump. */
  modelOf: (status: PumpStatus) => PumpModel;
  /** The patient the pump with this serial is registered to. */
  patientOf: (serial: string) => PatientRow | undefined;
  timeZone: () => string;
  programmingDeps: (status: PumpStatus) => ProgrammingDeps;
  forecastDeps: () => ForecastDeps;
  /** What the drug-library check of a change on this pump needs besides the change. */
  contextOf: (status: PumpStatus) => ReviewContext;
  /** Reads the pump, then answers from what it reported (or says why it could not be read). */
  readPump: <T>(then: (status: PumpStatus) => Result<T>) => Promise<Result<T>>;
  /** What the drug-library check of a change on this pump needs, and the pump's patient. */
  reviewDeps: (status: PumpStatus) => ReviewDeps;
  /**
   * The start of every change sent to the pump: the witness signs off when one was given (the
   * service decides whether one is needed), then the pump is read and its patient found.
   */
  atThePump: (
    actor: SignedInUser,
    witness: { username: string; password: string } | undefined,
  ) => Promise<Result<AtThePump>>;
}

/** The pump read at the start of a change, the services' dependencies for it, and who makes it for whom. */
export interface AtThePump {
  status: PumpStatus;
  deps: ProgrammingDeps;
  who: { actor: SignedInUser; witness: SignedInUser | undefined; patientId: string | undefined };
}

export function areaContext(ctx: HandlerContext, session: WorkstationSession): AreaContext {
  const { db, audit, link, now } = ctx;
  const deps = { db, audit, now };
  const modelOf = (status: PumpStatus): PumpModel => {
    const registered = findPumpBySerial(db, status.serial);
    return (registered === undefined ? undefined : findPumpModel(registered.modelId)) ?? defaultPumpModel();
  };
  const patientOf = (serial: string): PatientRow | undefined => {
    const registered = findPumpBySerial(db, serial);
    return registered === undefined ? undefined : findPatient(db, registered.patientId);
  };
  const timeZone = (): string => siteSettings(db).timeZone;
  const programmingDeps = (status: PumpStatus): ProgrammingDeps => ({
    db,
    audit,
    link,
    frames: ctx.frames,
    now,
    library: activeLibrary(deps),
    model: modelOf(status),
    timeZone: timeZone(),
    marginDays: siteSettings(db).refillMarginDays,
  });
  const contextOf = (status: PumpStatus): ReviewContext =>
    reviewContext({ db, now, timeZone: timeZone(), link }, activeLibrary(deps), modelOf(status), status.serial);
  return {
    ...ctx,
    session,
    deps,
    modelOf,
    patientOf,
    timeZone,
    programmingDeps,
    forecastDeps: () => ({
      db,
      now,
      library: activeLibrary(deps),
      timeZone: timeZone(),
      marginDays: siteSettings(db).refillMarginDays,
    }),
    contextOf,
    readPump: async (then) => {
      const read = await link.interrogate();
      return read.ok ? then(read.value) : read;
    },
    reviewDeps: (status) => ({
      db,
      library: activeLibrary(deps),
      model: modelOf(status),
      context: contextOf(status),
      patient: patientOf(status.serial),
    }),
    atThePump: async (actor, credentials) => {
      const signed = credentials === undefined ? ok(undefined) : await witnessSignOff(deps, actor, credentials);
      if (!signed.ok) return signed;
      const read = await link.interrogate();
      if (!read.ok) return read;
      const status = read.value;
      const patientId = patientOf(status.serial)?.identifier;
      return ok({ status, deps: programmingDeps(status), who: { actor, witness: signed.value, patientId } });
    },
  };
}
