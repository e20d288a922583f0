import { PASSWORD_PARAMS, setPasswordWorkFactor } from '../../services/auth/password';

// Unit tests create and sign in many accounts: each at the OWASP cost (N = 2^17, 128 MiB, about
// half a second) would make the suite minutes longer. Here a small cost; the tests of the password
// scheme itself, of re-hashing and of lock-out timing set the real one back (`realPasswordCost`).
setPasswordWorkFactor(2 ** 10);

/** For the tests of the password scheme, re-hashing and lock-out timing: the cost the hosts use. */
export const realPasswordCost = (): void => setPasswordWorkFactor(PASSWORD_PARAMS.N);
