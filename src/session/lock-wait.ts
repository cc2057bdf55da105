import { sleep, type Clock } from '../resilience/index.js';
import { cancelled, sessionBusy } from './session-errors.js';

/** One try at a lock: the token when it was free, else how long the holder still has it. */
export type LockAttempt = { token: number } | { token: null; heldForMs: number | null };

/** What {@link waitForLock} needs. */
export interface WaitForLockOptions {
  sessionId: string;
  waitMs: number;
  signal: AbortSignal | undefined;
  clock: Clock;
  /** One atomic try; must not wait itself. */
  attempt: () => Promise<LockAttempt>;
  /** Gives back a lock that was won after the caller had already given up. */
  giveBack: (token: number) => Promise<unknown>;
  random?: () => number;
}

// Polling starts fast (a turn usually holds a lock for well under a second) and backs off to a
// ceiling, so a waiter notices a release within about MAX_POLL_MS without hammering the store.
const FIRST_POLL_MS = 5;
const MAX_POLL_MS = 100;

/**
 * Tries `attempt` until it wins the lock, polling with jittered backoff, and never waiting past
 * the holder's expiry. Throws `rejected` when `waitMs` passes and `cancelled` when `signal` aborts.
 */
export async function waitForLock(options: WaitForLockOptions): Promise<number> {
  const { sessionId, waitMs, signal, clock, attempt, giveBack } = options;
  const random = options.random ?? Math.random;
  const what = `Waiting for the lock of session ${sessionId}`;
  const deadline = clock.now() + waitMs;
  let poll = FIRST_POLL_MS;
  for (;;) {
    if (signal?.aborted) throw cancelled(what);
    const result = await attempt();
    if (result.token !== null) {
      // The signal may have aborted while the attempt was in flight: the caller will not use
      // the lock, and keeping it would block everyone else until it expires.
      if (signal?.aborted) {
        // Best effort: if this fails too, the lock still expires after its time to live.
        await giveBack(result.token).catch(() => false);
        throw cancelled(what);
      }
      return result.token;
    }
    const remaining = deadline - clock.now();
    if (remaining <= 0) throw sessionBusy(sessionId, waitMs);
    const jittered = Math.max(1, Math.round(poll * (0.5 + random() / 2)));
    const delay = Math.min(remaining, jittered, Math.max(1, result.heldForMs ?? jittered));
    if (!(await sleep(clock, delay, signal))) throw cancelled(what);
    poll = Math.min(poll * 2, MAX_POLL_MS);
  }
}
