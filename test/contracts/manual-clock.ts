/**
 * A clock for a repository (`now: () => Date`) that moves only when told: `tick` moves it on
 * (a second by default), `iso` is its time, or a time after it, as the repositories write times.
 */
export function manualClock(start = Date.UTC(2026, 0, 1)) {
  let at = start;
  return {
    now: () => new Date(at),
    iso: (plusMs = 0) => new Date(at + plusMs).toISOString(),
    tick: (ms = 1000) => {
      at += ms;
    },
  };
}
