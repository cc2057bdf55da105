import { STREAM_LIMIT_DEFAULTS } from '../config/index.js';
import { AppError } from '../errors/index.js';

/** Most live feeds and WebSockets open at once on one session, on one instance, by default. */
export const MAX_STREAMS_PER_SESSION = STREAM_LIMIT_DEFAULTS.perSession;

/**
 * Most live feeds and WebSockets open at once from one client (see `clientKey`), on one
 * instance, by default: more than one session's worth, for an office or a household.
 */
export const MAX_STREAMS_PER_ADDRESS = STREAM_LIMIT_DEFAULTS.perAddress;

/** Options of {@link StreamSlots}. */
export interface StreamSlotLimits {
  perSession: number;
  perAddress: number;
}

/**
 * The places for long-lived streams (a session's live feed, its WebSocket): each holds a socket
 * and a subscription for as long as its client keeps it, so a client may not open them without
 * bound. A place is taken before the stream is opened (before the upgrade, before the
 * subscription), so that a burst of requests cannot all pass the check, and given back once,
 * when its socket closes, however it closes.
 *
 * @example
 * const slots = new StreamSlots();
 * const release = slots.take(session.id, clientKey(request.ip)); // throws `rate_limited` when full
 * reply.raw.once('close', release);
 */
export class StreamSlots {
  readonly #bySession = new Map<string, number>();
  readonly #byAddress = new Map<string, number>();
  readonly #limits: StreamSlotLimits;

  constructor(
    limits: StreamSlotLimits = {
      perSession: MAX_STREAMS_PER_SESSION,
      perAddress: MAX_STREAMS_PER_ADDRESS,
    },
  ) {
    this.#limits = limits;
  }

  /**
   * Takes a place for a stream of `sessionId` from `address`; returns the function that gives
   * it back (calling it again does nothing). Throws `rate_limited` (429), naming the limit, when
   * either is reached.
   */
  take(sessionId: string, address: string): () => void {
    const { perSession, perAddress } = this.#limits;
    if ((this.#bySession.get(sessionId) ?? 0) >= perSession) {
      throw new AppError(
        'rate_limited',
        `Too many open streams for this conversation: at most ${perSession} live feeds and WebSockets may be open at once for one conversation. Close one (another tab or window) and try again.`,
        { retryable: true },
      );
    }
    if ((this.#byAddress.get(address) ?? 0) >= perAddress) {
      throw new AppError(
        'rate_limited',
        `Too many open streams from your address: at most ${perAddress} live feeds and WebSockets may be open at once from one address. Close some and try again.`,
        { retryable: true },
      );
    }
    increment(this.#bySession, sessionId);
    increment(this.#byAddress, address);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      decrement(this.#bySession, sessionId);
      decrement(this.#byAddress, address);
    };
  }

  /** Places taken: for tests and shutdown to see that every stream gave its place back. */
  get size(): number {
    let total = 0;
    for (const count of this.#bySession.values()) total += count;
    return total;
  }
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

// Keys at zero are deleted: the maps hold only the sessions and clients with a stream open.
function decrement(counts: Map<string, number>, key: string): void {
  const count = (counts.get(key) ?? 0) - 1;
  if (count > 0) counts.set(key, count);
  else counts.delete(key);
}
