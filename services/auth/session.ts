import type { SignedInUser } from './accounts';

/**
 * The signed-in user of one workstation (or one web-host tab). It locks itself after the site's
 * idle time: a locked session answers `undefined` until the same user signs in again.
 */
export class WorkstationSession {
  private user: SignedInUser | undefined;
  private lastActivity = 0;

  constructor(
    private readonly idleMinutes: () => number,
    private readonly now: () => Date,
  ) {}

  start(user: SignedInUser): void {
    this.user = user;
    this.lastActivity = this.now().getTime();
  }

  /** The current user, refreshing the idle timer; undefined when signed out or locked. */
  current(): SignedInUser | undefined {
    if (this.user === undefined || this.isLocked()) return undefined;
    this.lastActivity = this.now().getTime();
    return this.user;
  }

  /** The current user without counting as activity (for polling); undefined when signed out or locked. */
  peek(): SignedInUser | undefined {
    return this.user === undefined || this.isLocked() ? undefined : this.user;
  }

  /** Locks now (the user stepped away): the same as the idle timer running out. */
  lock(): void {
    this.lastActivity = Number.NEGATIVE_INFINITY;
  }

  isLocked(): boolean {
    return this.user !== undefined && this.now().getTime() - this.lastActivity >= this.idleMinutes() * 60_000;
  }

  /** Who was signed in when the lock came down: only they may unlock (others sign in anew). */
  lockedUser(): SignedInUser | undefined {
    return this.isLocked() ? this.user : undefined;
  }

  end(): void {
    this.user = undefined;
  }
}
