import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** What is exported: spans to `/v1/traces`, metrics to `/v1/metrics`. */
export type ExportSignal = 'traces' | 'metrics';

/** Told when exports to the collector start failing and when they work again. */
export interface ExportHealthListener {
  /** The first failure after a success (or at start); later failures in a row are counted. */
  failing(signal: ExportSignal, error: Error | undefined): void;
  /** An export worked after `failures` failed ones in a row. */
  recovered(signal: ExportSignal, failures: number): void;
}

/**
 * Watches one exporter's results. The OpenTelemetry SDK hands a failed export only to its
 * process-wide diagnostic logger, silent by default, so a collector that is down or refuses the
 * data went unnoticed; this reports each run of failures once, and its end, not every export.
 */
class ExportWatch {
  #failures = 0;

  constructor(
    private readonly signal: ExportSignal,
    private readonly listener: ExportHealthListener,
  ) {}

  /** Wraps an export's result callback. */
  wrap(resultCallback: (result: ExportResult) => void): (result: ExportResult) => void {
    return (result) => {
      try {
        if (result.code === ExportResultCode.SUCCESS) {
          if (this.#failures > 0) this.listener.recovered(this.signal, this.#failures);
          this.#failures = 0;
        } else if (this.#failures++ === 0) {
          this.listener.failing(this.signal, result.error);
        }
      } finally {
        resultCallback(result);
      }
    };
  }
}

/** A span exporter that reports its failures to `listener`. */
export function watchSpanExporter(
  inner: SpanExporter,
  listener: ExportHealthListener,
): SpanExporter {
  const watch = new ExportWatch('traces', listener);
  return {
    export: (spans: ReadableSpan[], resultCallback: (result: ExportResult) => void) =>
      inner.export(spans, watch.wrap(resultCallback)),
    shutdown: () => inner.shutdown(),
    ...(inner.forceFlush ? { forceFlush: () => inner.forceFlush?.() ?? Promise.resolve() } : {}),
  };
}

/** A metric exporter that reports its failures to `listener`. */
export function watchMetricExporter(
  inner: PushMetricExporter,
  listener: ExportHealthListener,
): PushMetricExporter {
  const watch = new ExportWatch('metrics', listener);
  return {
    export: (metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void) =>
      inner.export(metrics, watch.wrap(resultCallback)),
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
    ...(inner.selectAggregationTemporality
      ? { selectAggregationTemporality: inner.selectAggregationTemporality.bind(inner) }
      : {}),
    ...(inner.selectAggregation ? { selectAggregation: inner.selectAggregation.bind(inner) } : {}),
  };
}
