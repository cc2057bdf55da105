import type { Clock } from './clock.js';

/** The state of a circuit breaker. */
export type BreakerState = 'closed' | 'open' | 'half_open';

/** Settings of a circuit breaker. */
export interface BreakerPolicy {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** How long it stays open before one probe is let through. */
  cooldownMs: number;
}

/** What a breaker says about itself, for `/metrics`, the admin API and turn results. */
export interface BreakerSnapshot {
  state: BreakerState;
  consecutiveFailures: number;
  /** Epoch ms of the last failure, if any. */
  lastFailureAt: number | null;
  /** Message of the last failure, if any. */
  lastError: string | null;
  /** Epoch ms when an open breaker lets a probe through; null unless open. */
  nextProbeAt: number | null;
}

/**
 * A permission to call the tool, handed back through `success`, `failure` or `release`: `'call'`
 * through a closed breaker, or a probe of a half-open one — an object of its own, so that a
 * probe let through before a reset is not taken for one let through after it.
 */
export type BreakerPermit = 'call' | { readonly probe: true };

/**
 * A consecutive-failure circuit breaker. Closed: calls pass; `failureThreshold` failures in a
 * row open it. Open: calls are refused until `cooldownMs` has passed; then exactly one probe is
 * let through (half-open) while others are still refused. The probe's success closes it, its
 * failure opens it again; a probe that is cancelled frees the slot for the next caller.
 *
 * @example
 * const breaker = new CircuitBreaker({ failureThreshold: 5, cooldownMs: 60_000 }, systemClock);
 * const permit = breaker.tryAcquire();
 * if (permit) { try { await work(); breaker.success(permit); } catch { breaker.failure(permit); } }
 */
export class CircuitBreaker {
  #state: BreakerState = 'closed';
  #failures = 0;
  #openedAt = 0;
  /** The probe in flight, if any. */
  #probe: { readonly probe: true } | null = null;
  #lastFailureAt: number | null = null;
  #lastError: string | null = null;

  constructor(
    readonly policy: BreakerPolicy,
    private readonly clock: Clock,
    private readonly onStateChange?: (state: BreakerState, previous: BreakerState) => void,
  ) {}

  /** The current state. */
  get state(): BreakerState {
    return this.#state;
  }

  /** A permit to call, or `null` when the breaker refuses the call. */
  tryAcquire(): BreakerPermit | null {
    if (this.#state === 'closed') return 'call';
    if (this.#probe !== null) return null;
    if (this.#state === 'open' && this.clock.now() < this.#openedAt + this.policy.cooldownMs) {
      return null;
    }
    this.#transition('half_open');
    this.#probe = { probe: true };
    return this.#probe;
  }

  /**
   * The call under `permit` succeeded. A probe that is no longer the one in flight (a reset came
   * while it ran) counts as a plain call.
   */
  success(permit: BreakerPermit): void {
    this.#failures = 0;
    if (permit === this.#probe) {
      this.#probe = null;
      this.#transition('closed');
    }
  }

  /** The call under `permit` failed. */
  failure(permit: BreakerPermit, message?: string): void {
    this.#failures++;
    this.#lastFailureAt = this.clock.now();
    this.#lastError = message ?? null;
    if (permit === this.#probe) {
      this.#probe = null;
      this.#open();
    } else if (this.#state === 'closed' && this.#failures >= this.policy.failureThreshold) {
      this.#open();
    }
  }

  /** The call under `permit` ended without a verdict (the caller cancelled it). */
  release(permit: BreakerPermit): void {
    if (permit === this.#probe) this.#probe = null;
  }

  /** Closes the breaker and forgets its failures, and the verdict of a probe in flight. */
  reset(): void {
    this.#failures = 0;
    this.#probe = null;
    this.#lastError = null;
    this.#transition('closed');
  }

  /** Milliseconds until an open breaker lets a probe through (0 when it would now). */
  msUntilProbe(): number {
    if (this.#state === 'closed') return 0;
    return Math.max(0, this.#openedAt + this.policy.cooldownMs - this.clock.now());
  }

  /** A copy of the breaker's state. */
  snapshot(): BreakerSnapshot {
    return {
      state: this.#state,
      consecutiveFailures: this.#failures,
      lastFailureAt: this.#lastFailureAt,
      lastError: this.#lastError,
      nextProbeAt: this.#state === 'closed' ? null : this.#openedAt + this.policy.cooldownMs,
    };
  }

  #open(): void {
    this.#openedAt = this.clock.now();
    this.#transition('open');
  }

  #transition(next: BreakerState): void {
    const previous = this.#state;
    if (previous === next) return;
    this.#state = next;
    this.onStateChange?.(next, previous);
  }
}
