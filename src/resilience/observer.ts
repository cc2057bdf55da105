import type { BreakerSnapshot, BreakerState } from './circuit-breaker.js';
import type { ToolResult } from './tool-result.js';

/** A retry about to happen, as observers see it. */
export interface RetryEvent {
  /** The attempt that failed (1 for the first). */
  attempt: number;
  /** The wait before the next attempt. */
  delayMs: number;
  /** Why the attempt failed. */
  reason: 'error' | 'timeout';
  code: string;
  message: string;
}

/** One tool call as an observer follows it. */
export interface CallScope {
  /** Runs one attempt of the tool inside the call's context (so that its own spans nest). */
  run<T>(fn: () => T): T;
  /** An attempt failed and another will follow. */
  retry(event: RetryEvent): void;
  /** The call ended with `result`. */
  end(result: ToolResult): void;
}

/**
 * Observability subscribes to the tool-call layer here: spans, metrics and logs are an
 * observer's business, never the tools' nor the policies'.
 */
export interface CallObserver {
  /** A call of `tool` starts. */
  start(tool: string, sessionId: string | undefined): CallScope;
  /** The breaker of `tool` moved from `previous` to `state`. */
  breakerChanged(
    tool: string,
    state: BreakerState,
    previous: BreakerState,
    snapshot: BreakerSnapshot,
  ): void;
}

const noopScope: CallScope = {
  run: (fn) => fn(),
  retry: () => {},
  end: () => {},
};

/** An observer that records nothing. */
export const noopObserver: CallObserver = {
  start: () => noopScope,
  breakerChanged: () => {},
};
