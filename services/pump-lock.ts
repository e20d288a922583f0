import { AsyncLocalStorage } from 'node:async_hooks';
import type { PumpLink } from '../drivers/link';

/*
 * One change to a pump at a time. Every call that may change the pump (a program, a refill, a
 * bolus, the clock) holds its link's lock from the read that decides the write to the recorded
 * outcome, so a second request through the same wand waits and then reads what the first one did,
 * instead of passing the "no open session" rule while the first is still between its read and its
 * intent. A call already holding the lock (a refill that programs, a flex program that sets the
 * clock first) runs inside it. Between processes sharing one database the session insert re-checks
 * in its own transaction (services/safe-write.ts).
 */

const tails = new WeakMap<PumpLink, Promise<unknown>>();
const held = new AsyncLocalStorage<Set<PumpLink>>();

/** Runs `change` while holding `link`'s lock; waits for any change already in progress on it. */
export async function withPumpLock<T>(link: PumpLink, change: () => Promise<T>): Promise<T> {
  const mine = held.getStore();
  if (mine?.has(link) === true) return change();
  const before = tails.get(link) ?? Promise.resolve();
  let release = (): void => undefined;
  const turn = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = before.then(() => turn);
  tails.set(link, tail);
  try {
    await before;
    return await held.run(new Set([...(mine ?? []), link]), change);
  } finally {
    release();
    if (tails.get(link) === tail) tails.delete(link);
  }
}
