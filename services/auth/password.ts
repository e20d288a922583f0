import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { passwordPolicyProblem, passwordProblemText } from '../../core/auth/password-policy';
import { namedError, type AppError } from '../../core/result';

/**
 * scrypt at the OWASP parameters (N = 2^17, r = 8, p = 1): 128 MiB and a few hundred ms per
 * check. Hashes made with weaker parameters still verify, and are re-hashed at the next sign-in.
 */
export const PASSWORD_PARAMS = { N: 131072, r: 8, p: 1, keylen: 64 } as const;

/**
 * The work factor new hashes are made with in this process: the OWASP one, unless a test run
 * lowers it (`test/support/password-cost.ts`, loaded by Vitest only, as `databaseKey: false` opens
 * a test's database unencrypted). No host calls this; hashes always carry their own parameters.
 */
let current: Params = PASSWORD_PARAMS;
export function setPasswordWorkFactor(N: number): void {
  if (!Number.isInteger(N) || N < 2 || N > MAX_N || (N & (N - 1)) !== 0)
    throw new RangeError(`scrypt N must be a power of two up to ${MAX_N}`);
  current = { ...PASSWORD_PARAMS, N };
}
/** A hash of nothing at today's parameters: checked for unknown names so their reply takes as long. */
export const dummyHash = (): string =>
  [
    'scrypt',
    current.N,
    current.r,
    current.p,
    'AAAAAAAAAAAAAAAAAAAAAA==',
    Buffer.alloc(current.keylen).toString('base64'),
  ].join('$');
/** scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is too low for N = 2^17. */
const maxmemFor = (N: number, r: number): number => 128 * N * r + 16 * 1024 * 1024;
/** The largest work factor accepted from a stored hash (a damaged hash must not exhaust memory). */
const MAX_N = 2 ** 20;

interface Params {
  N: number;
  r: number;
  p: number;
  keylen: number;
}

const derive = (password: string, salt: Buffer, params: Params) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(
      password.normalize('NFC'),
      salt,
      params.keylen,
      { N: params.N, r: params.r, p: params.p, maxmem: maxmemFor(params.N, params.r) },
      (e, key) => (e ? reject(e) : resolve(key)),
    ),
  );

/** `scrypt$N$r$p$salt$hash` (base64): the parameters travel with the hash so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, current);
  return ['scrypt', current.N, current.r, current.p, salt.toString('base64'), key.toString('base64')].join('$');
}

const parse = (stored: string): (Params & { salt: Buffer; hash: Buffer }) | undefined => {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return undefined;
  const N = Number(n);
  const R = Number(r);
  const P = Number(p);
  if (
    !Number.isInteger(N) ||
    N < 2 ||
    N > MAX_N ||
    (N & (N - 1)) !== 0 ||
    !Number.isInteger(R) ||
    R < 1 ||
    R > 16 ||
    !Number.isInteger(P) ||
    P < 1 ||
    P > 4
  )
    return undefined;
  const expected = Buffer.from(hash, 'base64');
  return { N, r: R, p: P, keylen: expected.length, salt: Buffer.from(salt, 'base64'), hash: expected };
};

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (parsed === undefined || parsed.keylen === 0) return false;
  const key = await derive(password, parsed.salt, parsed);
  return key.length === parsed.hash.length && timingSafeEqual(key, parsed.hash);
}

/** True when a stored hash was made with weaker parameters than today's: re-hash it at the next sign-in. */
export const needsRehash = (stored: string): boolean => {
  const parsed = parse(stored);
  return parsed === undefined || parsed.N < current.N || parsed.r < current.r || parsed.keylen < current.keylen;
};

/** Site rule for new passwords (docs/security.md, `core/auth/password-policy.ts`); the message is shown as is. */
/** A refused new password as an error naming the rule (`auth.policy.CODE`, the UI's words for it); undefined when it passes. */
export function passwordRefusal(password: string, username: string, field: string): AppError | undefined {
  const problem = passwordPolicyProblem(password, username);
  return problem === undefined
    ? undefined
    : namedError('INVALID_INPUT', `auth.policy.${problem}`, {}, passwordProblemText[problem], field);
}

export function passwordProblem(password: string, username?: string): string | undefined {
  const problem = passwordPolicyProblem(password, username);
  return problem === undefined ? undefined : passwordProblemText[problem];
}
