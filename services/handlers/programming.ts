import { ok } from '../../core/result';
import { deliverBolus, reviewBolus } from '../bolus';
import { previewProgram } from '../program-preview';
import { programPump } from '../programming';
import type { AreaContext } from './context';
import type { GatedHandlers } from './gates';

/** Changing the program and giving a clinician bolus: each previewed on the Finish screen, then sent. */
export const programmingHandlers = ({
  link,
  now,
  modelOf,
  patientOf,
  programmingDeps,
  reviewDeps,
  atThePump,
}: AreaContext) =>
  ({
    'program:preview': async (input) => {
      const read = await link.interrogate();
      if (!read.ok) return read;
      return previewProgram(reviewDeps(read.value), read.value, input);
    },
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

    'bolus:preview': async (input) => {
      const read = await link.interrogate();
      if (!read.ok) return read;
      const r = reviewBolus(programmingDeps(read.value), read.value, input);
      return r.ok ? ok({ ...r.value, patient: patientOf(read.value.serial) ?? null }) : r;
    },
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
