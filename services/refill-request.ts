import type { Forecast } from '../core/calc/refill';
import type { ConcentrationQ } from '../core/units';
import type { Drug, PumpStatus } from '../core/pump';
import type { SignedInUser } from './auth/accounts';
import type { ConcentrationChange, PatientBolusDecision } from './refill-plan';

/** What the nurse (and the physician, for a change) records of a refill visit. */
export interface RefillRequest {
  nurse: SignedInUser;
  /** The physician's order this refill carries out. */
  prescriptionId: number;
  /** A drug change: the volume of the new drug the reservoir was rinsed with (and withdrawn). */
  rinse?: { volumeMl: string } | undefined;
  /** Every refill is double-checked by a second clinician. */
  witness: SignedInUser;
  syringe: {
    drug: Drug;
    concentration: ConcentrationQ;
    volumeMl: string;
    lot: string;
    expiry: string;
    preparedBy: string;
    checkedBy: string;
    barcode?: string;
  };
  withdrawnMl: string;
  /** The nurse aspirated until nothing more came; otherwise what the pump expected minus what was withdrawn is still inside. */
  reservoirEmptied: boolean;
  instilledMl: string;
  waste?: { volumeMl: string; witness: string } | undefined;
  /** The reason given when the running dose is beyond a soft limit of the library. */
  acknowledgement?: string | undefined;
  /** A flagged discrepancy: what the nurse checked and the patient's state (required; puts the pump on the review list). */
  discrepancyAcknowledgement?: DiscrepancyAcknowledgement | undefined;
  /** The refill-only visit: the running program is re-sent unchanged, or nothing is done. */
  refillOnly?: boolean | undefined;
  /** A concentration or drug change on a pump with patient boluses: the physician's decision. */
  patientBolus?: PatientBolusDecision | undefined;
}

export interface DiscrepancyAcknowledgement {
  checked: string;
  patientState: string;
}

/** A flagged discrepancy's acknowledgement says something of both: what was checked and the patient's state. */
export const acknowledges = (a: DiscrepancyAcknowledgement | undefined): a is DiscrepancyAcknowledgement =>
  a !== undefined && a.checked.trim().length >= 3 && a.patientState.trim().length >= 3;

export interface RefillResult {
  refillId: number;
  discrepancyMl: string;
  discrepancyFlag: boolean;
  forecast: Forecast;
  /** The reservoir volume written to the pump. */
  newReservoirMl: string;
  outcome: 'confirmed' | 'rejected' | 'unconfirmed';
  /** The pump as read before the refill. */
  pump: PumpStatus;
  /** A concentration change: the new program and its bridge bolus. */
  change?: ConcentrationChange;
  performedAt: string;
  /** The pump as read back after the write (the program it runs now), when the read-back answered. */
  readBack?: PumpStatus;
  /** The physician review a flagged discrepancy opened. */
  reviewId?: number;
}
