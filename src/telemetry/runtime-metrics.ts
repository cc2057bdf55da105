import type { Meter } from '@opentelemetry/api';
import { createHistogram, performance } from 'node:perf_hooks';

/** What {@link observeRuntime} started; `stop` ends it. */
export interface RuntimeMetrics {
  /** Stops sampling the event loop. Safe to call twice. */
  stop(): void;
}

/** Options of {@link observeRuntime}. */
export interface RuntimeMetricsOptions {
  /** Told each time the event loop is sampled, with the delay seen in ms (for tests). */
  onSample?: (delayMs: number) => void;
}

/**
 * How often the event loop is sampled, in milliseconds. A delay is measured whatever its length;
 * this only sets how many wakeups an idle process pays for it (50 a second).
 */
const SAMPLE_MS = 20;

const NS_PER_S = 1e9;

/**
 * Observes the process on `meter`, read at each collection (a `/metrics` scrape, an OTLP export)
 * and at no other time, so that no request pays for it: resident memory, V8 heap used and total,
 * CPU seconds, active resources (sockets, timers, files: a leak shows as a climb), the start time,
 * and the event-loop delay's p50, p99 and max. The delay is of the time since the previous
 * collection (its histogram starts again at each), so that a stall shows at the next scrape and
 * then goes, as a gauge should; a collection that follows another at once repeats its figures.
 * The sampler's timer never keeps the process alive.
 *
 * @example
 * const runtime = observeRuntime(meterProvider.getMeter('support-agent'));
 * // … at shutdown:
 * runtime.stop();
 */
export function observeRuntime(meter: Meter, options: RuntimeMetricsOptions = {}): RuntimeMetrics {
  // A timer of our own: how late it fires is the delay. (`monitorEventLoopDelay` records the
  // interval itself, 20 ms on an idle loop, and on Node 20 missed a stall that began right
  // after a reset.) The histogram counts whole nanoseconds, at least 1.
  const delay = createHistogram();
  let last = performance.now();
  const sampler = setInterval(() => {
    const now = performance.now();
    const late = Math.max(0, now - last - SAMPLE_MS);
    last = now;
    delay.record(Math.max(1, Math.round(late * 1e6)));
    options.onSample?.(late);
  }, SAMPLE_MS);
  sampler.unref();
  const gauge = (name: string, description: string) =>
    meter.createObservableGauge(name, { description });
  const rss = gauge('process.resident_memory_bytes', 'Resident memory of the process, in bytes');
  const heapUsed = gauge('nodejs.heap_size_used_bytes', 'V8 heap in use, in bytes');
  const heapTotal = gauge('nodejs.heap_size_total_bytes', 'V8 heap allocated, in bytes');
  const resources = gauge(
    'nodejs.active_resources',
    'Resources keeping the event loop alive: sockets, servers, timers, file requests',
  );
  const started = gauge('process.start_time_seconds', 'When the process started, in Unix seconds');
  const lagP50 = gauge(
    'nodejs.eventloop_lag_p50_seconds',
    'Median event-loop delay since the previous collection, in seconds',
  );
  const lagP99 = gauge(
    'nodejs.eventloop_lag_p99_seconds',
    '99th percentile of the event-loop delay since the previous collection, in seconds',
  );
  const lagMax = gauge(
    'nodejs.eventloop_lag_max_seconds',
    'Longest event-loop delay since the previous collection, in seconds',
  );
  const cpu = meter.createObservableCounter('process.cpu_seconds', {
    description: 'CPU time of the process, user and system, in seconds',
  });
  const startTime = performance.timeOrigin / 1000;
  let lag = { p50: 0, p99: 0, max: 0 };
  meter.addBatchObservableCallback(
    (result) => {
      const memory = process.memoryUsage();
      result.observe(rss, memory.rss);
      result.observe(heapUsed, memory.heapUsed);
      result.observe(heapTotal, memory.heapTotal);
      result.observe(resources, process.getActiveResourcesInfo().length);
      result.observe(started, startTime);
      const { user, system } = process.cpuUsage();
      result.observe(cpu, (user + system) / 1e6);
      // Without a sample since the last collection (two readers collecting together), the
      // figures of that one stand: an empty histogram's percentiles are 0 and its minimum huge.
      if (delay.count > 0) {
        lag = {
          p50: delay.percentile(50) / NS_PER_S,
          p99: delay.percentile(99) / NS_PER_S,
          max: delay.max / NS_PER_S,
        };
        delay.reset();
      }
      result.observe(lagP50, lag.p50);
      result.observe(lagP99, lag.p99);
      result.observe(lagMax, lag.max);
    },
    [rss, heapUsed, heapTotal, resources, started, lagP50, lagP99, lagMax, cpu],
  );
  return { stop: () => clearInterval(sampler) };
}
