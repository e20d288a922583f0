import * as z from 'zod';
import type { ServerMessageKey } from './message-table';

/**
 * Error codes that cross every host boundary (IPC, HTTP, CLI). The renderer translates them;
 * hosts never send raw exception text as the only explanation.
 */
export const errorCodes = [
  'INVALID_INPUT',
  /** A well-formed value outside what is physically or clinically allowed (e.g. fill above capacity). */
  'OUT_OF_RANGE',
  'PAYLOAD_TOO_LARGE',
  'UNKNOWN_CHANNEL',
  'UNAUTHORIZED',
  /** Nobody is signed in on this workstation. */
  'SIGNED_OUT',
  /** The workstation is locked (idle or by hand): the same user unlocks, or someone signs in anew. */
  'SESSION_LOCKED',
  /** Wrong user name or password (never says which). */
  'WRONG_CREDENTIALS',
  'ACCOUNT_LOCKED',
  /** The password was set by an administrator (or must be changed): nothing else until the user chooses their own. */
  'PASSWORD_CHANGE_REQUIRED',
  /** The signed-in role may not do this. */
  'FORBIDDEN',
  /** The first administrator has not been created yet. */
  'SETUP_REQUIRED',
  'CONFLICT',
  /** The drug library's hard limit: the change cannot proceed. */
  'HARD_LIMIT',
  /** A soft limit was reached: the change needs an acknowledgement with a reason. */
  'ACKNOWLEDGEMENT_REQUIRED',
  /** A refill's flagged discrepancy: what was checked and the patient's state are recorded before it completes. */
  'DISCREPANCY_UNACKNOWLEDGED',
  /** This change needs a second clinician's sign-off. */
  'WITNESS_REQUIRED',
  /** Someone other than the author must do this (a library version is confirmed by a second pharmacist). */
  'SECOND_PERSON_REQUIRED',
  /** An earlier programming outcome on this pump is unconfirmed: re-interrogate to resolve it first. */
  'PROGRAMMING_BLOCKED',
  'FORBIDDEN_ORIGIN',
  /** This host cannot do it (a PDF is saved by the desktop app; a browser prints). */
  'NOT_AVAILABLE',
  'WAND_NOT_FOUND',
  'PUMP_NOT_FOUND',
  'COMMUNICATION_FAILED',
  'STORAGE_FAILED',
  'INTERNAL',
] as const;

export const ErrorCodeSchema = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const AppErrorSchema = z.object({
  code: ErrorCodeSchema,
  /** English text for logs, the CLI and support staff; the UI shows its own translation. */
  message: z.string(),
  /** Where the problem is, e.g. the input field path `concentration.value`. */
  field: z.string().optional(),
  /** The message's name, for the UI to say it in the user's language with `params` (the English `message` is its fallback). */
  key: z.string().optional(),
  params: z.record(z.string(), z.string()).optional(),
});
export type AppError = z.infer<typeof AppErrorSchema>;

export type Result<T, E = AppError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E = AppError>(error: E): Result<never, E> => ({ ok: false, error });

export const appError = (code: ErrorCode, message: string, field?: string): AppError =>
  field === undefined ? { code, message } : { code, message, field };

/**
 * The name of a message: a key of the services' table (core/message-table.ts, under `serverMessage` in
 * the UI), or a key with a dot naming a table of its own (`finding.CODE`, `auth.policy.CODE`).
 */
export type MessageKey = ServerMessageKey | `${string}.${string}`;

/** An error the UI says in the user's language: `key` names the message, `params` fill it; `message` is the English text. */
export const namedError = (
  code: ErrorCode,
  key: MessageKey,
  params: Record<string, string>,
  message: string,
  field?: string,
): AppError => ({ ...appError(code, message, field), key, params });

/** Builds the wire schema of a result carrying `value`. */
export const resultSchema = <T extends z.ZodType>(value: T) =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: AppErrorSchema }),
  ]);

/**
 * Turns a zod failure into one INVALID_INPUT error naming the first offending field: its English
 * `message` keeps zod's words for logs and the CLI; `key` and `params` let the UI say it in the
 * user's language, naming the field (`params.field`, the property a person would recognise).
 */
export const fromZodError = (error: z.ZodError): AppError => {
  const first = error.issues[0];
  const field = first && first.path.length > 0 ? first.path.join('.') : undefined;
  const message = first ? `${field ?? 'input'}: ${first.message}` : 'invalid input';
  const named = first === undefined ? { key: 'inputInvalid' as const, params: { field: 'input' } } : namedIssue(first);
  return { ...appError('INVALID_INPUT', message, field), ...named };
};

/** The property a person would recognise: the last name in the path that is not an index or `value`. */
const fieldLabel = (path: readonly PropertyKey[]): string => {
  for (let i = path.length - 1; i >= 0; i--) {
    const segment = path[i];
    if (typeof segment === 'string' && segment !== 'value' && !/^\d+$/.test(segment)) return segment;
  }
  return 'input';
};

function namedIssue(issue: z.core.$ZodIssue): { key: MessageKey; params: Record<string, string> } {
  const field = fieldLabel(issue.path);
  switch (issue.code) {
    case 'invalid_type':
      return /received undefined$/.test(issue.message)
        ? { key: 'inputRequired', params: { field } }
        : { key: 'inputInvalid', params: { field } };
    case 'too_big': {
      const limit = String(issue.maximum);
      return issue.origin === 'string'
        ? { key: 'inputTooLong', params: { field, limit } }
        : { key: 'inputTooLarge', params: { field, limit } };
    }
    case 'too_small': {
      const limit = String(issue.minimum);
      if (issue.origin === 'string')
        return limit === '1'
          ? { key: 'inputRequired', params: { field } }
          : { key: 'inputTooShort', params: { field, limit } };
      return { key: 'inputTooSmall', params: { field, limit } };
    }
    case 'invalid_value':
      return { key: 'inputNotAllowed', params: { field } };
    case 'unrecognized_keys':
      return { key: 'inputUnexpected', params: { field: issue.keys[0] ?? field } };
    case 'custom':
    case 'invalid_element':
    case 'invalid_format':
    case 'invalid_key':
    case 'invalid_union':
    case 'not_multiple_of':
      return { key: 'inputInvalid', params: { field } };
  }
}
