import { ok } from '../../core/result';
import { deliverBolus } from '../bolus';
import { reviewBolus } from '../bolus-review';
import { previewProgram } from '../program-preview';
import { programPump } from '../programming';
import type { AreaContext } from './context';
import type { GatedHandlers } from './gates';

/** Changing the program and giving a clinician bolus: each previewed on the Finish screen, then sent. */
export const programmingHandlers = ({
  readPump,
  now,
  modelOf,
  patientOf,
  programmingDeps,
  reviewDeps,
  atThePump,
}: AreaContext) =>
  ({
    'program:preview': (input) => readPump((status) => previewProgram(reviewDeps(status), status, input)),
    'program:apply': async (input, actor) => {
      const at = await atThePump(actor, input.witness);
      if (!at.ok) return at;
      const { deps, who, status } = at.value;
      const { settings, acknowledgement, reviewed } = input;
      const r = await programPump(deps, { ...who, settings, acknowledgement, reviewed });
      if (!r.ok) return r;
      const report = {
        programmedAt: now().toISOString(),
        pumpModel: modelOf(status).name,
        programmedBy: actor.displayName,
        witness: who.witness?.displayName ?? null,
      };
      return ok({
        outcome: r.value.outcome,
        sessionId: r.value.sessionId,
        mismatches: r.value.mismatches,
        ...(r.value.recordingProblem === undefined ? {} : { recordingProblem: r.value.recordingProblem }),
        report,
      });
    },

    'bolus:preview': (input) =>
      readPump((status) => {
        const r = reviewBolus(programmingDeps(status), status, input);
        return r.ok ? ok({ ...r.value, patient: patientOf(status.serial) ?? null }) : r;
      }),
    'bolus:deliver': async (input, actor) => {
      const at = await atThePump(actor, input.witness);
      if (!at.ok) return at;
      const { reviewed, acknowledgement } = input;
      const r = await deliverBolus(at.value.deps, { ...at.value.who, bolus: input.request, reviewed, acknowledgement });
      if (!r.ok) return r;
      const { outcome, sessionId, pumpDid, mismatches, review, recordingProblem } = r.value;
      return ok({
        outcome,
        sessionId,
        pumpDid,
        volume: review.volume,
        durationMinutes: review.durationMinutes,
        mismatches,
        ...(recordingProblem === undefined ? {} : { recordingProblem }),
      });
    },
  }) satisfies Partial<GatedHandlers>;
