import { clinicDate } from '../core/clock';
import type { DrugLibrary } from '../core/library/schema';
import type { PatientContext } from '../core/library/facts';
import { defaultPumpModel, findPumpModel, type PumpModel } from '../core/models';
import {
  opioidDrugs,
  opioidTolerance,
  type SystemicOpioidInput,
  type SystemicOpioidKind,
  systemicOpioids,
} from '../core/opioids';
import { summarizeProgram } from '../core/program';
import type { Drug, LinkKind, ProgramWrite, PumpStatus } from '../core/pump';
import type { DailyDoseQ } from '../core/units';
import type { Db } from '../db/connection';
import {
  findPatient,
  findPumpBySerial,
  systemicOpioidsOf,
  type PatientRow,
  type SystemicOpioidRow,
} from '../db/queries/records';
import {
  confirmedPrograms,
  firstConfirmedProgram,
  lastConfirmedProgramBefore,
  stoppedPumps,
} from '../db/queries/sessions';
import { listInterrogations } from '../db/queries/interrogations';
import { programOfSettings, programOfStatus, type DoseHistory, type ReviewContext } from './program-review';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Intrathecal opioid tolerance looks back a week; the library's windows may look further. */
const MIN_HISTORY_HOURS = 8 * 24;

export interface SafetyContextDeps {
  db: Db;
  now: () => Date;
  timeZone: string;
  /** What the app talks to: anything but the training simulator is a patient's pump. */
  link?: { readonly kind: LinkKind } | undefined;
}

/** The systemic record as the core's tolerance rule reads it (rows of unknown kinds are skipped). */
export const systemicRecordsOf = (rows: readonly SystemicOpioidRow[]): SystemicOpioidInput[] =>
  rows.flatMap((r) => {
    const kind = `${r.drug}/${r.route}`;
    return kind in systemicOpioids
      ? [
          {
            kind: kind as SystemicOpioidKind,
            dose: r.doseValue,
            startDate: r.startDate,
            ...(r.stopDate === null ? {} : { stopDate: r.stopDate }),
          },
        ]
      : [];
  });

/**
 * The confirmed programs of a pump as per-drug daily doses, from the last one in force before the
 * look-back opened to now, each through the one therapy model.
 */
export function doseHistory(db: Db, serial: string, model: PumpModel, since: Date): DoseHistory {
  const rows = [
    ...lastConfirmedProgramBefore(db, serial, since.toISOString()),
    ...confirmedPrograms(db, serial, since.toISOString()),
  ];
  const programs = rows.flatMap((row) => {
    const write = JSON.parse(row.intentJson) as ProgramWrite;
    const summary = summarizeProgram(programOfSettings(write.settings), { model });
    // A program the model cannot read (a newer version's) says nothing about doses: skipped.
    if (!summary.ok) return [];
    const stopped = summary.value.mode === 'stopped';
    return summary.value.components.map((c) => ({
      at: row.startedAt,
      drug: c.drug,
      dailyDose: stopped ? { ...c.dailyDose, value: '0' } : c.dailyDose,
      ...(c.bolusDose === undefined
        ? {}
        : {
            maxDailyDoseWithBoluses: stopped ? { ...c.maxDailyDoseWithBoluses, value: '0' } : c.maxDailyDoseWithBoluses,
          }),
    }));
  });
  return [...beforeFirstProgram(db, serial), ...programs];
}

/**
 * What the pump ran before this database first programmed it (read at that first session), as in
 * force since long before any window: a pump that came with its therapy is not taken to have
 * started from nothing at its first change here.
 */
function beforeFirstProgram(db: Db, serial: string): DoseHistory {
  const first = firstConfirmedProgram(db, serial);
  if (first?.oldJson == null) return [];
  const old = JSON.parse(first.oldJson) as { drug?: Drug; mode?: string; dailyDose?: DailyDoseQ };
  if (old.drug === undefined || old.dailyDose === undefined) return [];
  return [
    {
      at: BEFORE_RECORDS,
      drug: old.drug,
      dailyDose: old.mode === 'stopped' ? { ...old.dailyDose, value: '0' } : old.dailyDose,
    },
  ];
}
const BEFORE_RECORDS = '1970-01-01T00:00:00.000Z';

/** What the pump ran at its last interrogation, as per-drug daily doses. */
function lastReading(db: Db, serial: string, model: PumpModel): { at: string; doses: DoseHistory } | undefined {
  const row = listInterrogations(db, { limit: 1, serial })[0];
  if (row === undefined) return undefined;
  const summary = summarizeProgram(programOfStatus(JSON.parse(row.statusJson) as PumpStatus), { model });
  if (!summary.ok) return undefined;
  const stopped = summary.value.mode === 'stopped';
  return {
    at: row.recordedAt,
    doses: summary.value.components.map((c) => ({
      at: row.recordedAt,
      drug: c.drug,
      dailyDose: stopped ? { ...c.dailyDose, value: '0' } : c.dailyDose,
    })),
  };
}

