import { type Drug } from '../core/pump';
import { opioidDrugs } from '../core/opioids';
import { appError, err, fromZodError, namedError, ok, type Result } from '../core/result';
import { PrescriptionInputSchema, type Prescription, type PrescriptionInput } from '../core/api/schemas';
import { str, toPlaces } from '../core/decimal';
import { concentrationIn, dailyDoseIn, massOf } from '../core/units';
import { siteSettings } from './auth/settings';
import { orderContext } from './safety-context';
import {
  closePrescription,
  findPrescription,
  insertPrescription,
  prescriptionsOf,
  type PrescriptionRow,
} from '../db/queries/clinical';
import { findPatient, pumpsOfPatient } from '../db/queries/records';
import { checkDose } from '../core/library/validate';
import { stepsDailyDose } from '../core/calc/flex';
import { dec } from '../core/decimal';
import { said } from '../core/messages';
import { checkOpioidRotation } from '../core/library/opioid-rotation';
import { activeLibrary } from './library';
import { authorize, type SignedInUser } from './auth/accounts';
import type { RecordsDeps } from './records';

/** Stored orders as the API shows them (the program is kept as JSON). */
export function prescriptionOfRow(row: PrescriptionRow): Prescription {
  const program = JSON.parse(row.programJson) as Pick<Prescription, 'components' | 'mode' | 'steps'>;
  return {
    id: row.id,
    patientId: row.patientId,
    pumpId: row.pumpId,
    orderedAt: row.orderedAt,
    orderedBy: row.orderedBy,
    components: program.components,
    mode: program.mode,
    ...(program.steps === undefined ? {} : { steps: program.steps }),
    fillVolumeMl: row.fillVolumeMl,
    notes: row.notes,
    status: row.status,
  };
}

export const prescriptionsOfPatient = (deps: Pick<RecordsDeps, 'db'>, patientId: number): Prescription[] =>
  prescriptionsOf(deps.db, patientId).map(prescriptionOfRow);

/** A physician's order for the next refill or change: drug(s), concentration(s), dose, mode, fill volume. */
export function createPrescription(deps: RecordsDeps, actor: SignedInUser, input: unknown): Result<number> {
  const allowed = authorize(actor, 'prescription.create');
  if (!allowed.ok) return allowed;
  const parsed = PrescriptionInputSchema.safeParse(input);
  if (!parsed.success) return err(fromZodError(parsed.error));
  const p = parsed.data;
  const patient = findPatient(deps.db, p.patientId);
  if (patient === undefined)
    return err(namedError('INVALID_INPUT', 'noSuchPatient', {}, 'no such patient', 'patientId'));
  if (p.pumpId !== undefined && !pumpsOfPatient(deps.db, p.patientId).some((pump) => pump.id === p.pumpId)) {
    return err(
      namedError('INVALID_INPUT', 'pumpNotThePatients', {}, 'that pump is not implanted in this patient', 'pumpId'),
    );
  }
  // "Any pump" is a choice the physician makes, never what an order gets by leaving the pump out.
  if (p.pumpId === undefined && p.anyPump !== true) {
    return err(
      namedError(
        'INVALID_INPUT',
        'orderPumpRequired',
        {},
        'choose the pump this order is for, or "any pump" explicitly',
        'pumpId',
      ),
    );
  }
  // Steps are the day of a flex order: sent with another mode they would be dropped, so they are
  // refused; on a flex order they follow the one rule of a flex day (core/calc/flex.ts).
  if (p.steps !== undefined) {
    if (p.mode !== 'flex') return err(said('INVALID_INPUT', 'orderStepsNotFlex', { mode: p.mode }, 'steps'));
    // The order's daily dose is its day's: steps that add up to another dose are refused, not
    // left to disagree with it (the first drug's dose; an admixture's others follow its rate).
    const day = stepsDailyDose(p.steps);
    if (!day.ok) return day;
    const ordered = p.components[0]?.dailyDose;
    if (ordered !== undefined && !dec(day.value).eq(ordered.value))
      return err(
        said(
          'INVALID_INPUT',
          'orderStepsDoseDiffers',
          { steps: day.value, dose: ordered.value, unit: ordered.unit },
          'steps',
        ),
      );
  }
  // Synchronous from here to the insert: no other order can be written in between.
  const open = openOrderFor(deps, p.patientId, p.pumpId ?? null);
  if (open !== undefined) return err(open);
  const common = commonRate(p.components);
  if (!common.ok) return common;
  // The drug library's hard limits stop an order at once (against what the patient's pump runs
  // now and its history); soft limits are acknowledged when the pump is programmed.
  const library = activeLibrary(deps);
  const context = orderContext(
    { db: deps.db, now: deps.now, timeZone: siteSettings(deps.db).timeZone },
    library,
    patient,
    pumpsOfPatient(deps.db, p.patientId),
    p.pumpId,
  );
  for (const [i, c] of p.components.entries()) {
    const check = checkDose(library, {
      drug: c.drug,
      concentration: c.concentration,
      dailyDose: c.dailyDose,
      previousDailyDose: context.running.find((r) => r.drug === c.drug)?.dailyDose,
      history: context.history.filter((h) => h.drug === c.drug),
      now: context.now,
      ...context.patient,
    });
    if (!check.ok) return err({ ...check.error, field: `components.${i}.${check.error.field ?? 'drug'}` });
    if (check.value.verdict === 'hard') {
      const hard = check.value.findings.filter((f) => f.level === 'hard');
      // The first hard finding by its code and values, for the UI to say in the user's language.
      const first = hard[0];
      const message = hard.map((f) => f.message).join('; ');
      return err(
        first === undefined
          ? appError('HARD_LIMIT', message, `components.${i}`)
          : namedError(
              'HARD_LIMIT',
              `finding.${first.code}`,
              { ...first.params, level: 'hard' },
              message,
              `components.${i}`,
            ),
      );
    }
  }
  // An order that replaces one opioid with another is measured in morphine equivalents, as at the pump.
  const hardRotation: Array<{ code: string; message: string; params: Record<string, string> }> = [];
  const opioid = <T extends { drug: Drug }>(list: readonly T[]): T[] =>
    list.filter((d) => opioidDrugs.includes(d.drug));
  const rotation = checkOpioidRotation(
    library,
    {
      next: opioid(p.components),
      running: opioid(context.running),
      history: opioid(context.history),
      now: context.now,
    },
    context.patient,
    (code, level, message, params) => {
      if (level === 'hard') hardRotation.push({ code, message, params });
    },
  );
  if (!rotation.ok) return rotation;
  const rotationHard = hardRotation[0];
  if (rotationHard !== undefined)
    return err(
      namedError(
        'HARD_LIMIT',
        `finding.${rotationHard.code}`,
        { ...rotationHard.params, level: 'hard' },
        hardRotation.map((f) => f.message).join('; '),
        'components.0',
      ),
    );
  const orderedAt = deps.now().toISOString();
  return deps.audit.commit(() => {
    const id = insertPrescription(deps.db, {
      patientId: p.patientId,
      pumpId: p.pumpId ?? null,
      orderedAt,
      orderedBy: actor.username,
      programJson: JSON.stringify({
        components: p.components,
        mode: p.mode,
        ...(p.steps === undefined ? {} : { steps: p.steps }),
      }),
      fillVolumeMl: p.fillVolumeMl ?? null,
      notes: p.notes ?? null,
    });
    deps.audit.append({
      atUtc: orderedAt,
      actor: actor.username,
      role: actor.role,
      patientId: patient.identifier,
      // The order names its pump: the record does too, so a search by serial finds it.
      pumpSerial: pumpsOfPatient(deps.db, p.patientId).find((pump) => pump.id === p.pumpId)?.serial ?? null,
      action: 'prescription.create',
      new: { id, ...p },
      outcome: 'confirmed',
    });
    return ok(id);
  });
}

