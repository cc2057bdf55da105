import type { Redis } from 'ioredis';
import type { Clock } from '../resilience/index.js';

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
 * Fixed windows in Redis, shared by every instance. When Redis does not answer, requests are
 * let through (and `onError` is told): an outage of the limiter must not become an outage of
 * the service.
 */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly options: { keyPrefix: string; onError?: (error: unknown) => void },
  ) {}

  async hit(key: string, limit: number, windowMs: number): Promise<RateDecision> {
    try {
      const reply = (await this.redis.eval(
        HIT_SCRIPT,
        1,
        `${this.options.keyPrefix}rate:${key}`,
        String(windowMs),
      )) as [number, number];
      return decide(Number(reply[0]), limit, Number(reply[1]));
    } catch (error) {
      this.options.onError?.(error);
      return { allowed: true, remaining: limit, retryAfterMs: 0 };
    }
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
