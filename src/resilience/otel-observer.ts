import {
  context,
  INVALID_SPAN_CONTEXT,
  trace,
  SpanStatusCode,
  type Attributes,
  type Meter,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { Logger } from 'pino';
import type {
  CorrelationContext,
  HistogramSeries,
  LeanHistogram,
  LeanMetricProducer,
} from '../telemetry/index.js';
import type { BreakerSnapshot, BreakerState } from './circuit-breaker.js';
import type { CallObserver, CallScope, RetryEvent } from './observer.js';
import { TOOL_OUTCOMES, type ToolOutcome, type ToolResult } from './tool-result.js';

/** The span of calls when tracing is off: it records nothing and costs nothing to share. */
const NO_SPAN: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** What a span's status says of each failed outcome, beside its code: fixed words, no input. */
const FAILED: Readonly<Record<Exclude<ToolOutcome, 'ok' | 'cancelled'>, string>> = {
  error: 'the tool call failed',
  timeout: 'the tool did not answer in time',
  circuit_open: 'refused: the circuit breaker of the tool is open',
  rejected: 'refused: the tool has as many calls as it takes',
};

/** Numeric value of a breaker state on the `support_agent_tool_breaker_state` gauge. */
export const BREAKER_STATE_VALUE: Readonly<Record<BreakerState, number>> = {
  closed: 0,
  half_open: 1,
  open: 2,
};

/** Dependencies of {@link OtelCallObserver}. */
export interface OtelObserverDeps {
  tracer: Tracer;
  meter: Meter;
  /** Where the duration histogram lives: recorded on the hot path without attribute hashing. */
  histograms: LeanMetricProducer;
  logger: Logger;
  correlation: CorrelationContext;
  /** False when no span can be recorded: calls then make no span at all. */
  tracingEnabled: boolean;
  /** Every tool's breaker, read when metrics are collected. */
  breakers: () => Iterable<[string, BreakerSnapshot]>;
}

interface ToolStats {
  counts: Record<ToolOutcome, number>;
  attributes: Record<ToolOutcome, Attributes>;
  durations: Record<ToolOutcome, HistogramSeries>;
  log: Logger;
}

/**
 * Turns tool calls into OpenTelemetry spans and metrics and structured logs.
 *
 * - One span `execute_tool {tool}` per call (`gen_ai.operation.name = execute_tool`,
 *   `gen_ai.tool.name`, outcome, attempts, session and request ids); each retry is a span event.
 * - `support_agent.tool.calls` (by tool and outcome) and `support_agent.tool.breaker.state` are
 *   observable instruments read at collection time from plain counters, which keeps the hot path
 *   cheap; `support_agent.tool.duration_seconds` is a histogram recorded the same cheap way.
 * - A warning log line for each retry, failure and breaker change; a debug line per success.
 */
export class OtelCallObserver implements CallObserver {
  readonly #deps: OtelObserverDeps;
  readonly #stats = new Map<string, ToolStats>();
  readonly #duration: LeanHistogram;

  constructor(deps: OtelObserverDeps) {
    this.#deps = deps;
    this.#duration = deps.histograms.histogram('support_agent.tool.duration_seconds', {
      description: 'Duration of tool calls, retries included',
      unit: 's',
      boundaries: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    });
    deps.meter
      .createObservableCounter('support_agent.tool.calls', {
        description: 'Tool calls by tool and outcome',
      })
      .addCallback((result) => {
        for (const stats of this.#stats.values()) {
          for (const outcome of TOOL_OUTCOMES) {
            if (stats.counts[outcome] > 0)
              result.observe(stats.counts[outcome], stats.attributes[outcome]);
          }
        }
      });
    deps.meter
      .createObservableGauge('support_agent.tool.breaker.state', {
        description: 'Circuit breaker state per tool: 0 closed, 1 half-open, 2 open',
      })
      .addCallback((result) => {
        for (const [tool, snapshot] of deps.breakers()) {
          result.observe(BREAKER_STATE_VALUE[snapshot.state], { tool });
        }
      });
  }

  start(tool: string, sessionId: string | undefined): CallScope {
    if (!this.#deps.tracingEnabled)
      return new Scope(this, this.#statsOf(tool), NO_SPAN, performance.now());
    const ids = this.#deps.correlation.get();
    const session = sessionId ?? ids?.sessionId;
    const span = this.#deps.tracer.startSpan(`execute_tool ${tool}`, {
      attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': tool },
    });
    if (span.isRecording()) {
      if (session !== undefined) span.setAttribute('session.id', session);
      if (ids?.requestId !== undefined) span.setAttribute('request.id', ids.requestId);
    }
    return new Scope(this, this.#statsOf(tool), span, performance.now());
  }

  breakerChanged(
    tool: string,
    state: BreakerState,
    previous: BreakerState,
    snapshot: BreakerSnapshot,
  ): void {
    const log = this.#statsOf(tool).log;
    const fields = { tool, state, previous, consecutiveFailures: snapshot.consecutiveFailures };
    if (state === 'open')
      log.warn({ ...fields, lastError: snapshot.lastError }, `circuit breaker of ${tool} opened`);
    else log.info(fields, `circuit breaker of ${tool} is ${state.replace('_', '-')}`);
  }

  /** @internal */
  record(stats: ToolStats, outcome: ToolOutcome, seconds: number): void {
    stats.counts[outcome]++;
    stats.durations[outcome].record(seconds);
  }

  #statsOf(tool: string): ToolStats {
    let stats = this.#stats.get(tool);
    if (!stats) {
      const counts = {} as Record<ToolOutcome, number>;
      const attributes = {} as Record<ToolOutcome, Attributes>;
      const durations = {} as Record<ToolOutcome, HistogramSeries>;
      for (const outcome of TOOL_OUTCOMES) {
        counts[outcome] = 0;
        attributes[outcome] = { tool, outcome };
        durations[outcome] = this.#duration.series(attributes[outcome]);
      }
      stats = { counts, attributes, durations, log: this.#deps.logger.child({ tool }) };
      this.#stats.set(tool, stats);
    }
    return stats;
  }
}

