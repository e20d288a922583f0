import type { AppInfo } from '../core/api/contract';
import type { PatientDetail, ProgramPreview } from '../core/api/schemas';
import { rateForDose } from '../core/calc/dose';
import { discrepancyThreshold, refillDiscrepancy } from '../core/calc/refill';
import { dec, str } from '../core/decimal';
import { libraryHash } from '../core/library/hash';
import { defaultPumpModel, findPumpModel, type PumpModel } from '../core/models';
import type { Operation } from '../core/permissions';
import type { PumpSettings, PumpStatus } from '../core/pump';
import { appError, err, namedError, ok, type AppError, type Result } from '../core/result';
import { dailyDoseUnit, massOf, type RateQ } from '../core/units';
import type { Db } from '../db/connection';
import type { AuditLog } from '../db/audit/log';
import type { AuditKeyStore } from '../db/audit/keys';
import { verifyAudit } from '../db/audit/verify';
import { exportCsv, exportFhir, exportJson } from '../db/audit/export';
import { auditRecord, doseHistory, listAudit } from '../db/queries/audit';
import { auditRecordView, auditRowView } from './audit-view';
import {
  findPatient,
  findPumpBySerial,
  painHistory,
  pumpsOfPatient,
  refillVisits,
  screeningTrials,
  searchPatients,
  type PatientRow,
} from '../db/queries/records';
import { allOpenSessions, openSessions } from '../db/queries/sessions';
import { listUsers } from '../db/queries/users';
import {
  authorize,
  changePassword,
  createFirstAdmin,
  createUser,
  needsSetup,
  passwordChangeRequired,
  resetPassword,
  setAccountDisabled,
  signIn,
  witnessSignOff,
  type SignedInUser,
} from './auth/accounts';
import { enforcePasswordChange, passwordChangeGate } from './auth/forced-change';
import type { Channel } from '../core/api/channels';
import { WorkstationSession } from './auth/session';
import { siteSettings } from './auth/settings';
import { updateSettings } from './settings';
import type { Handlers } from './dispatch';
import { interrogate, recentInterrogations } from './interrogation';
import { activeLibrary, confirmLibrary, saveLibrary } from './library';
import type { LinkManager } from './link-manager';
import { reviewProgram, scheduleStepOf as stepOf, settingsOfStatus } from './program-review';
import { reviewContext, stoppedPumpList } from './safety-context';
import { recordSystemicOpioid, stopSystemicOpioid, systemicOpioidView } from './opioids';
import { currentForecast, refillForecastFor } from './forecast';
import { bookkeepingProblem, programPump, resolveUnconfirmed, reviewedOf } from './programming';
import { deliverBolus, reviewBolus } from './bolus';
import { runAlarmTest, setPumpClock } from './pump-maintenance';
import { createPatient, recordPain, registerPump } from './records';
import { cancelPrescription, createPrescription, prescriptionsOfPatient, recordScreeningVisit } from './clinical';
import { orderFor, performRefill, planForOrder, reservoirAfterFill, type ConcentrationChange } from './refill';
import { appVersion } from './version';
import { compareProgram, visitCheck } from './refill-visit';
import { clearReview, reviewList } from './reviews';
import { sessionFramesOf } from './session-frames';
import type { FrameLog } from '../drivers/frame-log';

export interface HandlerContext {
  db: Db;
  audit: AuditLog;
  link: LinkManager;
  /** The frames the link exchanges, stored with each programming session (session_frames). */
  frames: FrameLog;
  keys: AuditKeyStore;
  now: () => Date;
  host: AppInfo['host'];
  databasePath: string;
}

/**
 * The services behind every channel, for one workstation: who is signed in (with the idle lock),
 * what each role may do, and the clinical workflows. Every handler that changes or reads patient
 * data needs a signed-in, unlocked user; the services check the role again.
 */
