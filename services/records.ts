import type { ApiParsedInput } from '../core/api/contract';
import type { PatientInput } from '../core/api/schemas';
import { findCatheterModel, findPumpModel } from '../core/models';
import { dec } from '../core/decimal';
import { err, ok, type Result } from '../core/result';
import { said } from '../core/messages';
import { isValidDate } from '../core/calc/dates';
import type { Db } from '../db/connection';
import type { AuditLog } from '../db/audit/log';
import { findPatient, insertImplantedPump, insertPain, insertPatient } from '../db/queries/records';
import { authorize, type SignedInUser } from './auth/accounts';

export interface RecordsDeps {
  db: Db;
  audit: AuditLog;
  now: () => Date;
}

const isUniqueViolation = (e: unknown) => e instanceof Error && /UNIQUE constraint failed/.test(e.message);

export function createPatient(deps: RecordsDeps, actor: SignedInUser, input: PatientInput): Result<number> {
  const allowed = authorize(actor, 'patient.edit');
  if (!allowed.ok) return allowed;
  if (input.identifier.trim() === '') return err(said('INVALID_INPUT', 'patientIdentifierRequired', {}, 'identifier'));
  if (input.name.trim() === '') return err(said('INVALID_INPUT', 'patientNameRequired', {}, 'name'));
  if (input.birthDate !== undefined && !isValidDate(input.birthDate))
    return err(said('INVALID_INPUT', 'birthDateFormat', {}, 'birthDate'));
  try {
    return ok(
      deps.audit.commit(() => {
        const id = insertPatient(deps.db, {
          identifier: input.identifier,
          name: input.name,
          birthDate: input.birthDate ?? null,
          indication: input.indication ?? null,
          indicationKind: input.indicationKind ?? null,
          spasticityOrigin: input.spasticityOrigin ?? null,
          notes: input.notes ?? null,
          createdAt: deps.now().toISOString(),
        });
        deps.audit.append({
          atUtc: deps.now().toISOString(),
          actor: actor.username,
          role: actor.role,
          patientId: input.identifier,
          action: 'patient.create',
          new: {
            identifier: input.identifier,
            indication: input.indication ?? null,
            indicationKind: input.indicationKind ?? null,
            spasticityOrigin: input.spasticityOrigin ?? null,
          },
          outcome: 'confirmed',
        });
        return id;
      }),
    );
  } catch (e) {
    if (isUniqueViolation(e))
      return err(said('CONFLICT', 'patientIdentifierTaken', { identifier: input.identifier }, 'identifier'));
    throw e;
  }
}

/** VAS 0–10 at a visit, followed against the daily dose. */
export function recordPain(
  deps: RecordsDeps,
  actor: SignedInUser,
  input: ApiParsedInput<'pain:record'>,
): Result<number> {
  const allowed = authorize(actor, 'pain.record');
  if (!allowed.ok) return allowed;
  if (!Number.isInteger(input.vas) || input.vas < 0 || input.vas > 10)
    return err(said('INVALID_INPUT', 'vasRange', {}, 'vas'));
  const patient = findPatient(deps.db, input.patientId);
  if (patient === undefined) return err(said('INVALID_INPUT', 'noSuchPatient', {}, 'patientId'));
  return ok(
    deps.audit.commit(() => {
      const id = insertPain(deps.db, {
        patientId: input.patientId,
        assessedAt: deps.now().toISOString(),
        vas: input.vas,
        note: input.note ?? null,
        recordedBy: actor.username,
      });
      deps.audit.append({
        atUtc: deps.now().toISOString(),
        actor: actor.username,
        role: actor.role,
        patientId: patient.identifier,
        action: 'pain.record',
        new: { vas: input.vas },
        outcome: 'confirmed',
      });
      return id;
    }),
  );
}

/**
 * The implanted catheter must be a known model with a length it can have: the length drives the
 * dead volume of every bridge and priming bolus, so a typo (400 cm for 40) must not pass.
 */
function checkCatheter(input: {
  catheterModelId?: string | undefined;
  catheterLengthCm?: string | undefined;
}): Result<null> {
  if (input.catheterModelId === undefined) {
    return input.catheterLengthCm === undefined
      ? ok(null)
      : err(said('INVALID_INPUT', 'catheterModelNeeded', {}, 'catheterModelId'));
  }
  const model = findCatheterModel(input.catheterModelId);
  if (model === undefined)
    return err(said('INVALID_INPUT', 'unknownCatheterModel', { model: input.catheterModelId }, 'catheterModelId'));
  if (input.catheterLengthCm === undefined)
    return err(said('INVALID_INPUT', 'catheterLengthNeeded', {}, 'catheterLengthCm'));
  const length = dec(input.catheterLengthCm);
  if (length.lte(0) || length.gt(model.maxLengthCm)) {
    return err(
      said(
        'OUT_OF_RANGE',
        'catheterLengthRange',
        { length: input.catheterLengthCm, model: model.name, max: String(model.maxLengthCm) },
        'catheterLengthCm',
      ),
    );
  }
  return ok(null);
}

export function registerPump(
  deps: RecordsDeps,
  actor: SignedInUser,
  /** The registration form; the demo clinic also sets the date the pump's battery is due for replacement. */
  input: ApiParsedInput<'pumps:register'> & { replaceByDate?: string | undefined },
): Result<number> {
  const allowed = authorize(actor, 'patient.edit');
  if (!allowed.ok) return allowed;
  if (findPumpModel(input.modelId) === undefined)
    return err(said('INVALID_INPUT', 'unknownPumpModel', { model: input.modelId }, 'modelId'));
  const patient = findPatient(deps.db, input.patientId);
  if (patient === undefined) return err(said('INVALID_INPUT', 'noSuchPatient', {}, 'patientId'));
  if (!isValidDate(input.implantDate)) return err(said('INVALID_INPUT', 'implantDateFormat', {}, 'implantDate'));
  const catheter = checkCatheter(input);
  if (!catheter.ok) return catheter;
  try {
    return ok(
      deps.audit.commit(() => {
        const id = insertImplantedPump(deps.db, {
          patientId: input.patientId,
          modelId: input.modelId,
          serial: input.serial,
          implantDate: input.implantDate,
          catheterModelId: input.catheterModelId ?? null,
          catheterLengthCm: input.catheterLengthCm ?? null,
          replaceByDate: input.replaceByDate ?? null,
        });
        deps.audit.append({
          atUtc: deps.now().toISOString(),
          actor: actor.username,
          role: actor.role,
          patientId: patient.identifier,
          pumpSerial: input.serial,
          action: 'pump.register',
          new: input,
          outcome: 'confirmed',
        });
        return id;
      }),
    );
  } catch (e) {
    if (isUniqueViolation(e)) return err(said('CONFLICT', 'pumpSerialTaken', { serial: input.serial }, 'serial'));
    throw e;
  }
}
