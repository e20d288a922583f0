import { str, type Dec } from '../core/decimal';
import type { Prescription } from '../core/api/schemas';
import type { PumpStatus } from '../core/pump';
import { insertRefill, type ImplantedPumpRow } from '../db/queries/records';
import { closePrescription } from '../db/queries/clinical';
import { insertReview } from '../db/queries/reviews';
import type { ProgrammingDeps, ProgramResult } from './programming-request';
import type { ConcentrationChange } from './refill-plan';
import type { RefillRequest } from './refill-request';

/** What a refill visit did, once the pump has been written: everything its records hold. */
export interface RefillFacts {
  request: RefillRequest;
  pump: PumpStatus;
  registered: ImplantedPumpRow;
  patient: { identifier: string } | undefined;
  order: Prescription;
  newReservoirMl: string;
  discrepancy: Dec;
  flag: boolean;
  change: ConcentrationChange | undefined;
  drugChange: boolean;
  rinseMl: string;
  programmed: Pick<ProgramResult, 'sessionId' | 'outcome'>;
  nextRefillDate: string;
  performedAt: string;
}

/**
 * Records the refill in one transaction: its audit record, the order closed (unless the write was
 * rejected), the refill row and, for a flagged discrepancy, the physician's review.
 */
export function recordRefill(deps: ProgrammingDeps, facts: RefillFacts): { id: number; review: number | undefined } {
  const { request, pump, registered, patient, order, newReservoirMl, discrepancy, flag, change, drugChange, rinseMl } =
    facts;
  const { performedAt } = facts;
  const s = request.syringe;
  const discrepancyAck = request.discrepancyAcknowledgement;
  return deps.audit.commit(() => {
    const record = deps.audit.append({
      atUtc: deps.now().toISOString(),
      pumpTime: pump.pumpTime,
      actor: request.nurse.username,
      role: request.nurse.role,
      witness: request.witness.username,
      patientId: patient?.identifier ?? null,
      pumpSerial: pump.serial,
      action: 'refill.record',
      old: { reservoirVolume: pump.reservoirVolume },
      new: {
        prescriptionId: order.id,
        withdrawnMl: request.withdrawnMl,
        reservoirEmptied: request.reservoirEmptied,
        instilledMl: request.instilledMl,
        newReservoirMl,
        ...(order.fillVolumeMl === null ? {} : { orderedFillMl: order.fillVolumeMl }),
        discrepancyMl: str(discrepancy),
        discrepancyFlag: flag,
        lot: s.lot,
        sessionId: facts.programmed.sessionId,
        nextRefillDate: facts.nextRefillDate,
        ...(change === undefined
          ? {}
          : {
              newDrug: change.settings.drug,
              newConcentration: change.settings.concentration,
              newDailyDose: change.dailyDose,
              newRate: change.newRate,
              bridge: change.bridge,
            }),
        ...(drugChange ? { rinseMl } : {}),
        ...(flag && discrepancyAck !== undefined
          ? {
              discrepancyAcknowledgement: {
                checked: discrepancyAck.checked.trim(),
                patientState: discrepancyAck.patientState.trim(),
              },
              physicianReview: 'required',
            }
          : {}),
        ...(request.refillOnly === true ? { refillOnly: true } : {}),
      },
      reason: flag ? 'refill discrepancy above threshold: check for pocket fill or pump malfunction' : null,
      outcome: facts.programmed.outcome,
    });
    // The order is carried out once the pump has the refill (a rejected write leaves it open).
    if (facts.programmed.outcome !== 'rejected') closePrescription(deps.db, order.id, 'filled');
    const id = insertRefill(deps.db, {
      pumpId: registered.id,
      prescriptionId: order.id,
      performedAt,
      nurse: request.nurse.username,
      witness: request.witness.username,
      syringeDrug: s.drug,
      syringeConcentrationJson: JSON.stringify(s.concentration),
      syringeLot: s.lot,
      syringeExpiry: s.expiry,
      syringeVolumeMl: s.volumeMl,
      preparedBy: s.preparedBy,
      checkedBy: s.checkedBy,
      barcode: s.barcode ?? null,
      expectedResidualMl: pump.reservoirVolume.value,
      withdrawnMl: request.withdrawnMl,
      discrepancyMl: str(discrepancy),
      discrepancyFlag: flag,
      instilledMl: request.instilledMl,
      newReservoirMl,
      wasteMl: request.waste?.volumeMl ?? null,
      wasteWitness: request.waste?.witness ?? null,
      auditSeq: record.seq,
    });
    // A flagged discrepancy puts the pump on the physician's review list, with the nurse's acknowledgement.
    const review =
      flag && discrepancyAck !== undefined
        ? insertReview(deps.db, {
            pumpId: registered.id,
            refillId: id,
            flaggedAt: performedAt,
            nurse: request.nurse.username,
            expectedMl: pump.reservoirVolume.value,
            withdrawnMl: request.withdrawnMl,
            discrepancyMl: str(discrepancy),
            checked: discrepancyAck.checked.trim(),
            patientState: discrepancyAck.patientState.trim(),
            auditSeq: record.seq,
          })
        : undefined;
    return { id, review };
  });
}