export function createHandlers(ctx: HandlerContext): {
  handlers: Handlers;
  session: WorkstationSession;
  gate: (channel: Channel) => AppError | undefined;
} {
  const { db, audit, link, now } = ctx;
  const session = new WorkstationSession(() => siteSettings(db).idleLockMinutes, now);
  const deps = { db, audit, now };

  /** The signed-in user for an active request, or why there is none. */
  const user = (operation?: Operation): Result<SignedInUser> => {
    const current = session.current();
    if (current === undefined) {
      return err(
        session.isLocked()
          ? appError('SESSION_LOCKED', 'the workstation is locked: sign in again to continue')
          : appError('SIGNED_OUT', 'sign in first'),
      );
    }
    return operation === undefined ? ok(current) : authorize(current, operation);
  };

  const modelOf = (status: PumpStatus): PumpModel => {
    const registered = findPumpBySerial(db, status.serial);
    return (registered === undefined ? undefined : findPumpModel(registered.modelId)) ?? defaultPumpModel();
  };
  const patientOf = (serial: string): PatientRow | undefined => {
    const registered = findPumpBySerial(db, serial);
    return registered === undefined ? undefined : findPatient(db, registered.patientId);
  };
  const timeZone = (): string => siteSettings(db).timeZone;
  const programmingDeps = (status: PumpStatus) => ({
    db,
    audit,
    link,
    frames: ctx.frames,
    now,
    library: activeLibrary(deps),
    model: modelOf(status),
    timeZone: timeZone(),
    marginDays: siteSettings(db).refillMarginDays,
  });
  const forecastDeps = () => ({
    db,
    now,
    library: activeLibrary(deps),
    timeZone: timeZone(),
    marginDays: siteSettings(db).refillMarginDays,
  });
  const contextOf = (status: PumpStatus) =>
    reviewContext({ db, now, timeZone: timeZone(), link }, activeLibrary(deps), modelOf(status), status.serial);

  /** The settings a dose change sends: the rate from the daily dose, rounded to the pump's step. */
  const settingsFor = (
    status: PumpStatus,
    change: {
      mode: 'stopped' | 'continuous' | 'flex';
      dailyDose: string;
      steps?: Array<{ start: string; dailyDose: string }> | undefined;
      patientBolus?: PumpSettings['patientBolus'];
    },
  ): Result<PumpSettings> => {
    const rateOf = (dailyDose: string, field: string): Result<RateQ> => {
      const r = rateForDose(
        {
          concentration: status.concentration,
          dailyDose: { value: dailyDose, unit: dailyDoseUnit(massOf(status.concentration.unit)) },
        },
        modelOf(status),
      );
      if (!r.ok) return r;
      if (dec(r.value.rate.value).isZero())
        return err(
          appError(
            'OUT_OF_RANGE',
            `${dailyDose} is below the smallest rate the pump can deliver at this concentration`,
            field,
          ),
        );
      return ok(r.value.rate);
    };
    const bolus = change.patientBolus === undefined ? {} : { patientBolus: change.patientBolus };
    const base = { drug: status.drug, concentration: status.concentration };
    // A stopped pump gives nothing, patient boluses included.
    if (change.mode === 'stopped') return ok({ ...base, mode: 'stopped', rate: { value: '0', unit: 'mL/day' } });
    if (change.mode === 'continuous') {
      const rate = rateOf(change.dailyDose, 'dailyDose');
      return rate.ok ? ok({ ...base, mode: 'continuous', rate: rate.value, ...bolus }) : rate;
    }
    const steps: Array<{ start: string; rate: RateQ }> = [];
    for (const [i, step] of (change.steps ?? []).entries()) {
      const rate = rateOf(step.dailyDose, `steps.${i}.dailyDose`);
      if (!rate.ok) return rate;
      steps.push({ start: step.start, rate: rate.value });
    }
    if (steps.length === 0) return err(appError('INVALID_INPUT', 'a flex program needs at least one step', 'steps'));
    return ok({ ...base, mode: 'flex', rate: steps[0]?.rate ?? { value: '0', unit: 'mL/day' }, steps, ...bolus });
  };

  /** The witness's sign-off when one was given (the service decides whether one is needed). */
  const optionalWitness = async (
    actor: SignedInUser,
    credentials: { username: string; password: string } | undefined,
  ): Promise<Result<SignedInUser | undefined>> =>
    credentials === undefined ? ok(undefined) : witnessSignOff(deps, actor, credentials);

  const handlers: Handlers = {
    // Polled by the UI: these never count as activity for the idle lock.
    // The desktop app answers this itself (it prints its own window); other hosts cannot.
    'report:pdf': () =>
      Promise.resolve(
        err(
          appError(
            'NOT_AVAILABLE',
            'a PDF is saved by the desktop app; in a browser, use Print and choose "Save as PDF"',
          ),
        ),
      ),
    'app:info': () => {
      const owed = bookkeepingProblem(audit);
      return Promise.resolve(
        ok({
          version: appVersion,
          host: ctx.host,
          link: link.info,
          databasePath: ctx.databasePath,
          ...(owed === undefined ? {} : { bookkeeping: owed }),
        }),
      );
    },
    'wand:status': () => Promise.resolve(ok(link.wandStatus())),
    'sessions:unconfirmed': () =>
      Promise.resolve(
        ok(
          allOpenSessions(db).map((s) => ({
            sessionId: s.sessionUuid,
            pumpSerial: s.pumpSerial,
            startedAt: s.startedAt,
            actor: s.actor,
            outcome: s.outcome === 'pending' ? ('pending' as const) : ('unconfirmed' as const),
          })),
        ),
      ),
    'sessions:resolve': async () => {
      const u = user('session.resolve');
      if (!u.ok) return u;
      return resolveUnconfirmed({ db, audit, link, now, library: activeLibrary(deps) }, u.value);
    },

    'auth:status': () => {
      const current = session.peek();
      const locked = session.lockedUser() ?? null;
      return Promise.resolve(
        ok({
          setupRequired: needsSetup(db),
          user: current ?? null,
          locked: locked !== null,
          lockedUser: locked,
          passwordChangeRequired: current !== undefined && passwordChangeRequired(db, current.username),
          idleLockMinutes: siteSettings(db).idleLockMinutes,
          language: siteSettings(db).language,
        }),
      );
    },
    'auth:setup': async (input) => {
      const created = await createFirstAdmin(deps, input);
      if (created.ok) session.start(created.value);
      return created;
    },
    'auth:signIn': async (input) => {
      const signed = await signIn(deps, input);
      if (!signed.ok) return signed;
      // Whoever signs in takes the workstation; a locked session of someone else ends here.
      const previous = session.lockedUser() ?? session.peek();
      if (previous !== undefined && previous.username !== signed.value.username) {
        audit.append({
          atUtc: now().toISOString(),
          actor: previous.username,
          role: previous.role,
          action: 'user.signOut',
          reason: `replaced by ${signed.value.username}`,
          outcome: 'confirmed',
        });
      }
      session.start(signed.value);
      return ok(signed.value);
    },
    'auth:signOut': () => {
      const current = session.peek() ?? session.lockedUser();
      if (current !== undefined)
        audit.append({
          atUtc: now().toISOString(),
          actor: current.username,
          role: current.role,
          action: 'user.signOut',
          outcome: 'confirmed',
        });
      session.end();
      return Promise.resolve(ok(null));
    },
    'auth:lock': () => {
      const current = session.peek();
      if (current !== undefined) {
        session.lock();
        audit.append({
          atUtc: now().toISOString(),
          actor: current.username,
          role: current.role,
          action: 'user.lock',
          outcome: 'confirmed',
        });
      }
      return Promise.resolve(ok(null));
    },
    'auth:changePassword': async (input) => {
      const u = user();
      if (!u.ok) return u;
      const changed = await changePassword(deps, {
        username: u.value.username,
        password: input.password,
        newPassword: input.newPassword,
      });
      if (!changed.ok && changed.error.code === 'ACCOUNT_LOCKED') {
        // Wrong current passwords locked the account: whoever is at this workstation is signed out too.
        audit.append({
          atUtc: now().toISOString(),
          actor: u.value.username,
          role: u.value.role,
          action: 'user.signOut',
          reason: 'account locked after wrong current passwords',
          outcome: 'confirmed',
        });
        session.end();
      }
      return changed;
    },

    'pump:interrogate': async () => {
      const u = user('pump.interrogate');
      if (!u.ok) return u;
      const read = await interrogate({ db, audit, link, now, actor: u.value.username, role: u.value.role });
      if (!read.ok) return read;
      // The dashboard's forecast: the same function as the refill's, over the whole program.
      const forecast = currentForecast(forecastDeps(), read.value.status, modelOf(read.value.status));
      return ok({ ...read.value, forecast: forecast.ok ? forecast.value : null });
    },
    'interrogations:list': (input) => {
      const u = user('patient.view');
      if (!u.ok) return Promise.resolve(u);
      return Promise.resolve(ok(recentInterrogations(db, input)));
    },
    'pump:setClock': async () => {
      const u = user();
      if (!u.ok) return u;
      return setPumpClock({ db, audit, link, now }, u.value);
    },
    'pump:events': async () => {
      const u = user('pump.interrogate');
      if (!u.ok) return u;
      return link.readEvents();
    },
    'pump:alarmTest': async () => {
      const u = user();
      if (!u.ok) return u;
      return runAlarmTest({ db, audit, link, now }, u.value);
    },

    'patients:search': (input) => {
      const u = user('patient.view');
      if (!u.ok) return Promise.resolve(u);
      return Promise.resolve(ok(searchPatients(db, input.query)));
    },
    'patients:create': (input) => {
      const u = user();
      if (!u.ok) return Promise.resolve(u);
      const r = createPatient(deps, u.value, input);
      return Promise.resolve(r.ok ? ok({ id: r.value }) : r);
    },
    'patients:get': (input) => {
      const u = user('patient.view');
      if (!u.ok) return Promise.resolve(u);
      const patient = findPatient(db, input.id);
      if (patient === undefined) return Promise.resolve(err(appError('INVALID_INPUT', 'no such patient', 'id')));
      const pumps = pumpsOfPatient(db, patient.id);
      const detail: PatientDetail = {
        patient,
        pumps: pumps.map((p) => ({
          ...p,
          refills: refillVisits(db, p.id).map((r) => ({ ...r, discrepancyFlag: r.discrepancyFlag === 1 })),
        })),
        pain: painHistory(db, patient.id),
        doses: pumps.flatMap((p) => doseHistory(db, p.serial).flatMap((d) => doseOf(d.newJson, d.atUtc, p.serial))),
        screening: screeningTrials(db, patient.id),
        prescriptions: prescriptionsOfPatient(deps, patient.id),
        ...systemicOpioidView({ db, now }, patient.id, timeZone()),
      };
      return Promise.resolve(ok(detail));
    },
    'pumps:stopped': () => {
      const u = user('patient.view');
      if (!u.ok) return Promise.resolve(u);
      return Promise.resolve(ok(stoppedPumpList(db).map((p) => ({ ...p, patient: patientOf(p.pumpSerial) ?? null }))));
    },
    'patients:forPump': (input) => {
      const u = user('patient.view');
      if (!u.ok) return Promise.resolve(u);
      return Promise.resolve(ok(patientOf(input.serial) ?? null));
    },
    'prescriptions:create': (input) => {
      const u = user('prescription.create');
      if (!u.ok) return Promise.resolve(u);
      const r = createPrescription(deps, u.value, input);
      return Promise.resolve(r.ok ? ok({ id: r.value }) : r);
    },
    'prescriptions:open': (input) => {
      const u = user('patient.view');
      if (!u.ok) return Promise.resolve(u);
      const registered = findPumpBySerial(db, input.serial);
      if (registered === undefined) return Promise.resolve(ok([]));
      return Promise.resolve(
        ok(
          prescriptionsOfPatient(deps, registered.patientId).filter(
            (p) => p.status === 'open' && (p.pumpId === null || p.pumpId === registered.id),
          ),
        ),
      );
    },
    'prescriptions:cancel': (input) => {
      const u = user('prescription.create');
      if (!u.ok) return Promise.resolve(u);
      return Promise.resolve(cancelPrescription(deps, u.value, input.id, input.reason));
    },
    'opioids:record': (input) => {
      const u = user('patient.edit');
      if (!u.ok) return Promise.resolve(u);
      const r = recordSystemicOpioid(deps, u.value, input.patientId, input.record);
      return Promise.resolve(r.ok ? ok({ id: r.value }) : r);
    },
    'opioids:stop': (input) => {
      const u = user('patient.edit');
      if (!u.ok) return Promise.resolve(u);
      return Promise.resolve(stopSystemicOpioid(deps, u.value, input));
    },
    'pain:record': (input) => {
      const u = user();
      if (!u.ok) return Promise.resolve(u);
      const r = recordPain(deps, u.value, {
        patientId: input.patientId,
        vas: input.vas,
        ...(input.note === undefined ? {} : { note: input.note }),
      });
      return Promise.resolve(r.ok ? ok({ id: r.value }) : r);
    },
    'screening:record': (input) => {
      const u = user();
      if (!u.ok) return Promise.resolve(u);
      const r = recordScreeningVisit(deps, u.value, input);
      return Promise.resolve(r.ok ? ok({ id: r.value }) : r);
    },
    'pumps:register': (input) => {
      const u = user();
      if (!u.ok) return Promise.resolve(u);
      const { catheterModelId, catheterLengthCm, ...rest } = input;
      const r = registerPump(deps, u.value, {
        ...rest,
        ...(catheterModelId === undefined ? {} : { catheterModelId }),
        ...(catheterLengthCm === undefined ? {} : { catheterLengthCm }),
      });
      return Promise.resolve(r.ok ? ok({ id: r.value }) : r);
    },

    'program:preview': async (input) => {
      const u = user('pump.program');
      if (!u.ok) return u;
      const read = await link.interrogate();
      if (!read.ok) return read;
      const status = read.value;
      const blocked = openSessions(db, status.serial)[0];
      if (blocked !== undefined)
        return err(
          appError(
            'PROGRAMMING_BLOCKED',
            `session ${blocked.sessionUuid} on pump ${status.serial} is ${blocked.outcome}: interrogate to resolve it first`,
          ),
        );
      const settings = settingsFor(status, input);
      if (!settings.ok) return settings;
      const patient = patientOf(status.serial) ?? null;
      const review = reviewProgram(activeLibrary(deps), modelOf(status), status, settings.value, contextOf(status));
      if (!review.ok) return review;
      const r = review.value;
      const s = settings.value;
      const preview: ProgramPreview = {
        pumpSerial: status.serial,
        patient,
        settings: {
          drug: s.drug,
          concentration: s.concentration,
          mode: s.mode,
          rate: s.rate,
          ...(s.steps === undefined ? {} : { steps: s.steps }),
          ...(s.patientBolus === undefined ? {} : { patientBolus: s.patientBolus }),
        },
        reviewed: reviewedOf(status),
        rows: r.rows.map((row) => ({
          field: row.field,
          changed: row.changed,
          ...(row.old === undefined ? {} : { old: row.old }),
          ...(row.new === undefined ? {} : { new: row.new }),
          ...(row.percentChange === undefined ? {} : { percentChange: row.percentChange }),
        })),
        oldDailyDose: r.oldDailyDose,
        newDailyDose: r.newDailyDose,
        totals: {
          old24h: r.oldDailyDose,
          new24h: r.newDailyDose,
          oldPeakHourly: r.oldPeakHourly,
          newPeakHourly: r.newPeakHourly,
        },
        check: r.check,
        witnessRequired: r.increase,
        // The pump's drug (the first component), step by step, from the therapy model.
        schedule: { old: r.schedule.old.map(stepOf), new: r.schedule.new.map(stepOf) },
        ...(status.bridge === undefined ? {} : { bridgeRunning: status.bridge.remaining }),
      };
      return ok(preview);
    },
    'program:apply': async (input) => {
      const u = user('pump.program');
      if (!u.ok) return u;
      const signed = await optionalWitness(u.value, input.witness);
      if (!signed.ok) return signed;
      const witness = signed.value;
      const read = await link.interrogate();
      if (!read.ok) return read;
      const patient = patientOf(read.value.serial);
      const r = await programPump(programmingDeps(read.value), {
        actor: u.value,
        witness,
        patientId: patient?.identifier,
        settings: input.settings,
        acknowledgement: input.acknowledgement,
        reviewed: input.reviewed,
      });
      if (!r.ok) return r;
      const report = {
        programmedAt: now().toISOString(),
        pumpModel: modelOf(read.value).name,
        programmedBy: u.value.displayName,
        witness: witness?.displayName ?? null,
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
      const u = user('pump.program');
      if (!u.ok) return u;
      const read = await link.interrogate();
      if (!read.ok) return read;
      const r = reviewBolus(programmingDeps(read.value), read.value, input);
      return r.ok ? ok({ ...r.value, patient: patientOf(read.value.serial) ?? null }) : r;
    },
    'bolus:deliver': async (input) => {
      const u = user('pump.program');
      if (!u.ok) return u;
      const signed = await optionalWitness(u.value, input.witness);
      if (!signed.ok) return signed;
      const witness = signed.value;
      const read = await link.interrogate();
      if (!read.ok) return read;
      const patient = patientOf(read.value.serial);
      const r = await deliverBolus(programmingDeps(read.value), {
        actor: u.value,
        witness,
        patientId: patient?.identifier,
        bolus: input.request,
        reviewed: input.reviewed,
        acknowledgement: input.acknowledgement,
      });
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

    'refill:preview': async (input) => {
      const u = user('refill.record');
      if (!u.ok) return u;
      const read = await link.interrogate();
      if (!read.ok) return read;
      const status = read.value;
      const capacity = dec(status.reservoirCapacity.value);
      const { discrepancy, flag } = refillDiscrepancy(
        capacity,
        dec(status.reservoirVolume.value),
        dec(input.withdrawnMl),
      );
      let concentrationChange = null;
      const registered = findPumpBySerial(db, status.serial);
      let plan: Result<ConcentrationChange | undefined> = ok(undefined);
      if (input.prescriptionId !== undefined) {
        if (registered === undefined)
          return err(appError('INVALID_INPUT', `pump ${status.serial} is not registered to a patient`, 'pump'));
        const order = orderFor(deps, input.prescriptionId, registered);
        if (!order.ok) return order;
        const wanted = order.value.components[0];
        if (wanted !== undefined) plan = planForOrder(status, registered, wanted, modelOf(status), input.patientBolus);
      }
      if (!plan.ok) return plan;
      if (plan.value !== undefined) {
        const p = plan.value;
        const review = reviewProgram(activeLibrary(deps), modelOf(status), status, p.settings, contextOf(status), {
          bridged: true,
        });
        if (!review.ok) return review;
        concentrationChange = { ...changeOf(p), check: review.value.check };
      }
      let forecast = null;
      if (input.instilledMl !== undefined) {
        // The same rules and the same forecast as the refill itself.
        // The acknowledgement of an emptied reservoir with less out than counted is asked for at the Finish screen.
        const fill = reservoirAfterFill(status, {
          withdrawnMl: input.withdrawnMl,
          instilledMl: input.instilledMl,
          reservoirEmptied: input.reservoirEmptied,
          acknowledged: true,
        });
        if (!fill.ok) return fill;
        const f = refillForecastFor(forecastDeps(), status, modelOf(status), {
          instilledMl: fill.value,
          settings: plan.value?.settings ?? settingsOfStatus(status),
          beyondUseDate: input.beyondUseDate,
        });
        if (!f.ok) return f;
        forecast = f.value;
      }
      return ok({
        pumpSerial: status.serial,
        patient: patientOf(status.serial) ?? null,
        expectedResidualMl: status.reservoirVolume.value,
        discrepancyMl: str(discrepancy),
        discrepancyFlag: flag,
        thresholdMl: str(discrepancyThreshold(capacity)),
        capacityMl: status.reservoirCapacity.value,
        forecast,
        concentrationChange,
      });
    },
    'refill:perform': async (input) => {
      const u = user('refill.record');
      if (!u.ok) return u;
      const w = await witnessSignOff(deps, u.value, input.witness);
      if (!w.ok) return w;
      const read = await link.interrogate();
      if (!read.ok) return read;
      const { barcode, ...syringe } = input.syringe;
      const r = await performRefill(programmingDeps(read.value), {
        nurse: u.value,
        prescriptionId: input.prescriptionId,
        ...(input.rinse === undefined ? {} : { rinse: input.rinse }),
        witness: w.value,
        syringe: { ...syringe, ...(barcode === undefined || barcode === '' ? {} : { barcode }) },
        withdrawnMl: input.withdrawnMl,
        reservoirEmptied: input.reservoirEmptied,
        instilledMl: input.instilledMl,
        ...(input.waste === undefined ? {} : { waste: input.waste }),
        acknowledgement: input.acknowledgement,
        discrepancyAcknowledgement: input.discrepancyAcknowledgement,
        refillOnly: input.refillOnly,
        patientBolus: input.patientBolus,
      });
      if (!r.ok) return r;
      const v = r.value;
      return ok({
        refillId: v.refillId,
        outcome: v.outcome,
        discrepancyMl: v.discrepancyMl,
        discrepancyFlag: v.discrepancyFlag,
        patient: patientOf(v.pump.serial) ?? null,
        pumpSerial: v.pump.serial,
        drug: v.change?.settings.drug ?? v.pump.drug,
        concentration: v.change?.settings.concentration ?? v.pump.concentration,
        dailyDose: v.change?.dailyDose ?? v.pump.dailyDose,
        rate: v.change?.settings.rate ?? v.pump.rate,
        concentrationChange: v.change === undefined ? null : changeOf(v.change),
        newReservoirMl: v.newReservoirMl,
        nurse: u.value.displayName,
        witness: w.value.displayName,
        performedAt: v.performedAt,
        pumpModel: modelOf(v.pump).name,
        withdrawnMl: input.withdrawnMl,
        instilledMl: input.instilledMl,
        syringe: { lot: input.syringe.lot, expiry: input.syringe.expiry },
        forecast: v.forecast,
        program: v.readBack === undefined ? null : compareProgram(v.pump, v.readBack),
        reviewId: v.reviewId ?? null,
      });
    },
    'refill:visitCheck': async (input) => {
      const u = user('refill.record');
      if (!u.ok) return u;
      const read = await link.interrogate();
      if (!read.ok) return read;
      const checked = visitCheck({ db }, read.value, input.prescriptionId);
      if (!checked.ok) return checked;
      return ok({ ...checked.value, pumpSerial: read.value.serial, patient: patientOf(read.value.serial) ?? null });
    },
    'reviews:list': () => {
      const u = user('patient.view');
      if (!u.ok) return Promise.resolve(u);
      return Promise.resolve(reviewList({ db }, u.value));
    },
    'reviews:clear': (input) => {
      const u = user('review.clear');
      if (!u.ok) return Promise.resolve(u);
      return Promise.resolve(clearReview({ db, audit, now }, u.value, input));
    },

    'audit:list': (input) => {
      const u = user('audit.view');
      if (!u.ok) return Promise.resolve(u);
      const page = listAudit(db, input.filter, input.offset, input.limit);
      return Promise.resolve(ok({ total: page.total, rows: page.rows.map(auditRowView) }));
    },
    'audit:record': (input) => {
      const u = user('audit.view');
      if (!u.ok) return Promise.resolve(u);
      const row = auditRecord(db, input.seq);
      return Promise.resolve(
        row === undefined
          ? err(
              namedError(
                'INVALID_INPUT',
                'noSuchAuditRecord',
                { seq: String(input.seq) },
                `there is no audit record #${input.seq}`,
                'seq',
              ),
            )
          : ok(auditRecordView(row)),
      );
    },
    'audit:frames': (input) => {
      const u = user('audit.view');
      return Promise.resolve(u.ok ? ok(sessionFramesOf(db, input.seq)) : u);
    },
    'audit:verify': () => {
      const u = user('audit.view');
      if (!u.ok) return Promise.resolve(u);
      const report = verifyAudit(db, ctx.keys);
      return Promise.resolve(
        ok({
          ok: report.ok,
          status: report.status,
          ...(report.unverifiableReason === undefined ? {} : { unverifiableReason: report.unverifiableReason }),
          records: report.records,
          ...(report.firstFailure === undefined ? {} : { firstFailure: report.firstFailure }),
          checkpoints: report.checkpoints,
          unprotectedTail: report.unprotectedTail,
        }),
      );
    },

    'audit:export': (input) => {
      const u = user('audit.export');
      if (!u.ok) return Promise.resolve(u);
      // Recorded before the file is made, so the export is part of what it exports.
      audit.append({
        atUtc: now().toISOString(),
        actor: u.value.username,
        role: u.value.role,
        action: 'audit.export',
        new: { format: input.format, host: ctx.host },
        outcome: 'confirmed',
      });
      const content =
        input.format === 'csv'
          ? [...exportCsv(db)].join('')
          : input.format === 'json'
            ? exportJson(db)
            : exportFhir(db);
      const stamp = now().toISOString().slice(0, 10);
      const ext = input.format === 'csv' ? 'csv' : 'json';
      return Promise.resolve(
        ok({
          fileName: `audit-${stamp}${input.format === 'fhir' ? '-fhir' : ''}.${ext}`,
          mediaType:
            input.format === 'csv'
              ? 'text/csv'
              : input.format === 'fhir'
                ? 'application/fhir+json'
                : 'application/json',
          content,
        }),
      );
    },
    'users:list': () => {
      const u = user('users.manage');
      if (!u.ok) return Promise.resolve(u);
      return Promise.resolve(
        ok(
          listUsers(db).map((r) => ({
            id: r.id,
            username: r.username,
            displayName: r.displayName,
            role: r.role,
            disabled: r.disabled === 1,
          })),
        ),
      );
    },
    'users:create': async (input) => {
      const u = user();
      if (!u.ok) return u;
      return createUser(deps, u.value, input);
    },
    'users:setDisabled': (input) => {
      const u = user('users.manage');
      if (!u.ok) return Promise.resolve(u);
      return Promise.resolve(setAccountDisabled(deps, u.value, input.username, input.disabled));
    },
    'users:resetPassword': async (input) => {
      const u = user('users.manage');
      if (!u.ok) return u;
      return resetPassword(deps, u.value, input.username, input.password);
    },
    'settings:get': () => {
      const u = user();
      if (!u.ok) return Promise.resolve(u);
      return Promise.resolve(ok(siteSettings(db)));
    },
    'settings:update': (input) => {
      const u = user();
      if (!u.ok) return Promise.resolve(u);
      const change = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
      return Promise.resolve(updateSettings(deps, u.value, change));
    },
    'library:get': () => {
      const u = user('patient.view');
      if (!u.ok) return Promise.resolve(u);
      const library = activeLibrary(deps);
      return Promise.resolve(ok({ library, hash: libraryHash(library) }));
    },
    'library:save': (input) => {
      const u = user();
      if (!u.ok) return Promise.resolve(u);
      return Promise.resolve(saveLibrary(deps, u.value, input.library));
    },
    'library:confirm': (input) => {
      const u = user();
      if (!u.ok) return Promise.resolve(u);
      return Promise.resolve(confirmLibrary(deps, u.value, input.version));
    },
  };

  // A password set by an administrator is changed before anything else (docs/security.md).
  const mustChange = () => {
    const current = session.peek();
    return current !== undefined && passwordChangeRequired(db, current.username);
  };
  return { handlers: enforcePasswordChange(handlers, mustChange), session, gate: passwordChangeGate(mustChange) };
}

/** A planned change of drug or concentration as the API shows it. */
const changeOf = (c: ConcentrationChange) => ({
  previousDrug: c.previousDrug ?? null,
  newDrug: c.settings.drug,
  newDailyDose: c.dailyDose,
  newConcentration: c.settings.concentration,
  oldRate: c.oldRate,
  newRate: c.newRate,
  deadVolume: c.deadVolume,
  bridgeVolume: { value: c.bridge.volumeMl, unit: 'mL' as const },
  bridgeMinutes: c.bridge.durationMinutes,
  patientBolus:
    c.patientBolus === undefined
      ? null
      : {
          old: c.patientBolus.old,
          sameDose: c.patientBolus.sameDose ?? null,
          decision: c.patientBolus.decision ?? null,
        },
});

const doseOf = (json: string, at: string, pumpSerial: string): PatientDetail['doses'] => {
  const value = JSON.parse(json) as { dailyDose?: { value?: unknown; unit?: unknown } };
  const d = value.dailyDose;
  return typeof d?.value === 'string' && typeof d.unit === 'string'
    ? [{ at, pumpSerial, dailyDose: d.value, unit: d.unit }]
    : [];
};
