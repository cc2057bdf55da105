import { AppError, toAppError, type ErrorCode } from '../errors/index.js';
import { backoffDelay, type BackoffPolicy } from './backoff.js';
import { Bulkhead, type ConcurrencyPolicy } from './bulkhead.js';
import { CircuitBreaker, type BreakerPermit, type BreakerPolicy } from './circuit-breaker.js';
import { sleep, type Clock, type TimerHandle } from './clock.js';
import type { CallObserver, CallScope } from './observer.js';
import type { ToolResult } from './tool-result.js';

/** The whole resilience policy of one tool. */
export interface CallPolicy {
  /** Time limit of one attempt. */
  timeoutMs: number;
  retry: BackoffPolicy & { maxAttempts: number };
  breaker: BreakerPolicy;
  concurrency: ConcurrencyPolicy;
}

/** The outcome of parsing a tool's input or output. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** What an attempt receives. */
export interface AttemptContext {
  /** Aborted when the attempt times out or the caller cancels: the work must stop. */
  signal: AbortSignal;
  /** 1 for the first attempt. */
  attempt: number;
  /** The session the call is made for, from {@link CallOptions}. */
  sessionId: string | undefined;
  /**
   * The attempt has done what another would repeat (text a customer has already seen): from
   * now on it is not retried, whatever ends it, a timeout included.
   */
  noRetry(): void;
}

/** The plain function and its checks that a {@link PolicyExecutor} wraps. */
export interface ExecutorSpec<I, O> {
  name: string;
  policy: CallPolicy;
  parseInput(raw: unknown): Parsed<I>;
  parseOutput?: (raw: unknown) => Parsed<O>;
  run(input: I, context: AttemptContext): Promise<O> | O;
}

/** Per-call options. */
export interface CallOptions {
  /** Cancels the call at any point: queued, running, between retries, or as a half-open probe. */
  signal?: AbortSignal | undefined;
  /** The session the call is made for, for telemetry. */
  sessionId?: string | undefined;
}

/** Dependencies of a {@link PolicyExecutor}. */
export interface ExecutorDeps {
  clock: Clock;
  observer: CallObserver;
  /** A number in [0, 1) for jitter; `Math.random` by default. */
  random?: () => number;
}

type AttemptOutcome<O> =
  | { kind: 'ok'; value: O }
  | { kind: 'error'; error: AppError }
  | { kind: 'timeout'; final?: true }
  | { kind: 'cancelled' };

const CANCELLED: AttemptOutcome<never> = { kind: 'cancelled' };
const TIMED_OUT: AttemptOutcome<never> = { kind: 'timeout' };
const TIMED_OUT_FINAL: AttemptOutcome<never> = { kind: 'timeout', final: true };

/** Another attempt is to follow after `delayMs`; `failure` ends the call if none can. */
interface Retry<O> {
  delayMs: number;
  failure: ToolResult<O>;
}

/**
 * Runs one function under the tool-call policies: input validation, a concurrency cap with a
 * bounded queue, a circuit breaker, a per-attempt timeout that aborts the attempt's signal,
 * retries of retryable failures with capped, jittered exponential backoff (an upstream's
 * `retryAfterMs` hint is honoured), cancellation by the caller's signal at every step, and an
 * observer that sees each call. {@link PolicyExecutor.call} never throws: every outcome is a
 * {@link ToolResult}.
 */
export class PolicyExecutor<I, O> {
  readonly breaker: CircuitBreaker;
  readonly bulkhead: Bulkhead;
  readonly #spec: ExecutorSpec<I, O>;
  readonly #clock: Clock;
  readonly #observer: CallObserver;
  readonly #random: () => number;

  constructor(spec: ExecutorSpec<I, O>, deps: ExecutorDeps) {
    this.#spec = spec;
    this.#clock = deps.clock;
    this.#observer = deps.observer;
    this.#random = deps.random ?? Math.random;
    this.bulkhead = new Bulkhead(spec.policy.concurrency);
    this.breaker = new CircuitBreaker(spec.policy.breaker, deps.clock, (state, previous) =>
      deps.observer.breakerChanged(spec.name, state, previous, this.breaker.snapshot()),
    );
  }

  /** The tool's name. */
  get name(): string {
    return this.#spec.name;
  }

  /** The policy in force. */
  get policy(): CallPolicy {
    return this.#spec.policy;
  }

