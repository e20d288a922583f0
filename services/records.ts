import type { PatientInput } from '../core/api/schemas';
import { findCatheterModel, findPumpModel } from '../core/models';
import { dec } from '../core/decimal';
import { appError, err, ok, type Result } from '../core/result';
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
  if (input.identifier.trim() === '')
    return err(appError('INVALID_INPUT', 'the patient identifier is required', 'identifier'));
  if (input.name.trim() === '') return err(appError('INVALID_INPUT', 'the patient name is required', 'name'));
  if (input.birthDate !== undefined && !isValidDate(input.birthDate))
    return err(appError('INVALID_INPUT', 'date of birth is a date YYYY-MM-DD', 'birthDate'));
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
      return err(appError('CONFLICT', `a patient with identifier ${input.identifier} exists`, 'identifier'));
    throw e;
  }
}

/** VAS 0–10 at a visit, followed against the daily dose. */
export function recordPain(
  deps: RecordsDeps,
  actor: SignedInUser,
  input: { patientId: number; vas: number; note?: string },
): Result<number> {
  const allowed = authorize(actor, 'pain.record');
  if (!allowed.ok) return allowed;
  if (!Number.isInteger(input.vas) || input.vas < 0 || input.vas > 10)
    return err(appError('INVALID_INPUT', 'the VAS score is a whole number from 0 to 10', 'vas'));
  const patient = findPatient(deps.db, input.patientId);
  if (patient === undefined) return err(appError('INVALID_INPUT', 'no such patient', 'patientId'));
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
      : err(appError('INVALID_INPUT', 'a catheter length needs the catheter model', 'catheterModelId'));
  }
  const model = findCatheterModel(input.catheterModelId);
  if (model === undefined)
    return err(appError('INVALID_INPUT', `unknown catheter model ${input.catheterModelId}`, 'catheterModelId'));
  if (input.catheterLengthCm === undefined)
    return err(
      appError('INVALID_INPUT', 'the implanted catheter length is needed (after trimming), in cm', 'catheterLengthCm'),
    );
  const length = dec(input.catheterLengthCm);
  if (length.lte(0) || length.gt(model.maxLengthCm)) {
    return err(
      appError(
        'OUT_OF_RANGE',
        `a ${input.catheterLengthCm} cm catheter is outside what the ${model.name} can be (more than 0, at most ${model.maxLengthCm} cm): check the implanted length`,
        'catheterLengthCm',
      ),
    );
  }
  return ok(null);
}

export function registerPump(
  deps: RecordsDeps,
  actor: SignedInUser,
  input: {
    patientId: number;
    modelId: string;
    serial: string;
    implantDate: string;
    catheterModelId?: string;
    catheterLengthCm?: string;
    replaceByDate?: string;
  },
): Result<number> {
  const allowed = authorize(actor, 'patient.edit');
  if (!allowed.ok) return allowed;
  if (findPumpModel(input.modelId) === undefined)
    return err(appError('INVALID_INPUT', `unknown pump model ${input.modelId}`, 'modelId'));
  const patient = findPatient(deps.db, input.patientId);
  if (patient === undefined) return err(appError('INVALID_INPUT', 'no such patient', 'patientId'));
  if (!isValidDate(input.implantDate))
    return err(appError('INVALID_INPUT', 'implant date is a date YYYY-MM-DD', 'implantDate'));
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
    if (isUniqueViolation(e)) return err(appError('CONFLICT', `pump ${input.serial} is already registered`, 'serial'));
    throw e;
  }
}
