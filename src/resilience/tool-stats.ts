import type { BreakerSnapshot, BreakerState } from './circuit-breaker.js';
import type { CallObserver, CallScope, RetryEvent } from './observer.js';
import type { ToolResult } from './tool-result.js';

/** Recent figures of one tool, for the admin console. */
export interface ToolStatsSnapshot {
  /** Calls since the process started. */
  calls: number;
  /** Calls that did not end `ok`. */
  failures: number;
  /**
   * Nearest-rank percentiles of the last {@link WINDOW} calls that ran the tool to an outcome (a
   * call refused by the breaker, the concurrency cap or input validation, or cancelled by its
   * caller, is no latency of it); null before the first.
   */
  p50Ms: number | null;
  p95Ms: number | null;
  lastOutcome: string | null;
}

/** How many recent durations the percentiles are taken over. */
const WINDOW = 256;

class Window {
  calls = 0;
  failures = 0;
  /** Calls that ran the tool to an outcome: those whose duration is in `durations`. */
  ran = 0;
  lastOutcome: string | null = null;
  readonly durations = new Float64Array(WINDOW);

  add(result: ToolResult): void {
    // A call the tool never ran (refused) or that its caller gave up on (cancelled) took no
    // latency of the tool's.
    if (result.attempts > 0 && result.type !== 'cancelled') {
      this.durations[this.ran % WINDOW] = result.durationMs;
      this.ran += 1;
    }
    this.calls += 1;
    if (result.type !== 'ok') this.failures += 1;
    this.lastOutcome = result.type;
  }

  snapshot(): ToolStatsSnapshot {
    const n = Math.min(this.ran, WINDOW);
    const sorted = Array.from(this.durations.subarray(0, n)).sort((a, b) => a - b);
    // Nearest rank: the smallest duration that q of the calls did not exceed.
    const at = (q: number) =>
      n === 0 ? null : (sorted[Math.max(0, Math.ceil(q * n) - 1)] ?? null);
    return {
      calls: this.calls,
      failures: this.failures,
      p50Ms: at(0.5),
      p95Ms: at(0.95),
      lastOutcome: this.lastOutcome,
    };
  }
}

/** One call as {@link ToolStatsObserver} follows it: counted in its tool's window at its end. */
class WindowScope implements CallScope {
  constructor(
    private readonly inner: CallScope,
    private readonly window: Window,
  ) {}

  run<T>(fn: () => T): T {
    return this.inner.run(fn);
  }

  retry(event: RetryEvent): void {
    this.inner.retry(event);
  }

  end(result: ToolResult): void {
    this.window.add(result);
    this.inner.end(result);
  }
}

/**
 * Keeps each tool's call count, failures and recent latency percentiles, and passes every event
 * on to `inner` (the telemetry observer). Cheap: a fixed ring of durations per tool.
 */
export class ToolStatsObserver implements CallObserver {
  readonly #windows = new Map<string, Window>();
  readonly #breakerListeners: Array<(tool: string) => void> = [];

  constructor(private readonly inner: CallObserver) {}

  /** Calls `listener` whenever a tool's breaker changes state (to share it with other instances). */
  onBreakerChange(listener: (tool: string) => void): void {
    this.#breakerListeners.push(listener);
  }

  start(tool: string, sessionId: string | undefined): CallScope {
    let window = this.#windows.get(tool);
    if (window === undefined) {
      window = new Window();
      this.#windows.set(tool, window);
    }
    return new WindowScope(this.inner.start(tool, sessionId), window);
  }

  breakerChanged(
    tool: string,
    state: BreakerState,
    previous: BreakerState,
    snapshot: BreakerSnapshot,
  ): void {
    this.inner.breakerChanged(tool, state, previous, snapshot);
    for (const listener of this.#breakerListeners) listener(tool);
  }

  /** The figures of one tool (zeros before its first call). */
  stats(tool: string): ToolStatsSnapshot {
    return (this.#windows.get(tool) ?? new Window()).snapshot();
  }
}
