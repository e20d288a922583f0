// The characters no identifier, password or name may carry, defined once for the audit trail,
// the password policy and the accounts.

/** NUL and the Unicode bidirectional overrides and isolates: refused in identifiers and passwords. */
// eslint-disable-next-line no-control-regex
export const UNSAFE_TEXT = /[\u0000\u202A-\u202E\u2066-\u2069]/;

/** C0 controls, DEL, and the bidirectional overrides and isolates: never in a name shown to others. */
// eslint-disable-next-line no-control-regex
export const UNSAFE_NAME = /[\u0000-\u001f\u007f\u202A-\u202E\u2066-\u2069]/;
