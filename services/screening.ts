import * as z from 'zod';
import { DrugSchema } from '../core/pump';
import { err, fromZodError, namedError, ok, type Result } from '../core/result';
import { said } from '../core/messages';
import { type ScreeningInput } from '../core/api/schemas';
import { clinicLocalToUtc } from '../core/clock';
import { libraryId } from '../core/library/hash';
import { checkScreeningDose } from '../core/library/screening';
import type { Finding } from '../core/library/findings';
import { dec } from '../core/decimal';
import { siteSettings } from './auth/settings';
import { insertScreeningDose, insertScreeningTrial } from '../db/queries/clinical';
import { findPatient } from '../db/queries/records';
import { activeLibrary } from './library';
import { authorize, type SignedInUser } from './auth/accounts';
import type { RecordsDeps } from './records';

const Vas = z.number().int().min(0).max(10);

/** A screening trial before implant: test doses with the pain response, side effects, the decision. */
export const ScreeningTrialSchema = z.strictObject({
  patientId: z.number().int().positive(),
  trialDate: z.iso.date(),
  doses: z
    .array(
      z.strictObject({
        givenAt: z.iso.datetime({ offset: true }),
        drug: DrugSchema,
        dose: z.strictObject({
          value: z.string().regex(/^\d{1,6}(\.\d{1,6})?$/, 'a decimal number such as 0.2'),
          unit: z.enum(['mg', 'mcg']),
        }),
        vasBefore: Vas.optional(),
        vasAfter: Vas.optional(),
        response: z.string().max(500).optional(),
      }),
    )
    .min(1)
    .max(20),
  sideEffects: z.string().max(2000).optional(),
  decision: z.enum(['implant', 'no-implant', 'repeat']),
  notes: z.string().max(4000).optional(),
  /** The reason a soft limit of the drug library is accepted (recorded in the audit record). */
  acknowledgement: z.string().max(500).optional(),
});

/**
 * Records a screening trial. Each test dose is one intrathecal bolus, checked against the drug
 * library's single-bolus limit of its drug (core/library/screening.ts): a hard finding refuses the
 * whole record (nothing is stored), a soft one needs an acknowledgement with a reason, kept with the
 * findings and the library version in the audit record.
 */
export function recordScreeningTrial(deps: RecordsDeps, actor: SignedInUser, input: unknown): Result<number> {
  const allowed = authorize(actor, 'screening.record');
  if (!allowed.ok) return allowed;
  const parsed = ScreeningTrialSchema.safeParse(input);
  if (!parsed.success) return err(fromZodError(parsed.error));
  const t = parsed.data;
  const patient = findPatient(deps.db, t.patientId);
  if (patient === undefined)
    return err(namedError('INVALID_INPUT', 'noSuchPatient', {}, 'no such patient', 'patientId'));
  const library = activeLibrary(deps);
  const findings: Array<Finding & { dose: number }> = [];
  for (const [i, d] of t.doses.entries()) {
    if (dec(d.dose.value).isZero())
      return err(said('INVALID_INPUT', 'testDoseNotPositive', {}, `doses.${i}.dose.value`));
    const found = checkScreeningDose(library, d.drug, d.dose);
    if (found === undefined)
      return err(said('INVALID_INPUT', 'drugNotInLibrary', { drug: d.drug, library: library.name }, `doses.${i}.drug`));
    findings.push(...found.map((f) => ({ ...f, dose: i })));
  }
  const hard = findings.find((f) => f.level === 'hard');
  if (hard !== undefined) {
    return err(
      namedError(
        'HARD_LIMIT',
        `finding.${hard.code}`,
        { ...hard.params, level: 'hard' },
        findings
          .filter((f) => f.level === 'hard')
          .map((f) => f.message)
          .join('; '),
        `doses.${hard.dose}.dose.value`,
      ),
    );
  }
  const soft = findings[0];
  const reason = (t.acknowledgement ?? '').trim();
  if (soft !== undefined && reason.length < 3) {
    return err(
      namedError(
        'ACKNOWLEDGEMENT_REQUIRED',
        `finding.${soft.code}`,
        { ...soft.params, level: 'soft' },
        `${findings.map((f) => f.message).join('; ')}: acknowledge with a reason to record it`,
        'acknowledgement',
      ),
    );
  }
  // The reason goes to the audit record's own field, beside the findings it acknowledges.
  const trial = { ...t, acknowledgement: undefined };
  return ok(
    deps.audit.commit(() => {
      const id = insertScreeningTrial(deps.db, {
        patientId: t.patientId,
        trialDate: t.trialDate,
        sideEffects: t.sideEffects ?? null,
        decision: t.decision,
        notes: t.notes ?? null,
        recordedBy: actor.username,
      });
      for (const d of t.doses)
        insertScreeningDose(deps.db, {
          trialId: id,
          givenAt: d.givenAt,
          drug: d.drug,
          doseJson: JSON.stringify(d.dose),
          vasBefore: d.vasBefore ?? null,
          vasAfter: d.vasAfter ?? null,
          response: d.response ?? null,
        });
      deps.audit.append({
        atUtc: deps.now().toISOString(),
        actor: actor.username,
        role: actor.role,
        patientId: patient.identifier,
        action: 'screening.record',
        new: trial,
        outcome: 'confirmed',
        libraryVersion: `${library.version}:${libraryId(library).hash}`,
        ...(findings.length === 0 ? {} : { acknowledgements: findings, reason }),
      });
      return id;
    }),
  );
}

/**
 * The screening trial as the visit form enters it: one test dose at a clinic wall-clock time on the
 * trial date, stored as the UTC instant it names in the clinic's time zone (site setting).
 */
export function recordScreeningVisit(deps: RecordsDeps, actor: SignedInUser, input: ScreeningInput): Result<number> {
  const timeZone = siteSettings(deps.db).timeZone;
  const at = clinicLocalToUtc(input.trialDate, input.time, timeZone);
  if (!at.ok) {
    return at.reason === 'nonexistent'
      ? err(
          namedError(
            'INVALID_INPUT',
            'localTimeNonexistent',
            { date: input.trialDate, time: input.time, timeZone },
            `${input.trialDate} ${input.time} does not exist in ${timeZone}: the clocks were put forward over it (daylight saving)`,
            'time',
          ),
        )
      : err(said('INVALID_INPUT', 'notADateTime', { date: input.trialDate, time: input.time }, 'time'));
  }
  return recordScreeningTrial(deps, actor, {
    patientId: input.patientId,
    trialDate: input.trialDate,
    doses: [
      {
        givenAt: at.instant.toISOString(),
        drug: input.drug,
        dose: { value: input.dose, unit: input.unit },
        vasBefore: input.vasBefore,
        vasAfter: input.vasAfter,
        ...(input.response === undefined ? {} : { response: input.response }),
      },
    ],
    decision: input.decision,
    ...(input.sideEffects === undefined ? {} : { sideEffects: input.sideEffects }),
    ...(input.notes === undefined ? {} : { notes: input.notes }),
    ...(input.acknowledgement === undefined ? {} : { acknowledgement: input.acknowledgement }),
  });
}