/**
 * One open order per pump: the refill carries out the order, so two open for the same pump leave the
 * nurse to guess. An order for "any pump" stands for each of the patient's pumps, so it meets every
 * other open order of the patient. The first is cancelled (with its reason) before another is written.
 */
function openOrderFor(deps: Pick<RecordsDeps, 'db'>, patientId: number, pumpId: number | null) {
  const open = prescriptionsOf(deps.db, patientId).find(
    (o) => o.status === 'open' && (pumpId === null || o.pumpId === null || o.pumpId === pumpId),
  );
  if (open === undefined) return undefined;
  if (open.pumpId === null) {
    return namedError(
      'CONFLICT',
      'orderAlreadyOpenAnyPump',
      { id: String(open.id) },
      `order #${open.id} (for any of the patient's pumps) is still open: cancel it before writing another`,
      'pumpId',
    );
  }
  const pump = pumpsOfPatient(deps.db, patientId).find((x) => x.id === open.pumpId)?.serial ?? String(open.pumpId);
  return namedError(
    'CONFLICT',
    'orderAlreadyOpen',
    { id: String(open.id), pump },
    `order #${open.id} for pump ${pump} is still open: cancel it before writing another for this pump`,
    'pumpId',
  );
}

/**
 * An admixture runs at one rate: each drug's dose over its concentration must give the same
 * mL/day (at 0.001 mL/day), or no pump can deliver the order.
 */
function commonRate(components: PrescriptionInput['components']): Result<null> {
  const rates = components.map((c) => {
    const mass = massOf(c.concentration.unit);
    return toPlaces(dailyDoseIn(c.dailyDose, mass).div(concentrationIn(c.concentration, mass)), 3);
  });
  const first = rates[0];
  const other = rates.findIndex((r) => first !== undefined && !r.eq(first));
  if (first === undefined || other === -1) return ok(null);
  const text = components.map((c, i) => `${c.drug} ${str(rates[i] ?? first)} mL/day`).join(', ');
  return err(
    namedError(
      'INVALID_INPUT',
      'admixtureRates',
      { rates: text },
      `an admixture runs at one rate, but these doses need different rates (${text}): change a dose or a concentration`,
      `components.${other}.dailyDose`,
    ),
  );
}

/** Withdraws an open order (physicians), with the reason in the audit trail. */
export function cancelPrescription(deps: RecordsDeps, actor: SignedInUser, id: number, reason: string): Result<null> {
  const allowed = authorize(actor, 'prescription.create');
  if (!allowed.ok) return allowed;
  const row = findPrescription(deps.db, id);
  if (row === undefined)
    return err(namedError('INVALID_INPUT', 'noSuchOrder', { id: String(id) }, `there is no order #${id}`, 'id'));
  const patient = findPatient(deps.db, row.patientId);
  return deps.audit.commit(() => {
    if (!closePrescription(deps.db, id, 'cancelled'))
      return err(
        namedError(
          'CONFLICT',
          'orderNotOpen',
          { id: String(id), status: row.status },
          `order #${id} is already ${row.status}`,
          'id',
        ),
      );
    deps.audit.append({
      atUtc: deps.now().toISOString(),
      actor: actor.username,
      role: actor.role,
      patientId: patient?.identifier ?? null,
      pumpSerial:
        row.pumpId === null
          ? null
          : (pumpsOfPatient(deps.db, row.patientId).find((pump) => pump.id === row.pumpId)?.serial ?? null),
      action: 'prescription.cancel',
      old: { id, status: row.status },
      new: { id, status: 'cancelled' },
      reason,
      outcome: 'confirmed',
    });
    return ok(null);
  });
}
