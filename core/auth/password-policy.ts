import { UNSAFE_TEXT } from '../unsafe-text';
/**
 * The site's rule for new passwords (docs/security.md), pure so that the services enforce it and
 * the screens explain it in the user's language before anything is sent.
 */
export type PasswordProblem =
  'TOO_SHORT' | 'TOO_LONG' | 'UNSAFE_CHARACTERS' | 'COMMON' | 'FEW_CHARACTERS' | 'SEQUENCE' | 'USER_NAME';

const PASSWORD_MIN_LENGTH = 10;
const PASSWORD_MAX_LENGTH = 200;

/**
 * The passwords attackers try first (leaked-password lists, keyboard walks, the product's own
 * words), compared without case, spaces and separators. Shorter ones are refused by the length
 * rule anyway; these are the common ones that pass it.
 */
const COMMON = [
  '1234567890',
  '12345678910',
  '123456789a',
  '123456789q',
  '0123456789',
  '0987654321',
  '9876543210',
  '1111111111',
  '0000000000',
  '1234512345',
  '1122334455',
  '1q2w3e4r5t',
  '1q2w3e4r5t6y',
  'q1w2e3r4t5',
  'qwertyuiop',
  'qwertyuiop123',
  'qwerty1234',
  'qwerty12345',
  'qwerty123456',
  'asdfghjkl1',
  'asdfghjkl;',
  'zxcvbnm123',
  '1qaz2wsx3edc',
  'zaq12wsxcde3',
  '1qazxsw23edc',
  'qazwsxedcrfv',
  'abcdefghij',
  'abcd123456',
  'abc1234567',
  'a123456789',
  'aa12345678',
  'password12',
  'password123',
  'password1234',
  'password1!',
  'passw0rd123',
  'p@ssw0rd123',
  'p@ssword123',
  'mypassword',
  'mypassword1',
  'passwordpassword',
  'letmein123',
  'letmeinplease',
  'welcome123',
  'welcome1234',
  'welcometothejungle',
  'iloveyou12',
  'iloveyou123',
  'iloveyou1234',
  'trustno1234',
  'sunshine123',
  'princess123',
  'football123',
  'baseball123',
  'basketball',
  'basketball1',
  'superman123',
  'batman12345',
  'starwars123',
  'pokemon1234',
  'dragon1234',
  'monkey12345',
  'master1234',
  'shadow12345',
  'michael123',
  'jennifer123',
  'administrator',
  'administrator1',
  'admin12345',
  'admin123456',
  'adminadmin',
  'adminadmin1',
  'rootroot12',
  'changeme123',
  'changeme1234',
  'default1234',
  'temp123456',
  'test123456',
  'testtest12',
  'qwerty123!',
  'woaini1314',
  'woaini5201314',
  '5201314520',
  '1314520520',
  'woaiwojia1',
  'zhang123456',
  'wang1234567',
  'li123456789',
  'aini1314520',
  'asd1234567',
  'qweasdzxc1',
  'qweasdzxc123',
  'hospital123',
  'hospital1234',
  'doctor1234',
  'doctor12345',
  'nurse123456',
  'pharmacist1',
  'physician1',
  'clinician1',
  'intrathecal',
  'intrathecal1',
  'programmer1',
  'pumpprogrammer',
  'pump123456',
  'baclofen123',
  'morphine123',
  'correcthorsebatterystaple',
  'summer2024',
  'summer2025',
  'summer2026',
  'winter2024',
  'winter2025',
  'winter2026',
  'spring2025',
  'spring2026',
  'autumn2025',
  'autumn2026',
  'january2026',
  'december2025',
];
const normalise = (s: string): string =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s._-]+/g, '');
const COMMON_SET = new Set(COMMON.map(normalise));

/** Why a new password is refused, as a code the screens translate; undefined when it meets the rule. */
export function passwordPolicyProblem(password: string, username?: string): PasswordProblem | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return 'TOO_SHORT';
  if (password.length > PASSWORD_MAX_LENGTH) return 'TOO_LONG';
  if (UNSAFE_TEXT.test(password)) return 'UNSAFE_CHARACTERS';
  const n = normalise(password);
  if (COMMON_SET.has(n)) return 'COMMON';
  if (new Set(n).size <= 2) return 'FEW_CHARACTERS';
  if (isSequence(n)) return 'SEQUENCE';
  if (username !== undefined && isNameVariant(n, normalise(username))) return 'USER_NAME';
  return undefined;
}

/** The English text of each problem, for logs, the CLI and the API's message. */
export const passwordProblemText: Record<PasswordProblem, string> = {
  TOO_SHORT: `a password needs at least ${PASSWORD_MIN_LENGTH} characters`,
  TOO_LONG: `a password has at most ${PASSWORD_MAX_LENGTH} characters`,
  UNSAFE_CHARACTERS: 'a password cannot contain a NUL byte or bidirectional control characters',
  COMMON: 'this password is one of the most common passwords: choose another',
  FEW_CHARACTERS: 'a password needs more than two different characters',
  SEQUENCE: 'a password cannot be a run of consecutive characters',
  USER_NAME: 'a password cannot be the user name with only digits or symbols added',
};

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
