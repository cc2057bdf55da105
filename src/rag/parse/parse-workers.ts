import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../errors/index.js';
import { abortError, throwIfAborted } from './errors.js';
import { roughSize, type ParseLimits } from './limits.js';
import { createSlots } from './slots.js';
import type { ParsedDocument } from './types.js';
import type { WorkerJob, WorkerReply } from './worker-protocol.js';

/** Options of {@link createParseWorkers}. */
export interface ParseWorkersOptions {
  /** Files parsed at once; more wait their turn. Default: the cores but one, from 2 to 4. */
  concurrency?: number;
  /**
   * The JavaScript heap of one worker, in MiB (its `maxOldGenerationSizeMb`); default 512.
   * Past it the parse is stopped. Memory outside that heap (what pdf.js inflates a compressed
   * stream into) is watched too: the parse is stopped when the process has grown by twice this
   * much since the parse started.
   */
  memoryMb?: number;
  /** Most time one parse may take, in ms; default 30 s. Past it the parse is stopped. */
  timeoutMs?: number;
}

/** Parses files in worker threads that can be stopped: see {@link createParseWorkers}. */
export interface ParseWorkers {
  /** `parseBytes` in a worker; throws the `AppError` the worker threw, or one of the limits. */
  parse(
    bytes: Uint8Array,
    fileName: string,
    limits: ParseLimits,
    signal?: AbortSignal,
  ): Promise<ParsedDocument[]>;
}

const DEFAULT_MEMORY_MB = 512;
const DEFAULT_TIMEOUT_MS = 30_000;
/** How often the process's memory is checked while a worker parses. */
const MEMORY_CHECK_MS = 50;
/** An idle worker is kept this long for the next file, then ended. */
const IDLE_MS = 10_000;
const MiB = 1024 * 1024;

/**
 * Runs parses in worker threads, at most `concurrency` at once. A parse can otherwise hold the
 * event loop for as long as the file makes it work (pdf.js reads a PDF synchronously, and cannot
 * be told to stop inflating a stream), so a worker is given a heap limit and a time limit, and is
 * terminated when it passes either, when the process's memory grows by twice its heap limit, or
 * when `signal` aborts. A file past a limit fails with an `AppError` that says which (`timeout`,
 * or `payload_too_large` for memory); the next file gets a fresh worker.
 *
 * A worker whose parse ended by itself (with documents or with the parser's error) is kept for
 * the next file for a few seconds: starting one and loading the parsers costs 0.1 to 0.2 s. Idle
 * workers never keep the process alive.
 *
 * @example
 * const workers = createParseWorkers({ timeoutMs: 20_000 });
 * const docs = await parseFile(bytes, 'manual.pdf', { workers, signal });
 */
export function createParseWorkers(options: ParseWorkersOptions = {}): ParseWorkers {
  const settings = {
    concurrency: options.concurrency ?? Math.min(4, Math.max(2, availableParallelism() - 1)),
    memoryMb: options.memoryMb ?? DEFAULT_MEMORY_MB,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
  for (const [name, value] of Object.entries(settings)) {
    if (!(value > 0)) throw new RangeError(`${name} must be a positive number, got ${value}`);
  }
  const slots = createSlots(settings.concurrency);
  const idle = new Map<Worker, NodeJS.Timeout>();

  const take = (): Worker => {
    for (const [worker, timer] of idle) {
      clearTimeout(timer);
      idle.delete(worker);
      return worker;
    }
    const worker = startWorker(settings.memoryMb);
    worker.unref();
    worker.on('exit', () => {
      clearTimeout(idle.get(worker));
      idle.delete(worker);
    });
    return worker;
  };
  const park = (worker: Worker): void => {
    const timer = setTimeout(() => {
      idle.delete(worker);
      void worker.terminate();
    }, IDLE_MS);
    timer.unref();
    idle.set(worker, timer);
  };

  return {
    async parse(bytes, fileName, limits, signal) {
      const release = await slots.acquire(fileName, signal);
      try {
        throwIfAborted(signal, fileName);
        return await runJob(take(), { bytes, fileName, limits }, settings, signal, park);
      } finally {
        release();
      }
    },
  };
}

/**
 * Sends `job` to `worker` and settles with its reply, or with the limit it passed. The worker is
 * handed to `park` when it replied, and terminated otherwise.
 */
function runJob(
  worker: Worker,
  job: WorkerJob,
  settings: { memoryMb: number; timeoutMs: number },
  signal: AbortSignal | undefined,
  park: (worker: Worker) => void,
): Promise<ParsedDocument[]> {
  const { fileName } = job;
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (settle: () => void, reusable = false): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearInterval(watch);
      signal?.removeEventListener('abort', onAbort);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      if (reusable) park(worker);
      else void worker.terminate();
      settle();
    };
    const tooLong = new AppError(
      'timeout',
      `reading it took longer than the ${settings.timeoutMs / 1000} s this service gives one file`,
      { details: { fileName, limit: settings.timeoutMs } },
    );
    const tooBig = new AppError(
      'payload_too_large',
      `reading it needs more than the ${roughSize(settings.memoryMb * MiB)} of memory this service gives one file`,
      { details: { fileName, limit: settings.memoryMb * MiB } },
    );
    const timer = setTimeout(() => finish(() => reject(tooLong)), settings.timeoutMs);
    const baseline = process.memoryUsage.rss();
    const watch = setInterval(() => {
      if (process.memoryUsage.rss() - baseline > 2 * settings.memoryMb * MiB) {
        finish(() => reject(tooBig));
      }
    }, MEMORY_CHECK_MS);
    const onAbort = (): void => finish(() => reject(abortError(signal as AbortSignal, fileName)));
    const onMessage = (message: WorkerReply): void =>
      finish(
        () =>
          message.type === 'ok' ? resolve(message.documents) : reject(toError(message, fileName)),
        true,
      );
    const onError = (error: Error & { code?: string }): void =>
      finish(() =>
        reject(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? tooBig : unexpected(error, fileName)),
      );
    const onExit = (code: number): void =>
      finish(() => reject(unexpected(new Error(`exit code ${code}`), fileName)));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    // The worker gets its own copy: the caller keeps its bytes (to hash and store them).
    const bytes = new Uint8Array(job.bytes);
    worker.postMessage({ ...job, bytes } satisfies WorkerJob, [bytes.buffer]);
  });
}

/** This module as TypeScript (tests, `tsx`) or as compiled JavaScript (`dist`, benchmarks). */
const WORKER_URL = new URL(
  import.meta.url.endsWith('.ts') ? './parse-worker.ts' : './parse-worker.js',
  import.meta.url,
);

function startWorker(memoryMb: number): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: memoryMb };
  if (!WORKER_URL.pathname.endsWith('.ts')) return new Worker(WORKER_URL, { resourceLimits });
  // A worker cannot load TypeScript by itself: it is loaded through tsx (a development
  // dependency), as the tests start the CLI.
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const url = JSON.stringify(WORKER_URL.href);
  const code = `import(${tsx}).then(({ tsImport }) => tsImport(${url}, ${url}));`;
  return new Worker(code, { eval: true, resourceLimits });
}

function toError(message: Extract<WorkerReply, { type: 'error' }>, fileName: string): AppError {
  const { code, message: text, details } = message.error;
  if (code === undefined) return unexpected(new Error(text), fileName);
  return new AppError(code, text, { details: { ...details, fileName } });
}

function unexpected(error: Error, fileName: string): AppError {
  return new AppError('internal', `reading the file failed unexpectedly (${error.message})`, {
    details: { fileName },
    cause: error,
  });
}
