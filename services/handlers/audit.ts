import { err, namedError, ok } from '../../core/result';
import { verifyAudit } from '../../db/audit/verify';
import { auditRecord, listAudit } from '../../db/queries/audit';
import { exportAudit } from '../audit-export';
import { auditRecordView, auditRowView, auditVerifyView } from '../audit-view';
import { sessionFramesOf } from '../session-frames';
import type { AreaContext } from './context';
import type { GatedHandlers } from './gates';

/** The audit viewer: the records, one record with its session's wand frames, verification, export. */
export const auditHandlers = ({ db, deps, keys, host }: AreaContext) =>
  ({
    'audit:list': (input) => {
      const page = listAudit(db, input.filter, input.offset, input.limit);
      return ok({ total: page.total, rows: page.rows.map(auditRowView) });
    },
    'audit:record': (input) => {
      const row = auditRecord(db, input.seq);
      return row === undefined
        ? err(
            namedError(
              'INVALID_INPUT',
              'noSuchAuditRecord',
              { seq: String(input.seq) },
              `there is no audit record #${input.seq}`,
              'seq',
            ),
          )
        : ok(auditRecordView(row));
    },
    'audit:frames': (input) => ok(sessionFramesOf(db, input.seq)),
    'audit:verify': () => ok(auditVerifyView(verifyAudit(db, keys))),
    'audit:export': (input, actor) => ok(exportAudit(deps, actor, input.format, host)),
  }) satisfies Partial<GatedHandlers>;
