import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { UNSAFE_TEXT } from '../../db/audit/record';

/**
 * scrypt at the OWASP parameters (N = 2^17, r = 8, p = 1): 128 MiB and a few hundred ms per
 * check. Hashes made with weaker parameters still verify, and are re-hashed at the next sign-in.
 */
export const PASSWORD_PARAMS = { N: 131072, r: 8, p: 1, keylen: 64 } as const;
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
    scrypt(password.normalize('NFC'), salt, params.keylen, { N: params.N, r: params.r, p: params.p, maxmem: maxmemFor(params.N, params.r) }, (e, key) => (e ? reject(e) : resolve(key))),
  );

/** `scrypt$N$r$p$salt$hash` (base64): the parameters travel with the hash so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PASSWORD_PARAMS);
  return ['scrypt', PASSWORD_PARAMS.N, PASSWORD_PARAMS.r, PASSWORD_PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

const parse = (stored: string): (Params & { salt: Buffer; hash: Buffer }) | undefined => {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return undefined;
  const N = Number(n);
  const R = Number(r);
  const P = Number(p);
  if (!Number.isInteger(N) || N < 2 || N > MAX_N || (N & (N - 1)) !== 0 || !Number.isInteger(R) || R < 1 || R > 16 || !Number.isInteger(P) || P < 1 || P > 4) return undefined;
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
  return parsed === undefined || parsed.N < PASSWORD_PARAMS.N || parsed.r < PASSWORD_PARAMS.r || parsed.keylen < PASSWORD_PARAMS.keylen;
};

/**
 * The passwords attackers try first (leaked-password lists, keyboard walks, the product's own
 * words), compared without case, spaces and separators. Shorter ones are refused by the length
 * rule anyway; these are the common ones that pass it.
 */
const COMMON = [
  '1234567890', '12345678910', '123456789a', '123456789q', '0123456789', '0987654321', '9876543210', '1111111111', '0000000000', '1234512345',
  '1122334455', '1q2w3e4r5t', '1q2w3e4r5t6y', 'q1w2e3r4t5', 'qwertyuiop', 'qwertyuiop123', 'qwerty1234', 'qwerty12345', 'qwerty123456', 'asdfghjkl1',
  'asdfghjkl;', 'zxcvbnm123', '1qaz2wsx3edc', 'zaq12wsxcde3', '1qazxsw23edc', 'qazwsxedcrfv', 'abcdefghij', 'abcd123456', 'abc1234567', 'a123456789',
  'aa12345678', 'password12', 'password123', 'password1234', 'password1!', 'passw0rd123', 'p@ssw0rd123', 'p@ssword123', 'mypassword', 'mypassword1',
  'passwordpassword', 'letmein123', 'letmeinplease', 'welcome123', 'welcome1234', 'welcometothejungle', 'iloveyou12', 'iloveyou123', 'iloveyou1234', 'trustno1234',
  'sunshine123', 'princess123', 'football123', 'baseball123', 'basketball', 'basketball1', 'superman123', 'batman12345', 'starwars123', 'pokemon1234',
  'dragon1234', 'monkey12345', 'master1234', 'shadow12345', 'michael123', 'jennifer123', 'administrator', 'administrator1', 'admin12345', 'admin123456',
  'adminadmin', 'adminadmin1', 'rootroot12', 'changeme123', 'changeme1234', 'default1234', 'temp123456', 'test123456', 'testtest12', 'qwerty123!',
  'woaini1314', 'woaini5201314', '5201314520', '1314520520', 'woaiwojia1', 'zhang123456', 'wang1234567', 'li123456789', 'aini1314520', 'asd1234567',
  'qweasdzxc1', 'qweasdzxc123', 'hospital123', 'hospital1234', 'doctor1234', 'doctor12345', 'nurse123456', 'pharmacist1', 'physician1', 'clinician1',
  'intrathecal', 'intrathecal1', 'programmer1', 'pumpprogrammer', 'pump123456', 'baclofen123', 'morphine123', 'correcthorsebatterystaple', 'summer2024', 'summer2025',
  'summer2026', 'winter2024', 'winter2025', 'winter2026', 'spring2025', 'spring2026', 'autumn2025', 'autumn2026', 'january2026', 'december2025',
];
const normalise = (s: string): string => s.normalize('NFKC').toLowerCase().replace(/[\s._-]+/g, '');
const COMMON_SET = new Set(COMMON.map(normalise));

/** Site rule for new passwords (docs/security.md); the message is shown as is. */
export function passwordProblem(password: string, username?: string): string | undefined {
  if (password.length < 10) return 'a password needs at least 10 characters';
  if (password.length > 200) return 'a password has at most 200 characters';
  if (UNSAFE_TEXT.test(password)) return 'a password cannot contain a NUL byte or bidirectional control characters';
  const n = normalise(password);
  if (COMMON_SET.has(n)) return 'this password is one of the most common passwords: choose another';
  if (new Set(n).size <= 2) return 'a password needs more than two different characters';
  if (isSequence(n)) return 'a password cannot be a run of consecutive characters';
  if (username !== undefined && isNameVariant(n, normalise(username))) return 'a password cannot be the user name with only digits or symbols added';
  return undefined;
}

/** The user name itself, or with only digits and symbols before or after it ("dr.li2026!"). */
const isNameVariant = (password: string, name: string): boolean => {
  if (name.length < 2) return false;
  const at = password.indexOf(name);
  return at >= 0 && !/\p{L}/u.test(password.slice(0, at) + password.slice(at + name.length));
};

const isSequence = (s: string): boolean => {
  const steps = new Set<number>();
  for (let i = 1; i < s.length; i++) steps.add(s.charCodeAt(i) - s.charCodeAt(i - 1));
  return steps.size === 1 && [...steps].every((d) => Math.abs(d) === 1);
};
