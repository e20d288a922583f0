import type { AuditRecordView, AuditRowView } from '../core/api/audit-schemas';
import type { ApiOutput } from '../core/api/contract';
import type { AuditListRow } from '../db/queries/audit';
import type { AuditVerifyReport } from '../db/audit/verify';

type Json = Record<string, unknown>;

/**
 * The fields a reader looks for, in the order shown. A record carries values as quantities
 * (`{ value, unit }`), as volumes in mL (`…Ml`) or as plain words; anything else stays in the details.
 */
const shown = [
  'drug',
  'concentration',
  'dailyDose',
  'mode',
  'rate',
  'steps',
  'patientBolus',
  'reservoirVolume',
  'withdrawnMl',
  'instilledMl',
  'discrepancyMl',
  'newReservoirMl',
  'orderedFillMl',
  'fillVolumeMl',
  'rinseMl',
  'lot',
  'newDrug',
  'newConcentration',
  'newDailyDose',
  'status',
  'stopDate',
  'vas',
  'username',
  'role',
  'disabled',
  'format',
] as const;
/** Shown even when unchanged: the dose is what a reader checks first. */
const always = new Set<string>(['dailyDose']);

const parse = (text: string | null): Json => {
  if (text === null) return {};
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
  } catch {
    return {};
  }
};

const isQuantity = (v: unknown): v is { value: string; unit: string } =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Json)['value'] === 'string' &&
  typeof (v as Json)['unit'] === 'string';

/** A value as text with its unit; undefined for what is not a plain value. */
function text(field: string, v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (isQuantity(v)) return `${v.value} ${v.unit}`;
  if (typeof v === 'string') return field.endsWith('Ml') ? `${v} mL` : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (field === 'steps' && Array.isArray(v)) {
    return v
      .map((s: unknown) =>
        typeof s === 'object' && s !== null
          ? `${String((s as Json)['start'])} ${text('rate', (s as Json)['rate'] ?? (s as Json)['dailyDose']) ?? ''}`
          : '',
      )
      .join('; ');
  }
  if (field === 'patientBolus' && typeof v === 'object') {
    const b = v as Json;
    return `${String(b['volumeMl'])} mL / ${String(b['durationMinutes'])} min, ${String(b['lockoutMinutes'])} min, ${String(b['maxPerDay'])}/day`;
  }
  return undefined;
}

/** An order's drugs are its components: each shown as drug, concentration and dose. */
const flatten = (j: Json): Json => {
  const components = j['components'];
  if (!Array.isArray(components) || components.length === 0) return j;
  const first = components[0] as Json;
  return { ...j, drug: first['drug'], concentration: first['concentration'], dailyDose: first['dailyDose'] };
};

/** What changed in a record, old → new, in the reader's order. */
export function auditChanges(oldJson: string | null, newJson: string | null): AuditRowView['changes'] {
  const before = flatten(parse(oldJson));
  const after = flatten(parse(newJson));
  const changes: AuditRowView['changes'] = [];
  for (const field of shown) {
    const o = text(field, before[field]) ?? null;
    const n = text(field, after[field]) ?? null;
    if (o === null && n === null) continue;
    if (o === n && !always.has(field)) continue;
    changes.push({ field, old: o, new: n });
  }
  return changes;
}

/** One record for the viewer: who, to whom, what changed. */
export const auditRowView = (row: AuditListRow): AuditRowView => ({
  seq: row.seq,
  atUtc: row.atUtc,
  actor: row.actor,
  role: row.role,
  witness: row.witness,
  patientId: row.patientId,
  pumpSerial: row.pumpSerial,
  action: row.action,
  outcome: row.outcome,
  reason: row.reason,
  patientName: row.patientName,
  actorName: row.actorName,
  witnessName: row.witnessName,
  changes: auditChanges(row.oldJson, row.newJson),
});

/** One record in full, for its details. */
export const auditRecordView = (
  row: AuditListRow & { pumpTime: string | null; libraryVersion: string | null },
): AuditRecordView => ({
  ...auditRowView(row),
  pumpTime: row.pumpTime,
  libraryVersion: row.libraryVersion,
  oldJson: row.oldJson,
  newJson: row.newJson,
});

/** The verification of the whole trail as the audit viewer shows it. */
export const auditVerifyView = (report: AuditVerifyReport): ApiOutput<'audit:verify'> => ({
  ok: report.ok,
  status: report.status,
  ...(report.unverifiableReason === undefined ? {} : { unverifiableReason: report.unverifiableReason }),
  records: report.records,
  ...(report.firstFailure === undefined ? {} : { firstFailure: report.firstFailure }),
  checkpoints: report.checkpoints,
  unprotectedTail: report.unprotectedTail,
});
