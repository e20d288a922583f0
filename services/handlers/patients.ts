import { ok } from '../../core/result';
import { findPumpBySerial, searchPatients } from '../../db/queries/records';
import { cancelPrescription, createPrescription, prescriptionsOfPatient } from '../orders';
import { recordScreeningVisit } from '../screening';
import { recordSystemicOpioid, stopSystemicOpioid } from '../opioids';
import { patientDetail } from '../patient-detail';
import { createPatient, recordPain, registerPump } from '../records';
import { stoppedPumpList } from '../safety-context';
import type { AreaContext } from './context';
import type { GatedHandlers } from './gates';

/** A new record's id, or why it was not made. */
const created = <E>(r: { ok: true; value: number } | { ok: false; error: E }) => (r.ok ? ok({ id: r.value }) : r);

/** Patients and their pumps, orders, pain scores, screening trials and systemic opioids. */
export const patientHandlers = ({ db, deps, patientOf, timeZone }: AreaContext) =>
  ({
    'patients:search': (input) => ok(searchPatients(db, input.query)),
    'patients:create': (input, actor) => created(createPatient(deps, actor, input)),
    'patients:get': (input) => patientDetail(deps, input.id, timeZone()),
    'patients:forPump': (input) => ok(patientOf(input.serial) ?? null),
    'pumps:stopped': () => ok(stoppedPumpList(db).map((p) => ({ ...p, patient: patientOf(p.pumpSerial) ?? null }))),
    'pumps:register': (input, actor) => created(registerPump(deps, actor, input)),
    'prescriptions:create': (input, actor) => created(createPrescription(deps, actor, input)),
    'prescriptions:open': (input) => {
      const registered = findPumpBySerial(db, input.serial);
      if (registered === undefined) return ok([]);
      return ok(
        prescriptionsOfPatient(deps, registered.patientId).filter(
          (p) => p.status === 'open' && (p.pumpId === null || p.pumpId === registered.id),
        ),
      );
    },
    'prescriptions:cancel': (input, actor) => cancelPrescription(deps, actor, input.id, input.reason),
    'opioids:record': (input, actor) => created(recordSystemicOpioid(deps, actor, input.patientId, input.record)),
    'opioids:stop': (input, actor) => stopSystemicOpioid(deps, actor, input),
    'pain:record': (input, actor) => created(recordPain(deps, actor, input)),
    'screening:record': (input, actor) => created(recordScreeningVisit(deps, actor, input)),
  }) satisfies Partial<GatedHandlers>;