  /**
   * Calls the function under every policy; resolves to the outcome, never rejects. The common
   * case — input valid, a free slot, a closed breaker, one attempt — is one chain of promises,
   * not a stack of async functions each with its own promise (which Node's async hooks then
   * track one by one); waiting for a slot and retrying take the general path.
   */
  call(rawInput: unknown, options: CallOptions = {}): Promise<ToolResult<O>> {
    const startedAt = this.#clock.now();
    const scope = this.#observer.start(this.#spec.name, options.sessionId);
    let result: ToolResult<O>;
    let entered = false;
    try {
      const input = this.#spec.parseInput(rawInput);
      if (!input.ok) {
        result = this.#invalidInput(startedAt, input.message);
      } else if (options.signal?.aborted) {
        result = this.#cancelled(startedAt, 0);
      } else if (!this.bulkhead.tryEnter()) {
        const queued = this.#queued(input.value, options, scope, startedAt);
        return this.#settled(scope, startedAt, false, queued);
      } else {
        entered = true;
        const permit = this.breaker.tryAcquire();
        if (permit === null) {
          entered = false;
          this.bulkhead.leave();
          result = this.#circuitOpen(startedAt, 0);
        } else {
          return this.#first(input.value, options, scope, startedAt, permit);
        }
      }
    } catch (error) {
      // Only a defect of this layer lands here; it still becomes a value, not a throw.
      if (entered) this.bulkhead.leave();
      result = this.#defect(startedAt, error);
    }
    scope.end(result);
    return Promise.resolve(result);
  }

