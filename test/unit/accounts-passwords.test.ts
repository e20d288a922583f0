import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../services/auth/password';
import { realPasswordCost } from '../support/password-cost';

// What is tested here depends on the real work factor (N = 2^17).
realPasswordCost();

describe('passwords', () => {
  it('are stored as salted scrypt hashes, never in clear', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct');
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
  });
});
