import type { Redis } from 'ioredis';
import { systemClock, type Clock } from '../resilience/index.js';

/** The outcome of counting one request against a limit. */
export interface RateDecision {
  allowed: boolean;
  /** Requests left in the current window. */
  remaining: number;
  /** When refused: how long until the window resets, in ms. */
  retryAfterMs: number;
}

/**
 * Counts requests per key in fixed windows. One implementation per process (memory) and one
 * shared by every instance (Redis).
 */
export interface RateLimiter {
  hit(key: string, limit: number, windowMs: number): Promise<RateDecision>;
}

/**
 * Fixed windows in this process's memory, on an injected clock. Windows that have ended are
 * swept as the map grows, so a flood of distinct keys cannot grow it without bound.
 *
 * @example
 * const limiter = new MemoryRateLimiter(systemClock);
 * const { allowed } = await limiter.hit(`ip:${address}`, 600, 60_000);
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly #windows = new Map<string, { count: number; resetAt: number }>();
  #nextSweepSize = 10_000;

  constructor(private readonly clock: Clock) {}

  hit(key: string, limit: number, windowMs: number): Promise<RateDecision> {
    const now = this.clock.now();
    let window = this.#windows.get(key);
    if (window === undefined || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowMs };
      this.#windows.set(key, window);
      if (this.#windows.size > this.#nextSweepSize) this.#sweep(now);
    }
    window.count += 1;
    return Promise.resolve(decide(window.count, limit, window.resetAt - now));
  }

  #sweep(now: number): void {
    for (const [key, window] of this.#windows) {
      if (window.resetAt <= now) this.#windows.delete(key);
    }
    this.#nextSweepSize = Math.max(10_000, this.#windows.size * 2);
  }
}

// Counts and sets the window's expiry in one step, so a crash between the two cannot leave a
// counter that never expires.
const HIT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
`;

/**
 * How often, at most, a Redis that stays down is reported again: a busy service would otherwise
 * write one line per request while it is down.
 */
export const REDIS_DOWN_REPORT_INTERVAL_MS = 30_000;

/** An outage of the limiter's Redis, as {@link RedisRateLimiterOptions} report it. */
export interface LimiterOutage {
  /** Requests let through without a limit since Redis stopped answering. */
  letThrough: number;
  /** How long since Redis stopped answering, in ms. */
  downForMs: number;
}

/** Options of {@link RedisRateLimiter}. */
export interface RedisRateLimiterOptions {
  keyPrefix: string;
  /**
   * Redis did not answer, so requests are let through without a limit. Called when it stops
   * answering, then at most once every {@link REDIS_DOWN_REPORT_INTERVAL_MS} while it stays
   * down, with the error of the call that failed: not once per request.
   */
  onError?: (error: unknown, outage: LimiterOutage) => void;
  /** Redis answers again after it did not: called once per outage. */
  onRecovered?: (outage: LimiterOutage) => void;
  /** The time outages are measured and reports spaced with: the system clock by default. */
  clock?: Clock;
}

/**
 * Fixed windows in Redis, shared by every instance. When Redis does not answer, requests are
 * let through (and `onError` is told, once when it stops answering and then at most every
 * {@link REDIS_DOWN_REPORT_INTERVAL_MS}; `onRecovered` when it answers again): an outage of the
 * limiter must not become an outage of the service, nor a flood of log lines.
 *
 * @example
 * const limiter = new RedisRateLimiter(redis, {
 *   keyPrefix: 'sa:',
 *   onError: (err, { letThrough }) => log.warn({ err, letThrough }, 'rate limiter: Redis is down'),
 *   onRecovered: (outage) => log.info(outage, 'rate limiter: Redis answers again'),
 * });
 */
export class RedisRateLimiter implements RateLimiter {
  readonly #clock: Clock;
  /** The outage under way: when it began, when it was last reported, requests let through. */
  #down: { since: number; reportedAt: number; letThrough: number } | undefined;
  /** When Redis last came back: a call sent before then that fails is no new outage. */
  #upSince = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisRateLimiterOptions,
  ) {
    this.#clock = options.clock ?? systemClock;
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateDecision> {
    const sentAt = this.#clock.now();
    try {
      const reply = (await this.redis.eval(
        HIT_SCRIPT,
        1,
        `${this.options.keyPrefix}rate:${key}`,
        String(windowMs),
      )) as [number, number];
      this.#answered();
      return decide(Number(reply[0]), limit, Number(reply[1]));
    } catch (error) {
      this.#failed(error, sentAt);
      return { allowed: true, remaining: limit, retryAfterMs: 0 };
    }
  }

  #answered(): void {
    const down = this.#down;
    if (down === undefined) return;
    this.#down = undefined;
    const now = this.#clock.now();
    this.#upSince = now;
    this.options.onRecovered?.({ letThrough: down.letThrough, downForMs: now - down.since });
  }

  #failed(error: unknown, sentAt: number): void {
    const now = this.#clock.now();
    let down = this.#down;
    if (down === undefined) {
      // Sent before Redis came back, answered after: the outage that is over, not a new one.
      if (sentAt < this.#upSince) return;
      down = { since: now, reportedAt: now, letThrough: 1 };
      this.#down = down;
      this.options.onError?.(error, { letThrough: 1, downForMs: 0 });
      return;
    }
    down.letThrough += 1;
    if (now - down.reportedAt < REDIS_DOWN_REPORT_INTERVAL_MS) return;
    down.reportedAt = now;
    this.options.onError?.(error, { letThrough: down.letThrough, downForMs: now - down.since });
  }
}

function decide(count: number, limit: number, msLeft: number): RateDecision {
  const allowed = count <= limit;
  return {
    allowed,
    remaining: Math.max(0, limit - count),
    retryAfterMs: allowed ? 0 : Math.max(1, msLeft),
  };
}
