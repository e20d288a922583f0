import { describe, expect, it } from 'vitest';
import { WorkstationSession } from '../../services/auth/session';
import { accountsFixture } from './accounts-support';

const f = accountsFixture();

describe('idle lock', () => {
  it('locks after the site’s idle minutes and stays usable while active', () => {
    const session = new WorkstationSession(() => 5, f.clock.now);
    const user = { id: 1, username: 'dr.li', displayName: 'Dr Li', role: 'physician' as const };
    session.start(user);
    f.clock.advanceDays(4 / 1440);
    expect(session.current()).toEqual(user);
    f.clock.advanceDays(4 / 1440);
    expect(session.current()).toEqual(user); // activity at minute 4 restarted the timer
    f.clock.advanceDays(5 / 1440);
    expect(session.current()).toBeUndefined();
    expect(session.lockedUser()).toEqual(user);
  });
});
