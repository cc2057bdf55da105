/** How retries are spaced. */
export interface BackoffPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
  /** Fraction of randomness: a delay d becomes a value in [d × (1 − jitter), d]. */
  jitter: number;
}

/**
 * The wait before retry number `retry` (1 for the first retry): exponential from
 * `initialDelayMs`, capped at `maxDelayMs`, then jittered downwards so that many callers that
 * failed together do not retry together. `random` returns a number in [0, 1).
 */
export function backoffDelay(policy: BackoffPolicy, retry: number, random: () => number): number {
  const exponential = policy.initialDelayMs * policy.multiplier ** Math.max(0, retry - 1);
  const capped = Math.min(policy.maxDelayMs, exponential);
  return Math.round(capped * (1 - policy.jitter * random()));
}
