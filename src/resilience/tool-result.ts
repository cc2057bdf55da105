import type { ErrorCode } from '../errors/index.js';

/** What every result says about the call itself. */
export interface CallInfo {
  /** The tool's name. */
  tool: string;
  /** How many times the tool was invoked (0 when it never ran). */
  attempts: number;
  /** Wall time of the whole call, retries and waits included. */
  durationMs: number;
}

/** The tool returned a value. */
export interface ToolOk<T> extends CallInfo {
  type: 'ok';
  value: T;
}

/** The tool failed, or its input or output was invalid. */
export interface ToolError extends CallInfo {
  type: 'error';
  code: ErrorCode;
  message: string;
  retryable: boolean;
  /** The upstream asked to wait this long before trying again. */
  retryAfterMs?: number;
}

/** Every attempt ran out of time; each was aborted through its signal. */
export interface ToolTimeout extends CallInfo {
  type: 'timeout';
  message: string;
  timeoutMs: number;
}

/**
 * The tool's circuit breaker refused the call: the tool was not invoked. A call that was invoked
 * and failed ends with its own failure, even when that failure opened the breaker.
 */
export interface ToolCircuitOpen extends CallInfo {
  type: 'circuit_open';
  message: string;
  /** When the breaker will let a probe through, from now. */
  retryAfterMs: number;
}

/** The tool's concurrency cap and queue were full: the tool was not invoked. */
export interface ToolRejected extends CallInfo {
  type: 'rejected';
  message: string;
}

/** The caller's signal aborted the call. */
export interface ToolCancelled extends CallInfo {
  type: 'cancelled';
  message: string;
}

/**
 * The outcome of a tool call as a value: a tool's failure is never thrown at the caller.
 *
 * @example
 * const result = await tools.call('kb_search', { query });
 * if (result.type === 'ok') use(result.value);
 * else log.warn({ outcome: result.type }, 'search degraded');
 */
export type ToolResult<T = unknown> =
  ToolOk<T> | ToolError | ToolTimeout | ToolCircuitOpen | ToolRejected | ToolCancelled;

/** The `type` of a {@link ToolResult}: the outcome label of metrics and spans. */
export type ToolOutcome = ToolResult['type'];

/** Every outcome, in a stable order. */
export const TOOL_OUTCOMES: readonly ToolOutcome[] = [
  'ok',
  'error',
  'timeout',
  'circuit_open',
  'rejected',
  'cancelled',
];
