import { ok } from '../../core/result';
import { witnessSignOff } from '../auth/accounts';
import { performRefill } from '../refill';
import { previewRefill, refillReport } from '../refill-views';
import { visitCheck } from '../refill-visit';
import { clearReview, reviewList } from '../reviews';
import type { AreaContext } from './context';
import type { GatedHandlers } from './gates';

/** The refill wizard, the refill-only visit, and the physician's review list of flagged refills. */
export const refillHandlers = ({
  db,
  audit,
  link,
  now,
  deps,
  modelOf,
  patientOf,
  programmingDeps,
  forecastDeps,
  reviewDeps,
  readPump,
}: AreaContext) =>
  ({
    'refill:preview': (input) =>
      readPump((status) => previewRefill({ ...reviewDeps(status), forecast: forecastDeps() }, status, input)),
    'refill:perform': async (input, nurse) => {
      const witness = await witnessSignOff(deps, nurse, input.witness);
      if (!witness.ok) return witness;
      const read = await link.interrogate();
      if (!read.ok) return read;
      const { barcode, ...syringe } = input.syringe;
      const r = await performRefill(programmingDeps(read.value), {
        nurse,
        prescriptionId: input.prescriptionId,
        rinse: input.rinse,
        witness: witness.value,
        // An empty scan field is no barcode.
        syringe: { ...syringe, ...(barcode === undefined || barcode === '' ? {} : { barcode }) },
        withdrawnMl: input.withdrawnMl,
        reservoirEmptied: input.reservoirEmptied,
        instilledMl: input.instilledMl,
        waste: input.waste,
        acknowledgement: input.acknowledgement,
        discrepancyAcknowledgement: input.discrepancyAcknowledgement,
        refillOnly: input.refillOnly,
        patientBolus: input.patientBolus,
      });
      if (!r.ok) return r;
      const people = { nurse, witness: witness.value, patient: patientOf(r.value.pump.serial) };
      return ok(refillReport(r.value, input, people, modelOf(r.value.pump)));
    },
    'refill:visitCheck': (input) =>
      readPump((status) => {
        const checked = visitCheck({ db }, status, input.prescriptionId);
        if (!checked.ok) return checked;
        return ok({ ...checked.value, pumpSerial: status.serial, patient: patientOf(status.serial) ?? null });
      }),
    'reviews:list': (_input, actor) => reviewList({ db }, actor),
    'reviews:clear': (input, actor) => clearReview({ db, audit, now }, actor, input),
  }) satisfies Partial<GatedHandlers>;