  /**
   * The first attempt, in a slot: its outcome ends the call at once, or the retries follow. The
   * slot is given back, and the observer told, in the same step that judges the outcome.
   */
  #first(
    input: I,
    options: CallOptions,
    scope: CallScope,
    startedAt: number,
    permit: BreakerPermit,
  ): Promise<ToolResult<O>> {
    return this.#attempt(input, options, scope, 1, permit).then(
      (outcome) => {
        let next: ToolResult<O> | Retry<O>;
        try {
          next = this.#judge(outcome, 1, startedAt, scope);
        } catch (error) {
          next = this.#defect(startedAt, error);
        }
        if ('delayMs' in next) {
          const retries = this.#retries(input, options, scope, startedAt, 1, next);
          return this.#settled(scope, startedAt, true, retries);
        }
        this.bulkhead.leave();
        scope.end(next);
        return next;
      },
      (error: unknown) => {
        this.bulkhead.leave();
        const result = this.#defect(startedAt, error);
        scope.end(result);
        return result;
      },
    );
  }

  /** Ends the call when `pending` settles; `entered` says whether it holds a concurrency slot. */
  #settled(
    scope: CallScope,
    startedAt: number,
    entered: boolean,
    pending: Promise<ToolResult<O>>,
  ): Promise<ToolResult<O>> {
    return pending.then(
      (result) => {
        if (entered) this.bulkhead.leave();
        scope.end(result);
        return result;
      },
      (error: unknown) => {
        if (entered) this.bulkhead.leave();
        const result = this.#defect(startedAt, error);
        scope.end(result);
        return result;
      },
    );
  }

  /** The call waits for a concurrency slot, then makes its attempts. */
  async #queued(
    input: I,
    options: CallOptions,
    scope: CallScope,
    startedAt: number,
  ): Promise<ToolResult<O>> {
    const waiting = this.bulkhead.wait(options.signal);
    if (waiting === null) {
      const { limit, queue } = this.#spec.policy.concurrency;
      return this.#result(startedAt, 0, {
        type: 'rejected',
        message: `Tool "${this.#spec.name}" is at its concurrency limit (${limit} running, ${queue} queued); try again shortly`,
      });
    }
    if (!(await waiting)) return this.#cancelled(startedAt, 0);
    try {
      return await this.#retries(input, options, scope, startedAt, 0, undefined);
    } finally {
      this.bulkhead.leave();
    }
  }

  /**
   * The attempts after attempt number `done` (none made yet: 0), the first of them after
   * `retry` (none made: at once).
   */
  async #retries(
    input: I,
    options: CallOptions,
    scope: CallScope,
    startedAt: number,
    done: number,
    retry: Retry<O> | undefined,
  ): Promise<ToolResult<O>> {
    for (let attempt = done + 1; ; attempt++) {
      if (retry !== undefined && !(await sleep(this.#clock, retry.delayMs, options.signal))) {
        return this.#cancelled(startedAt, attempt - 1);
      }
      const permit = this.breaker.tryAcquire();
      if (permit === null) {
        // Other calls opened the breaker during the wait. `circuit_open` says the tool was not
        // called at all; this call was, and what it met is its last attempt's failure.
        if (retry === undefined) return this.#circuitOpen(startedAt, attempt - 1);
        retry.failure.durationMs = this.#clock.now() - startedAt;
        return retry.failure;
      }
      const outcome = await this.#attempt(input, options, scope, attempt, permit);
      const next = this.#judge(outcome, attempt, startedAt, scope);
      if (!('delayMs' in next)) return next;
      retry = next;
    }
  }

  /**
   * What follows attempt number `attempt`: the call's result, or the wait before the next
   * attempt (told to the observer as a retry).
   */
  #judge(
    outcome: AttemptOutcome<O>,
    attempt: number,
    startedAt: number,
    scope: CallScope,
  ): ToolResult<O> | Retry<O> {
    if (outcome.kind === 'ok') {
      return this.#result(startedAt, attempt, { type: 'ok', value: outcome.value });
    }
    if (outcome.kind === 'cancelled') return this.#cancelled(startedAt, attempt);
    const { retry, timeoutMs } = this.#spec.policy;
    let failure: ToolResult<O>;
    let retryAfterMs: number | undefined;
    if (outcome.kind === 'timeout') {
      failure = this.#result(startedAt, attempt, {
        type: 'timeout',
        message: `Tool "${this.#spec.name}" timed out after ${timeoutMs} ms`,
        timeoutMs,
      });
      if (outcome.final === true) return failure;
    } else {
      const e = outcome.error;
      retryAfterMs = e.retryAfterMs;
      failure = this.#result(startedAt, attempt, {
        type: 'error',
        code: e.code,
        message: e.message,
        retryable: e.retryable,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
      if (!e.retryable) return failure;
    }
    if (attempt >= retry.maxAttempts) return failure;
    // This failure opened the breaker (or others had): a retry would be refused. The call ends
    // with the failure it met, not as refused by the breaker, and without waiting for nothing.
    if (this.breaker.state === 'open') return failure;

    let delayMs = backoffDelay(retry, attempt, this.#random);
    if (retryAfterMs !== undefined) {
      // Waiting less than the upstream asked only earns another refusal; waiting longer than
      // the configured cap would stall the turn. Beyond the cap, give the failure back.
      if (retryAfterMs > retry.maxDelayMs) return failure;
      delayMs = Math.max(delayMs, retryAfterMs);
    }
    scope.retry({
      attempt,
      delayMs,
      reason: outcome.kind === 'timeout' ? 'timeout' : 'error',
      code: outcome.kind === 'timeout' ? 'timeout' : outcome.error.code,
      message:
        outcome.kind === 'timeout' ? `timed out after ${timeoutMs} ms` : outcome.error.message,
    });
    return { delayMs, failure };
  }

  /** One attempt: the function races its timeout and the caller's signal, and is aborted by either. */
  #attempt(
    input: I,
    options: CallOptions,
    scope: CallScope,
    attempt: number,
    permit: BreakerPermit,
  ): Promise<AttemptOutcome<O>> {
    const run = new AttemptRun<I, O>(
      this.#spec,
      this.#clock,
      this.breaker,
      permit,
      options,
      attempt,
    );
    return run.start(input, scope);
  }

  #invalidInput(startedAt: number, message: string): ToolResult<O> {
    return this.#result(startedAt, 0, {
      type: 'error',
      code: 'invalid_input',
      message: `Invalid input for tool "${this.#spec.name}": ${message}`,
      retryable: false,
    });
  }

  #circuitOpen(startedAt: number, attempts: number): ToolResult<O> {
    return this.#result(startedAt, attempts, {
      type: 'circuit_open',
      message: `Tool "${this.#spec.name}" is temporarily unavailable (circuit open after repeated failures)`,
      retryAfterMs: this.breaker.msUntilProbe(),
    });
  }

  #defect(startedAt: number, error: unknown): ToolResult<O> {
    const e = toAppError(error);
    return this.#result(startedAt, 0, {
      type: 'error',
      code: e.code,
      message: e.message,
      retryable: false,
    });
  }

  #cancelled(startedAt: number, attempts: number): ToolResult<O> {
    return this.#result(startedAt, attempts, {
      type: 'cancelled',
      message: `The call of tool "${this.#spec.name}" was cancelled by its caller`,
    });
  }

  #result(startedAt: number, attempts: number, body: ResultBody<O>): ToolResult<O> {
    // Not `{ ...body, tool, ... }`: on Node 20 that literal gets a new hidden class per call and
    // costs about a microsecond and a half.
    const result = body as ToolResult<O>;
    result.tool = this.#spec.name;
    result.attempts = attempts;
    result.durationMs = this.#clock.now() - startedAt;
    return result;
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type ResultBody<O> = DistributiveOmit<ToolResult<O>, 'tool' | 'attempts' | 'durationMs'>;

