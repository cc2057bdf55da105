import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import type { DestinationStream } from 'pino';
import { z } from 'zod';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { defineTool } from '../src/tools/index.js';

/** Options of {@link runWrapperBench}; the defaults are what `npm run bench -- wrapper` uses. */
export interface WrapperBenchOptions {
  /** Measured rounds; each runs every variant once, in rotating order. */
  rounds?: number;
  /** Sequential awaited calls per variant per round. */
  callsPerRound?: number;
  /** Calls per variant before measuring; `min(50_000, callsPerRound)` by default. */
  warmupCalls?: number;
}

/** Per-variant figures, in microseconds per call. */
export interface WrapperVariants<T> {
  bare: T;
  wrapped_not_recording: T;
  wrapped_recording: T;
}

/** What {@link runWrapperBench} measured; printed as JSON by `bench/main.ts`. */
export interface WrapperBenchResult extends WrapperVariants<number> {
  benchmark: 'wrapper';
  node: string;
  unit: 'us_per_call';
  /** `wrapped_not_recording - bare`. */
  overhead_not_recording: number;
  /** `wrapped_recording - bare`. */
  overhead_recording: number;
  targets: { overhead_not_recording: number; overhead_recording: number };
  meets_target: { overhead_not_recording: boolean; overhead_recording: boolean };
  rounds: number;
  calls_per_round: number;
  warmup_calls: number;
  /** Calls whose result was not the expected `ok` value; anything but 0 voids the figures. */
  failures: number;
  /** Spans the recording app handed to its exporter, and how many recorded calls it should. */
  spans_exported: number;
  spans_expected: number;
  /** Log lines the apps wrote; a success path should write none at `info`. */
  log_lines: number;
  /** Every round's figure per variant, to judge the noise behind the medians. */
  samples: WrapperVariants<number[]>;
}

/** The budget of the tool-call wrapper, in microseconds per call. */
export const WRAPPER_TARGETS_US = { overhead_not_recording: 3, overhead_recording: 8 } as const;

type Variant = keyof WrapperVariants<unknown>;
const VARIANTS: readonly Variant[] = ['bare', 'wrapped_not_recording', 'wrapped_recording'];

/** What a production exporter costs on the hot path minus the network: the batch is dropped. */
class DiscardingExporter implements SpanExporter {
  exported = 0;

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.exported += spans.length;
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** The function under test; the tool wraps the very same body. */
const bare = async (input: { n: number }): Promise<number> => input.n + 1;

const echo = defineTool({
  name: 'echo',
  description: 'adds one',
  input: z.object({ n: z.number() }),
  async execute({ n }) {
    return n + 1;
  },
});

// One loop per shape, not one loop taking a callback: a shared call site would turn
// polymorphic and tax every variant by an amount that has nothing to do with the wrapper.
async function bareLoop(calls: number): Promise<{ ns: number; failures: number }> {
  let failures = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) {
    const value = await bare({ n: i });
    if (value !== i + 1) failures++;
  }
  const ns = Number(process.hrtime.bigint() - start);
  return { ns, failures };
}

async function wrappedLoop(app: App, calls: number): Promise<{ ns: number; failures: number }> {
  const tools = app.tools;
  let failures = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) {
    const result = await tools.call<number>('echo', { n: i });
    // Checked on every call, so a broken path (timeout, open breaker) cannot pass for a fast one.
    if (result.type !== 'ok' || result.value !== i + 1) failures++;
  }
  const ns = Number(process.hrtime.bigint() - start);
  return { ns, failures };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const upper = sorted[mid] ?? Number.NaN;
  if (sorted.length % 2 === 1) return upper;
  return ((sorted[mid - 1] ?? Number.NaN) + upper) / 2;
}

const round3 = (us: number): number => Math.round(us * 1000) / 1000;

/**
 * Measures the per-call cost of the tool-call wrapper against calling the bare function, with
 * spans not recorded (sampler off) and with every span recorded through a `BatchSpanProcessor`,
 * as in production. The three variants are interleaved within each round and the median over
 * rounds is kept, because shared machines drift more between rounds than within one.
 *
 * @example
 * const result = await runWrapperBench({ rounds: 3, callsPerRound: 1_000 });
 * if (result.failures > 0) throw new Error('the wrapper did not return ok');
 */
