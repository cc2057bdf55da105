import { describe, expect, it } from 'vitest';
import { FakeClock } from '../testing/index.js';
import { CircuitBreaker, type BreakerPermit, type BreakerState } from './circuit-breaker.js';

/** A breaker that opens after three failures in a row for a second, and its transitions. */
function opened() {
  const clock = new FakeClock();
  const changes: BreakerState[] = [];
  const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1_000 }, clock, (state) =>
    changes.push(state),
  );
  for (let i = 0; i < 3; i++) breaker.failure(breaker.tryAcquire() as BreakerPermit, 'down');
  expect(breaker.state).toBe('open');
  return { clock, breaker, changes };
}

describe('a reset while a probe is in flight', () => {
  it("is not undone by that probe's failure: it counts as one failure of the closed breaker", async () => {
    const { clock, breaker, changes } = opened();
    await clock.advance(1_000);
    const probe = breaker.tryAcquire();
    expect(probe).not.toBeNull();
    expect(breaker.state).toBe('half_open');

    breaker.reset();
    breaker.failure(probe as BreakerPermit, 'still down');
    expect(breaker.snapshot()).toMatchObject({
      state: 'closed',
      consecutiveFailures: 1,
      nextProbeAt: null,
    });
    expect(changes).toEqual(['open', 'half_open', 'closed']);
    expect(breaker.tryAcquire()).toBe('call');
  });

  it('leaves the probe of a later opening to decide that opening', async () => {
    const { clock, breaker } = opened();
    await clock.advance(1_000);
    const stale = breaker.tryAcquire() as BreakerPermit;
    breaker.reset();
    // The tool fails again and the breaker opens again; its cooldown passes, a new probe goes.
    for (let i = 0; i < 3; i++) breaker.failure(breaker.tryAcquire() as BreakerPermit, 'down');
    await clock.advance(1_000);
    const probe = breaker.tryAcquire() as BreakerPermit;
    expect(breaker.state).toBe('half_open');

    // The probe from before the reset ends: it is not the probe, and lets no second one through.
    breaker.success(stale);
    expect(breaker.state).toBe('half_open');
    expect(breaker.tryAcquire()).toBeNull();
    breaker.release(stale);
    expect(breaker.tryAcquire()).toBeNull();

    breaker.success(probe);
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });
});

describe('a half-open breaker', () => {
  it('lets one probe through however many callers ask at once, and the next after it is released', async () => {
    const { clock, breaker } = opened();
    await clock.advance(1_000);
    const permits = Array.from({ length: 10 }, () => breaker.tryAcquire());
    expect(permits.filter((p) => p !== null)).toHaveLength(1);
    breaker.release(permits[0] as BreakerPermit);
    expect(breaker.state).toBe('half_open');
    const next = breaker.tryAcquire();
    expect(next).not.toBeNull();
    expect(breaker.tryAcquire()).toBeNull();
    breaker.success(next as BreakerPermit);
    expect(breaker.state).toBe('closed');
  });
});