/** Error codes that say the caller was wrong, not the tool: they never count against a breaker. */
const CALLER_ERROR_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['invalid_input']);

/** A failure of the request rather than of the tool: the breaker neither counts nor forgets it. */
function isCallerError(outcome: AttemptOutcome<unknown>): boolean {
  return (
    outcome.kind === 'error' &&
    (CALLER_ERROR_CODES.has(outcome.error.code) || outcome.error.requestSpecific === true)
  );
}

/**
 * One attempt's state, kept in an object rather than in closures made per call, and doubling as
 * the attempt's context. Its signal is made on first read: Node 20's AbortController costs
 * microseconds to create, and a tool that never reads its signal does not need one. A signal read
 * after the timeout or the caller's abort starts out aborted, so a tool always observes it.
 */
class AttemptRun<I, O> implements AttemptContext {
  readonly attempt: number;
  readonly sessionId: string | undefined;
  #controller: AbortController | undefined;
  #aborted = false;
  #abortReason: unknown;
  #settled = false;
  #final = false;
  #timer: TimerHandle;
  #resolve: (outcome: AttemptOutcome<O>) => void = () => {};

  constructor(
    private readonly spec: ExecutorSpec<I, O>,
    private readonly clock: Clock,
    private readonly breaker: CircuitBreaker,
    private readonly permit: BreakerPermit,
    private readonly options: CallOptions,
    attempt: number,
  ) {
    this.attempt = attempt;
    this.sessionId = options.sessionId;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#abortReason);
    }
    return this.#controller.signal;
  }

  start(input: I, scope: CallScope): Promise<AttemptOutcome<O>> {
    return new Promise<AttemptOutcome<O>>((resolve) => {
      this.#resolve = resolve;
      this.#timer = this.clock.setTimer(() => this.#onTimeout(), this.spec.policy.timeoutMs);
      // The attempt itself is the listener (see handleEvent): no closure per call.
      this.options.signal?.addEventListener('abort', this, { once: true });
      let pending: Promise<O> | O;
      try {
        pending = scope.run(() => this.spec.run(input, this));
      } catch (error) {
        this.#settle({ kind: 'error', error: toAppError(error, 'tool_failed') });
        return;
      }
      Promise.resolve(pending).then(
        (value) => this.#onValue(value),
        (error: unknown) =>
          this.#settle({ kind: 'error', error: toAppError(error, 'tool_failed') }),
      );
    });
  }

  noRetry(): void {
    this.#final = true;
  }

  /** The caller's signal aborted. */
  handleEvent(): void {
    this.#abort(this.options.signal?.reason);
    this.#settle(CANCELLED);
  }

  #onTimeout(): void {
    const { name, policy } = this.spec;
    this.#abort(new AppError('timeout', `Tool "${name}" timed out after ${policy.timeoutMs} ms`));
    this.#settle(this.#final ? TIMED_OUT_FINAL : TIMED_OUT);
  }

  #onValue(value: O): void {
    if (this.#settled || !this.spec.parseOutput) return this.#settle({ kind: 'ok', value });
    const output = this.spec.parseOutput(value);
    this.#settle(
      output.ok
        ? { kind: 'ok', value: output.value }
        : {
            kind: 'error',
            error: new AppError(
              'invalid_output',
              `Tool "${this.spec.name}" returned invalid output: ${output.message}`,
            ),
          },
    );
  }

  #abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }

  #settle(outcome: AttemptOutcome<O>): void {
    if (this.#settled) return;
    this.#settled = true;
    this.clock.clearTimer(this.#timer);
    this.options.signal?.removeEventListener('abort', this);
    const { breaker, permit } = this;
    if (outcome.kind === 'ok') breaker.success(permit);
    else if (outcome.kind === 'cancelled' || isCallerError(outcome)) breaker.release(permit);
    else breaker.failure(permit, outcome.kind === 'timeout' ? 'timeout' : outcome.error.message);
    this.#resolve(outcome);
  }
}
