import type { PatientDetail } from '../core/api/schemas';
import { err, ok, type Result } from '../core/result';
import { doseHistory } from '../db/queries/audit';
import { findPatient, painHistory, pumpsOfPatient, refillVisits, screeningTrials } from '../db/queries/records';
import { prescriptionsOfPatient } from './orders';
import { systemicOpioidView } from './opioids';
import type { RecordsDeps } from './records';
import { said } from '../core/messages';

/** A patient's record as the patient page shows it: pumps and refills, pain, doses, screening, orders, opioids. */
export function patientDetail(
  deps: Pick<RecordsDeps, 'db' | 'now'>,
  id: number,
  timeZone: string,
): Result<PatientDetail> {
  const { db } = deps;
  const patient = findPatient(db, id);
  if (patient === undefined) return err(said('INVALID_INPUT', 'noSuchPatient', {}, 'id'));
  const pumps = pumpsOfPatient(db, patient.id);
  return ok({
    patient,
    pumps: pumps.map((p) => ({
      ...p,
      refills: refillVisits(db, p.id).map((r) => ({ ...r, discrepancyFlag: r.discrepancyFlag === 1 })),
    })),
    pain: painHistory(db, patient.id),
    doses: pumps.flatMap((p) => doseHistory(db, p.serial).flatMap((d) => doseOf(d.newJson, d.atUtc, p.serial))),
    screening: screeningTrials(db, patient.id),
    prescriptions: prescriptionsOfPatient(deps, patient.id),
    ...systemicOpioidView(deps, patient.id, timeZone),
  });
}

/** The daily dose a programming audit record set, when it set one. */
const doseOf = (json: string, at: string, pumpSerial: string): PatientDetail['doses'] => {
  const value = JSON.parse(json) as { dailyDose?: { value?: unknown; unit?: unknown } };
  const d = value.dailyDose;
  return typeof d?.value === 'string' && typeof d.unit === 'string'
    ? [{ at, pumpSerial, dailyDose: d.value, unit: d.unit }]
    : [];
};