class Scope implements CallScope {
  constructor(
    private readonly observer: OtelCallObserver,
    private readonly stats: ToolStats,
    private readonly span: Span,
    private readonly startedAt: number,
  ) {}

  run<T>(fn: () => T): T {
    if (!this.span.isRecording()) return fn();
    return context.with(trace.setSpan(context.active(), this.span), fn);
  }

  retry(event: RetryEvent): void {
    this.span.addEvent('retry', {
      'support_agent.tool.attempt': event.attempt,
      'support_agent.tool.retry_delay_ms': event.delayMs,
      'error.type': event.code,
    });
    this.stats.log.warn(
      { attempt: event.attempt, delayMs: event.delayMs, code: event.code, reason: event.message },
      'tool call failed; retrying',
    );
  }

  end(result: ToolResult): void {
    const seconds = (performance.now() - this.startedAt) / 1000;
    this.observer.record(this.stats, result.type, seconds);
    const span = this.span;
    if (span.isRecording()) {
      const usage = result.type === 'ok' ? tokenUsage(result.value) : undefined;
      if (usage) {
        span.setAttribute('gen_ai.usage.input_tokens', usage.inputTokens);
        span.setAttribute('gen_ai.usage.output_tokens', usage.outputTokens);
      }
      span.setAttribute('support_agent.tool.outcome', result.type);
      span.setAttribute('support_agent.tool.attempts', result.attempts);
      // A cancelled call (the customer left, the caller gave up) is no failure of the tool: its
      // outcome attribute says so, and its status stays unset rather than an error.
      if (result.type !== 'ok' && result.type !== 'cancelled') {
        const code = result.type === 'error' ? result.code : result.type;
        span.setAttribute('error.type', code);
        // Never the result's own message: a tool's error may quote its input (the customer's
        // words) or an upstream's answer, and spans leave for a collector that no redaction
        // guards. The code and a fixed sentence say what happened; the log line has the rest.
        span.setStatus({ code: SpanStatusCode.ERROR, message: `${code}: ${FAILED[result.type]}` });
      }
    }
    span.end();
    if (result.type === 'ok') {
      if (this.stats.log.isLevelEnabled('debug')) {
        this.stats.log.debug(
          { outcome: 'ok', attempts: result.attempts, durationMs: result.durationMs },
          'tool call ok',
        );
      }
    } else if (result.type === 'circuit_open') {
      // Refused without a call: the tool's outage was told once, when its breaker opened, and
      // each refusal is counted in the metrics rather than written again.
      if (this.stats.log.isLevelEnabled('debug')) {
        this.stats.log.debug(
          { outcome: result.type, durationMs: result.durationMs },
          'tool call refused: circuit open',
        );
      }
    } else if (result.type !== 'cancelled') {
      this.stats.log.warn(
        {
          outcome: result.type,
          code: result.type === 'error' ? result.code : result.type,
          attempts: result.attempts,
          durationMs: result.durationMs,
          reason: result.message,
        },
        `tool call ended with ${result.type}`,
      );
    }
  }
}

/** Token counts of a model call's value, when it reports them (`{ usage: { inputTokens, outputTokens } }`). */
function tokenUsage(value: unknown): { inputTokens: number; outputTokens: number } | undefined {
  const usage = (value as { usage?: { inputTokens?: unknown; outputTokens?: unknown } } | null)
    ?.usage;
  if (typeof usage?.inputTokens !== 'number' || typeof usage.outputTokens !== 'number')
    return undefined;
  return { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens };
}
