import { clinicDate } from '../core/clock';
import {
  omeOnDate,
  omeSteps,
  oralMorphineEquivalent,
  opioidTolerance,
  systemicOpioids,
  type SystemicOpioidInput,
} from '../core/opioids';
import { str, toPlaces } from '../core/decimal';
import { err, ok, type Result } from '../core/result';
import type { OpioidTolerance } from '../core/library/schema';
import {
  findPatient,
  insertSystemicOpioid,
  setSystemicOpioidStop,
  systemicOpioidsOf,
  pumpsOfPatient,
} from '../db/queries/records';
import { findPumpModel, defaultPumpModel } from '../core/models';
import { authorize, type SignedInUser } from './auth/accounts';
import type { RecordsDeps } from './records';
import { doseHistory, intrathecalOpioidDays, systemicRecordsOf } from './safety-context';
import { said } from '../core/messages';

const DAY_MS = 86_400_000;

/** Records a systemic opioid (drug and route, dose, dates), audited. Display and tolerance only. */
export function recordSystemicOpioid(
  deps: RecordsDeps,
  actor: SignedInUser,
  patientId: number,
  record: SystemicOpioidInput,
): Result<number> {
  const allowed = authorize(actor, 'patient.edit');
  if (!allowed.ok) return allowed;
  const patient = findPatient(deps.db, patientId);
  if (patient === undefined) return err(said('INVALID_INPUT', 'noSuchPatient', {}, 'patientId'));
  const [drug, route] = record.kind.split('/') as [string, string];
  return ok(
    deps.audit.commit(() => {
      const at = deps.now().toISOString();
      const audit = deps.audit.append({
        atUtc: at,
        actor: actor.username,
        role: actor.role,
        patientId: patient.identifier,
        action: 'opioids.record',
        new: { ...record, unit: systemicOpioids[record.kind].unit },
        outcome: 'confirmed',
      });
      return insertSystemicOpioid(deps.db, {
        patientId,
        drug,
        route,
        doseValue: record.dose,
        doseUnit: systemicOpioids[record.kind].unit,
        startDate: record.startDate,
        stopDate: record.stopDate ?? null,
        recordedBy: actor.username,
        recordedAt: at,
        auditSeq: audit.seq,
      });
    }),
  );
}

/** Records the date a systemic opioid was stopped (tapered off after the implant), audited. */
export function stopSystemicOpioid(
  deps: RecordsDeps,
  actor: SignedInUser,
  input: { patientId: number; id: number; stopDate: string },
): Result<null> {
  const allowed = authorize(actor, 'patient.edit');
  if (!allowed.ok) return allowed;
  const patient = findPatient(deps.db, input.patientId);
  if (patient === undefined) return err(said('INVALID_INPUT', 'noSuchPatient', {}, 'patientId'));
  const row = systemicOpioidsOf(deps.db, input.patientId).find((r) => r.id === input.id);
  if (row === undefined) return err(said('INVALID_INPUT', 'noSuchSystemicOpioid', { id: String(input.id) }, 'id'));
  if (input.stopDate < row.startDate)
    return err(said('INVALID_INPUT', 'stopBeforeStart', { start: row.startDate }, 'stopDate'));
  return deps.audit.commit(() => {
    if (!setSystemicOpioidStop(deps.db, input.id, input.patientId, input.stopDate))
      return err(said('CONFLICT', 'recordChanged', {}));
    deps.audit.append({
      atUtc: deps.now().toISOString(),
      actor: actor.username,
      role: actor.role,
      patientId: patient.identifier,
      action: 'opioids.stop',
      old: { id: input.id, stopDate: row.stopDate },
      new: { id: input.id, stopDate: input.stopDate },
      outcome: 'confirmed',
    });
    return ok(null);
  });
}

/** The patient page's view: each record with its oral morphine equivalent, today's total, the tolerance the rules apply. */
export function systemicOpioidView(deps: Pick<RecordsDeps, 'db' | 'now'>, patientId: number, timeZone: string) {
  const rows = systemicOpioidsOf(deps.db, patientId);
  const records = systemicRecordsOf(rows);
  const now = deps.now();
  const today = clinicDate(now, timeZone);
  // The longest run of intrathecal opioid on any of the patient's pumps.
  const days = Math.max(
    0,
    ...pumpsOfPatient(deps.db, patientId).map((p) =>
      intrathecalOpioidDays(
        doseHistory(
          deps.db,
          p.serial,
          findPumpModel(p.modelId) ?? defaultPumpModel(),
          new Date(now.getTime() - 8 * DAY_MS),
        ),
        now,
      ),
    ),
  );
  const tolerance: OpioidTolerance = opioidTolerance(records, today, days);
  return {
    systemicOpioids: rows.map((r) => {
      const kind = `${r.drug}/${r.route}`;
      const ome =
        kind in systemicOpioids
          ? str(toPlaces(oralMorphineEquivalent(kind as keyof typeof systemicOpioids, r.doseValue), 1))
          : '';
      return {
        id: r.id,
        kind,
        dose: r.doseValue,
        unit: r.doseUnit,
        startDate: r.startDate,
        stopDate: r.stopDate,
        omeMgPerDay: ome,
        recordedBy: r.recordedBy,
      };
    }),
    omeTodayMgPerDay: str(toPlaces(omeOnDate(records, today), 1)),
    omeHistory: omeSteps(records, today),
    opioidTolerance: tolerance,
  };
}
