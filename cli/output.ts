import type { AppError, ErrorCode } from '../core/result';

/** Exit codes promised in docs/cli.md. */
export const EXIT = { ok: 0, usage: 1, invalid: 2, communication: 3, integrity: 4, unverifiable: 5 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class UsageError extends Error {}

export const exitCodeFor = (code: ErrorCode): ExitCode => {
  switch (code) {
    case 'WAND_NOT_FOUND':
    case 'PUMP_NOT_FOUND':
    case 'COMMUNICATION_FAILED':
      return EXIT.communication;
    case 'INVALID_INPUT':
    case 'OUT_OF_RANGE':
    case 'PAYLOAD_TOO_LARGE':
    case 'UNKNOWN_CHANNEL':
    case 'UNAUTHORIZED':
    case 'WRONG_CREDENTIALS':
    case 'SIGNED_OUT':
    case 'SESSION_LOCKED':
    case 'ACCOUNT_LOCKED':
    case 'PASSWORD_CHANGE_REQUIRED':
    case 'FORBIDDEN':
    case 'SETUP_REQUIRED':
    case 'CONFLICT':
    case 'HARD_LIMIT':
    case 'ACKNOWLEDGEMENT_REQUIRED':
    case 'DISCREPANCY_UNACKNOWLEDGED':
    case 'WITNESS_REQUIRED':
    case 'SECOND_PERSON_REQUIRED':
    case 'PROGRAMMING_BLOCKED':
    case 'FORBIDDEN_ORIGIN':
    case 'NOT_AVAILABLE':
    case 'STORAGE_FAILED':
    case 'INTERNAL':
      return EXIT.invalid;
    default: {
      const never: never = code;
      return never;
    }
  }
};

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/**
 * Reports a failure the way the contract says: message on stderr; with --json also on stdout, with
 * the input field it concerns and the error's name and values when it has them (docs/cli.md).
 */
export function fail(io: Io, json: boolean, error: AppError, exit: ExitCode = exitCodeFor(error.code)): ExitCode {
  io.err(`pumpctl: ${error.message}\n`);
  if (json) {
    const { code, message, field, key, params } = error;
    io.out(
      `${JSON.stringify({ error: { code, message, ...(field === undefined ? {} : { field }), ...(key === undefined ? {} : { key }), ...(params === undefined ? {} : { params }) } })}\n`,
    );
  }
  return exit;
}