export async function runWrapperBench(
  options: WrapperBenchOptions = {},
): Promise<WrapperBenchResult> {
  const rounds = options.rounds ?? 7;
  const callsPerRound = options.callsPerRound ?? 100_000;
  const warmupCalls = options.warmupCalls ?? Math.min(50_000, callsPerRound);
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError('rounds must be >= 1');
  if (!Number.isInteger(callsPerRound) || callsPerRound < 1) {
    throw new RangeError('callsPerRound must be >= 1');
  }
  if (!Number.isInteger(warmupCalls) || warmupCalls < 0) {
    throw new RangeError('warmupCalls must be >= 0');
  }

  // `info` is the production level: the wrapper logs only debug lines on success, so this
  // measures what production pays. Lines go to stderr so that a failure cannot corrupt the
  // JSON on stdout, and are counted because a success path should write none.
  const config = loadConfig({ env: { LOG_LEVEL: 'info' } });
  let logLines = 0;
  const logDestination: DestinationStream = {
    write(line: string) {
      logLines++;
      process.stderr.write(line);
    },
  };
  const exporter = new DiscardingExporter();
  // Separate apps: each builds its own tracer provider, and the sampler is per provider.
  const apps: Record<Exclude<Variant, 'bare'>, App> = {
    wrapped_not_recording: createApp(config, {
      tools: [echo],
      databasePath: ':memory:',
      sampler: new AlwaysOffSampler(),
      logDestination,
    }),
    wrapped_recording: createApp(config, {
      tools: [echo],
      databasePath: ':memory:',
      sampler: new AlwaysOnSampler(),
      spanProcessors: [new BatchSpanProcessor(exporter)],
      logDestination,
    }),
  };

  // On Node 20, AsyncLocalStorage works through promise hooks that tax every promise in the
  // process once any store has been entered. The server always has them on (each request runs
  // in `correlation.run`) and the recording app would turn them on at its first span anyway;
  // turning them on before anything is measured makes every variant, bare included, pay alike.
  apps.wrapped_not_recording.correlation.run({}, () => undefined);

  const run = (variant: Variant, calls: number) =>
    variant === 'bare' ? bareLoop(calls) : wrappedLoop(apps[variant], calls);

  let failures = 0;
  const samples: WrapperVariants<number[]> = {
    bare: [],
    wrapped_not_recording: [],
    wrapped_recording: [],
  };
  try {
    for (const variant of VARIANTS) failures += (await run(variant, warmupCalls)).failures;
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < VARIANTS.length; k++) {
        // Rotating the order spreads any penalty of going first (or right after GC-heavy
        // recording) over every variant.
        const variant = VARIANTS[(r + k) % VARIANTS.length] as Variant;
        const { ns, failures: failed } = await run(variant, callsPerRound);
        failures += failed;
        samples[variant].push(ns / callsPerRound / 1000);
      }
    }
    await apps.wrapped_recording.telemetry.flush();
  } finally {
    await Promise.all([apps.wrapped_not_recording.close(), apps.wrapped_recording.close()]);
  }

  const us = {
    bare: median(samples.bare),
    wrapped_not_recording: median(samples.wrapped_not_recording),
    wrapped_recording: median(samples.wrapped_recording),
  };
  const overheadNotRecording = us.wrapped_not_recording - us.bare;
  const overheadRecording = us.wrapped_recording - us.bare;
  return {
    benchmark: 'wrapper',
    node: process.version,
    unit: 'us_per_call',
    bare: round3(us.bare),
    wrapped_not_recording: round3(us.wrapped_not_recording),
    wrapped_recording: round3(us.wrapped_recording),
    overhead_not_recording: round3(overheadNotRecording),
    overhead_recording: round3(overheadRecording),
    targets: { ...WRAPPER_TARGETS_US },
    meets_target: {
      overhead_not_recording: overheadNotRecording <= WRAPPER_TARGETS_US.overhead_not_recording,
      overhead_recording: overheadRecording <= WRAPPER_TARGETS_US.overhead_recording,
    },
    rounds,
    calls_per_round: callsPerRound,
    warmup_calls: warmupCalls,
    failures,
    spans_exported: exporter.exported,
    spans_expected: warmupCalls + rounds * callsPerRound,
    log_lines: logLines,
    samples: {
      bare: samples.bare.map(round3),
      wrapped_not_recording: samples.wrapped_not_recording.map(round3),
      wrapped_recording: samples.wrapped_recording.map(round3),
    },
  };
}
