import type { ErrorCode } from './codes.js';

/** Options of {@link AppError}. */
export interface AppErrorOptions {
  /** Whether trying the same operation again may succeed (a network blip, a 503, a 429). */
  retryable?: boolean;
  /** The underlying error, kept for logs; never shown to a client. */
  cause?: unknown;
  /** An upstream's hint of how long to wait before trying again (from `Retry-After`), in ms. */
  retryAfterMs?: number;
  /**
   * Structured details for the code that handles the error and for the log (which field was
   * invalid, which dependency and at which address); a client is told only the code and message.
   */
  details?: Record<string, unknown>;
  /**
   * The service answered, and refused this request for its own sake (a content filter, a token
   * limit): the failure says nothing of the service's health, and a circuit breaker does not
   * count it.
   */
  requestSpecific?: boolean;
}

/**
 * The one error base class of the product. Expected outcomes are values (`ToolResult`);
 * an `AppError` is thrown where a caller cannot go on, and carries a string `code`,
 * whether it is `retryable`, and its `cause`.
 *
 * @example
 * throw new AppError('upstream_unavailable', 'The embeddings service answered 503', {
 *   retryable: true,
 *   retryAfterMs: 2_000,
 * });
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly requestSpecific: boolean | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details;
    this.requestSpecific = options.requestSpecific;
  }
}

/** True when `value` is an {@link AppError} (also across copies of this module). */
export function isAppError(value: unknown): value is AppError {
  return (
    value instanceof AppError ||
    (value instanceof Error &&
      typeof (value as Partial<AppError>).code === 'string' &&
      typeof (value as Partial<AppError>).retryable === 'boolean')
  );
}

/**
 * Turns anything thrown into an `AppError`. A thrown non-Error value (a string, `undefined`,
 * an object) becomes a non-retryable `tool_failed` error that says what was thrown, so a
 * misbehaving dependency never surfaces as `[object Object]`.
 */
export function toAppError(value: unknown, fallback: ErrorCode = 'internal'): AppError {
  if (isAppError(value)) return value;
  if (value instanceof Error) {
    const retryable = (value as { retryable?: unknown }).retryable === true;
    return new AppError(fallback, value.message || value.name, { cause: value, retryable });
  }
  return new AppError(fallback, `A non-Error value was thrown: ${describeThrown(value)}`, {
    cause: value,
  });
}

function describeThrown(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 200));
  if (typeof value === 'object') {
    try {
      return JSON.stringify(value).slice(0, 200);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}