/** Days the pump has infused an opioid without a break up to now (0 when it runs none). */
export function intrathecalOpioidDays(history: DoseHistory, now: Date): number {
  const byTime = new Map<string, boolean>();
  // What a pump ran before its first program here has no known start: it proves nothing about duration.
  for (const h of history)
    if (h.at !== BEFORE_RECORDS)
      byTime.set(h.at, (byTime.get(h.at) ?? false) || (opioidDrugs.includes(h.drug) && h.dailyDose.value !== '0'));
  const times = [...byTime.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  let start: string | undefined;
  for (let i = times.length - 1; i >= 0; i--) {
    const entry = times[i];
    if (entry === undefined || !entry[1]) break;
    start = entry[0];
  }
  return start === undefined ? 0 : Math.floor((now.getTime() - Date.parse(start)) / DAY_MS);
}

/** The patient as the safety rules see them: indication, spasticity origin, opioid tolerance. */
export function patientContext(
  db: Db,
  patient: PatientRow | undefined,
  history: DoseHistory,
  now: Date,
  timeZone: string,
): PatientContext {
  if (patient === undefined) return {};
  const records = systemicRecordsOf(systemicOpioidsOf(db, patient.id));
  return {
    indication: patient.indication ?? undefined,
    spasticityOrigin: patient.spasticityOrigin ?? undefined,
    tolerance: opioidTolerance(records, clinicDate(now, timeZone), intrathecalOpioidDays(history, now)),
  };
}

/**
 * Everything the safety check needs besides the two programs, read from the database for the
 * pump being programmed: the patient it is registered to and its programming history over the
 * longest window of the drug library.
 */
export function reviewContext(
  deps: SafetyContextDeps,
  library: DrugLibrary,
  model: PumpModel,
  serial: string,
): ReviewContext {
  const now = deps.now();
  const hours = Math.max(MIN_HISTORY_HOURS, ...library.entries.map((e) => e.window?.hours ?? 0));
  const history = doseHistory(deps.db, serial, model, new Date(now.getTime() - hours * HOUR_MS));
  const registered = findPumpBySerial(deps.db, serial);
  const patient = registered === undefined ? undefined : findPatient(deps.db, registered.patientId);
  return {
    patient: patientContext(deps.db, patient, history, now, deps.timeZone),
    history,
    now: now.toISOString(),
    clinicalUse: deps.link !== undefined && deps.link.kind !== 'simulator',
  };
}

/**
 * What an order is checked against: the patient, and for each drug the daily dose the patient's
 * pump runs now (its last confirmed program) with that pump's history. With no pump named, the
 * patient's pump programmed most recently.
 */
export function orderContext(
  deps: SafetyContextDeps,
  library: DrugLibrary,
  patient: PatientRow,
  pumps: ReadonlyArray<{ id: number; serial: string; modelId: string }>,
  pumpId: number | undefined,
): { patient: PatientContext; history: DoseHistory; running: DoseHistory; now: string } {
  const now = deps.now();
  const hours = Math.max(MIN_HISTORY_HOURS, ...library.entries.map((e) => e.window?.hours ?? 0));
  const since = new Date(now.getTime() - hours * HOUR_MS);
  const candidates = pumps
    .filter((p) => pumpId === undefined || p.id === pumpId)
    .map((p) => {
      const model = findPumpModel(p.modelId) ?? defaultPumpModel();
      const history = doseHistory(deps.db, p.serial, model, since);
      const read = lastReading(deps.db, p.serial, model);
      // The pump's own report when it is newer than the last program this database confirmed.
      const lastAt = history.at(-1)?.at;
      const running =
        read !== undefined && (lastAt === undefined || read.at >= lastAt)
          ? read.doses
          : history.filter((h) => h.at === lastAt);
      return { history, running, at: [lastAt ?? '', read?.at ?? ''].sort().at(-1) ?? '' };
    })
    .sort((a, b) => (a.at < b.at ? 1 : -1));
  const history = candidates[0]?.history ?? [];
  const running = (candidates[0]?.running ?? []).filter((h) => h.dailyDose.value !== '0');
  return {
    patient: patientContext(deps.db, patient, history, now, deps.timeZone),
    history,
    running,
    now: now.toISOString(),
  };
}

/** The pumps whose last confirmed program stopped them, with who stopped them, when and why. */
export function stoppedPumpList(
  db: Db,
): Array<{ pumpSerial: string; stoppedAt: string; stoppedBy: string; drug: string; reason: string | null }> {
  return stoppedPumps(db).map((row) => {
    const write = JSON.parse(row.intentJson) as ProgramWrite;
    return {
      pumpSerial: row.pumpSerial,
      stoppedAt: row.stoppedAt,
      stoppedBy: row.actor,
      drug: write.settings.drug,
      reason: row.reason,
    };
  });
}
