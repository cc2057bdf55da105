import { context, type Meter, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type MetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  watchMetricExporter,
  watchSpanExporter,
  type ExportHealthListener,
} from './export-watch.js';
import { LeanMetricProducer } from './lean-histogram.js';
import { observeRuntime } from './runtime-metrics.js';
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  type Sampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** Options of {@link setupTelemetry}. */
export interface TelemetryOptions {
  serviceName: string;
  serviceVersion?: string;
  /** OTLP/HTTP collector base URL; traces go to `/v1/traces`, metrics to `/v1/metrics`. */
  otlpEndpoint?: string | undefined;
  /** More span processors, e.g. a `SimpleSpanProcessor(new InMemorySpanExporter())` in tests. */
  spanProcessors?: SpanProcessor[];
  /** The sampler; every span is recorded by default. */
  sampler?: Sampler;
  /** How often metrics are pushed to the OTLP endpoint. */
  metricExportIntervalMs?: number;
  /** Told when exports to the OTLP endpoint start failing and when they work again. */
  exportHealth?: ExportHealthListener;
  /** Told each time the event loop is sampled, with the delay seen in ms (for tests). */
  onEventLoopSample?: (delayMs: number) => void;
}

/** The tracer and meter of an app, with Prometheus exposition and shutdown. */
export interface Telemetry {
  readonly tracer: Tracer;
  /**
   * False when no span can ever be recorded: no exporter or processor is set up, or the sampler
   * is always-off. Instrumentation then skips making spans at all.
   */
  readonly tracingEnabled: boolean;
  readonly meter: Meter;
  /** Histograms for hot paths, exported with the meter's metrics (see {@link LeanMetricProducer}). */
  readonly histograms: LeanMetricProducer;
  /** The metrics in the Prometheus text exposition format, for `GET /metrics`. */
  renderPrometheus(): Promise<string>;
  /** Sends what is buffered to the exporters; resolves even when an export fails. */
  flush(): Promise<void>;
  /** Flushes and stops the providers. */
  shutdown(): Promise<void>;
}

let contextManagerReady = false;

/**
 * The OpenTelemetry API keeps the active context process-wide; spans only nest across `await`
 * with an AsyncLocalStorage context manager, so one is installed once for the whole process.
 */
function ensureContextManager(): void {
  if (contextManagerReady) return;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  contextManagerReady = true;
}

/** How long one export to the collector may take (the exporters' default is 10 s). */
const EXPORT_TIMEOUT_MS = 2_000;
/** How long shutdown waits for the last exports before it lets the process go. */
const SHUTDOWN_LIMIT_MS = 3_000;

/**
 * Sets up the OpenTelemetry SDK for one app: a tracer provider (OTLP export when configured,
 * plus any given processors) and a meter provider read by a Prometheus reader (and pushed over
 * OTLP when configured), with the process's own metrics (see `observeRuntime`). Nothing is
 * registered globally except the context manager.
 *
 * @example
 * const telemetry = setupTelemetry({ serviceName: 'support-agent' });
 * const text = await telemetry.renderPrometheus();
 */
export function setupTelemetry(options: TelemetryOptions): Telemetry {
  ensureContextManager();
  const resource = resourceFromAttributes({
    'service.name': options.serviceName,
    'service.version': options.serviceVersion ?? '0.1.0',
  });

  const spanProcessors = [...(options.spanProcessors ?? [])];
  const endpoint = options.otlpEndpoint?.replace(/\/+$/, '');
  const health = options.exportHealth ?? { failing() {}, recovered() {} };
  if (endpoint) {
    spanProcessors.push(
      new BatchSpanProcessor(
        watchSpanExporter(
          new OTLPTraceExporter({ url: `${endpoint}/v1/traces`, timeoutMillis: EXPORT_TIMEOUT_MS }),
          health,
        ),
        { exportTimeoutMillis: EXPORT_TIMEOUT_MS },
      ),
    );
  }
  const tracerProvider = new BasicTracerProvider({
    resource,
    spanProcessors,
    ...(options.sampler ? { sampler: options.sampler } : {}),
  });

  const histograms = new LeanMetricProducer(resource);
  const prometheus = new PrometheusExporter({
    preventServerStart: true,
    metricProducers: [histograms],
  });
  const readers: MetricReader[] = [prometheus];
  if (endpoint) {
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: watchMetricExporter(
          new OTLPMetricExporter({
            url: `${endpoint}/v1/metrics`,
            timeoutMillis: EXPORT_TIMEOUT_MS,
          }),
          health,
        ),
        exportTimeoutMillis: EXPORT_TIMEOUT_MS,
        exportIntervalMillis: options.metricExportIntervalMs ?? 15_000,
        metricProducers: [histograms],
      }),
    );
  }
  const meterProvider = new MeterProvider({ resource, readers });
  const meter = meterProvider.getMeter('support-agent');
  // Read only when metrics are collected; stopped at shutdown.
  const runtime = observeRuntime(
    meter,
    options.onEventLoopSample ? { onSample: options.onEventLoopSample } : {},
  );
  const serializer = new PrometheusSerializer(undefined, false, undefined, false, true);

  const tracingEnabled =
    spanProcessors.length > 0 && !(options.sampler instanceof AlwaysOffSampler);

  return {
    tracer: tracerProvider.getTracer('support-agent'),
    tracingEnabled,
    meter,
    histograms,
    async renderPrometheus() {
      const { resourceMetrics, errors } = await prometheus.collect();
      if (errors.length > 0) throw new AggregateError(errors, 'Collecting metrics failed');
      return serializer.serialize(resourceMetrics);
    },
    async flush() {
      // A failed export is told to `exportHealth`; it does not fail the caller that flushes.
      await Promise.allSettled([tracerProvider.forceFlush(), meterProvider.forceFlush()]);
    },
    async shutdown() {
      runtime.stop();
      // A collector that does not answer must not hold the process: the last exports get their
      // time, and then the process goes on without them.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, SHUTDOWN_LIMIT_MS);
          timer.unref();
        }),
      ]);
      clearTimeout(timer);
    },
  };
}
