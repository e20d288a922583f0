import type { Drug } from '../../../core/pump';

/** The refill-only visit's one form, all steps' fields, kept as a draft across a lock. */
export interface VisitForm {
  orderId?: number;
  identity?: boolean;
  noSymptoms?: boolean;
  barcode?: string;
  drug?: Drug;
  concentration?: string;
  concentrationUnit?: 'mg/mL' | 'mcg/mL';
  volumeMl?: string;
  lot?: string;
  expiry?: string;
  preparedBy?: string;
  checkedBy?: string;
  withdrawnMl?: string;
  emptied?: boolean;
  discrepancyAck?: { checked?: string; patientState?: string };
  instilledMl?: string;
  witness?: { username: string; password: string };
}

/** The fields each step checks before the next one; the first field of each step takes the focus. */
export const STEP_FIELDS = [
  ['orderId', 'identity', 'noSymptoms'],
  ['drug', 'concentration', 'volumeMl', 'lot', 'expiry', 'preparedBy', 'checkedBy'],
  ['withdrawnMl', ['discrepancyAck', 'checked'], ['discrepancyAck', 'patientState']],
  ['instilledMl'],
] as const;
export const FOCUS = [undefined, 'visit_barcode', 'visit_withdrawnMl', 'visit_instilledMl', 'visit_witness_username'];
/** Passwords are never kept across a lock. */
export const NOT_KEPT = ['witness'] as const;
