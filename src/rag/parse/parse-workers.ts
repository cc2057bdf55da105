import { availableParallelism } from 'node:os';
import { AppError, isAppError } from '../../errors/index.js';
import { abortError, throwIfAborted } from './errors.js';
import { roughSize, type ParseLimits } from './limits.js';
import {
  createMemoryBudget,
  type MemoryBudget,
  type MemoryBudgetOptions,
} from './memory-budget.js';
import { parsersMemory, startParser, type ParserProcess } from './parser-process.js';
import { createSlots, type Slots } from './slots.js';
import type { ParsedDocument } from './types.js';
import type { WorkerJob, WorkerMessage, WorkerReply } from './worker-protocol.js';

/** Options of {@link createParseWorkers}; their defaults are {@link DEFAULT_PARSE_WORKERS}. */
export interface ParseWorkersOptions {
  /** Files parsed at once; more wait their turn. Default: {@link defaultParseConcurrency}. */
  concurrency?: number;
  /**
   * The JavaScript heap of one worker, in MiB (its `--max-old-space-size`); default 512.
   * Past it the parse is stopped.
   */
  memoryMb?: number;
  /**
   * How much the process and its workers may grow while files are parsed, all parses together,
   * in MiB; default 768. Past it the parses are stopped (see {@link createParseWorkers}). This
   * bounds what the heap limit does not: the memory pdf.js inflates a compressed stream into.
   */
  memoryBudgetMb?: number;
  /**
   * The memory budget shared with other sets of workers (see {@link createParseCapacity});
   * it replaces `memoryBudgetMb`. Default: the process's, when `memoryBudgetMb` is not given
   * either — every set of workers made with the defaults (ingestion and the attachments tool
   * given no workers, `parseFile` given none) shares one budget. The app makes one from its
   * configuration (`PARSE_MEMORY_BUDGET_MB`) and gives it to every set it makes.
   */
  capacity?: ParseCapacity;
  /**
   * Most time one parse may take, in ms; default 30 s. Past it the parse is stopped. It is
   * counted from when the worker begins to parse: a new worker first starts, and loads the
   * parsers the file needs, which is not the file's doing (see `startTimeoutMs`).
   */
  timeoutMs?: number;
  /**
   * Most time a worker may take to begin to parse a file it is sent (to start, when it is new,
   * and load the parsers the file needs), in ms; past it the parse is stopped. Default:
   * `timeoutMs`, and at least 30 s — 0.1 to 0.25 s is usual, but over 2 s through tsx while
   * several workers start at once.
   */
  startTimeoutMs?: number;
}

/**
 * A memory budget that sets of parse workers share: see {@link createParseCapacity}. Opaque;
 * pass it to `createParseWorkers`.
 */
export interface ParseCapacity {
  readonly memoryBudgetMb: number;
  readonly budget: MemoryBudget;
  /**
   * Every parse holds a place while it runs; a parse tried again alone holds them all, so that
   * nothing else of any set sharing the budget runs beside it.
   */
  readonly gate: Slots;
  /** Workers being ended: their memory is not given back until they are gone. */
  readonly exiting: Set<Promise<unknown>>;
}

/** More places than parses ever run at once: a parse takes one, one tried alone takes all. */
const GATE_PLACES = 1 << 20;

/**
 * A memory budget for the parses of several sets of workers together: what the process and all
 * its parse workers hold (see `parsersMemory`), read with `options.rss` when given. Two sets with
 * a budget each would let the machine's memory go to both: sets made with the same capacity are
 * held to one. A parse stopped for the budget while others ran is tried again alone — alone among
 * every set sharing the capacity.
 */
export function createParseCapacity(
  memoryBudgetMb = DEFAULT_MEMORY_BUDGET_MB,
  options: MemoryBudgetOptions = {},
): ParseCapacity {
  if (!(memoryBudgetMb > 0)) {
    throw new RangeError(`memoryBudgetMb must be a positive number, got ${memoryBudgetMb}`);
  }
  return {
    memoryBudgetMb,
    budget: createMemoryBudget(memoryBudgetMb * MiB, { rss: processAndParsersMemory, ...options }),
    gate: createSlots(GATE_PLACES),
    exiting: new Set(),
  };
}

function processAndParsersMemory(): number {
  return process.memoryUsage.rss() + parsersMemory();
}

let processCapacity: ParseCapacity | undefined;

/** The capacity of every set of workers made with the default budget. */
function defaultCapacity(): ParseCapacity {
  processCapacity ??= createParseCapacity();
  return processCapacity;
}

/** Parses files in worker processes that can be stopped: see {@link createParseWorkers}. */
export interface ParseWorkers {
  /**
   * Most time one parse may take, in ms (`timeoutMs`, counted from when the worker begins the
   * file): for a caller that reads several files within a time of its own, to make that time
   * from it (see the attachments tool).
   */
  readonly timeoutMs: number;
  /**
   * `parseBytes` in a worker; throws the `AppError` the worker threw, or one of the limits. A
   * parse stopped for a limit or by `signal` throws an `AppError` whose `details.stopped` says
   * which (`'memory'`, `'time'` or `'cancelled'`), for the caller to log.
   */
  parse(
    bytes: Uint8Array,
    fileName: string,
    limits: ParseLimits,
    signal?: AbortSignal,
  ): Promise<ParsedDocument[]>;
}

/** Why a worker was ended before it answered. */
export type ParseStop = 'memory' | 'time' | 'cancelled';

/** A parse that was stopped, as its log line tells it: see {@link stoppedParse}. */
export interface StoppedParse {
  stopped: ParseStop;
  /** The limit it passed (bytes or ms), when one was. */
  limit?: unknown;
  elapsedMs?: unknown;
}

/**
 * Why the parse that threw `error` was stopped, the limit it passed and how long it ran; or
 * `undefined` when it was not stopped (it ended with the parser's own error).
 */
export function stoppedParse(error: unknown): StoppedParse | undefined {
  if (!isAppError(error)) return undefined;
  const details = error.details ?? {};
  const stopped = details['stopped'];
  if (stopped !== 'memory' && stopped !== 'time' && stopped !== 'cancelled') return undefined;
  return { stopped, limit: details['limit'], elapsedMs: details['elapsedMs'] };
}

/**
 * The defaults of {@link ParseWorkersOptions}: their one source, which the configuration reads
 * (`PARSE_TIMEOUT_MS`, `PARSE_WORKER_MEMORY_MB`, `PARSE_MEMORY_BUDGET_MB`). The concurrency's
 * default depends on the machine: see {@link defaultParseConcurrency}.
 *
 * - `timeoutMs` 30 s: a help center's files are read in well under a second each, but a long
 *   PDF takes longer (a 300-page manual, some 40 s): such a help center raises it.
 * - `memoryMb` 512: what the largest part of a Word document that is read (10 MiB of XML, see
 *   `DEFAULT_PARSE_LIMITS`) needs to be converted.
 * - `memoryBudgetMb` 768: for all parses together (see {@link createParseWorkers}); a small
 *   container lowers it.
 */
export const DEFAULT_PARSE_WORKERS: Readonly<{
  timeoutMs: number;
  memoryMb: number;
  memoryBudgetMb: number;
}> = Object.freeze({ timeoutMs: 30_000, memoryMb: 512, memoryBudgetMb: 768 });

/**
 * Files parsed at once by one set of workers when not told: the cores but one, from 2 to 4.
 * Node counts the machine's cores, not a container's share of them.
 */
export function defaultParseConcurrency(): number {
  return Math.min(4, Math.max(2, availableParallelism() - 1));
}

const DEFAULT_MEMORY_MB = DEFAULT_PARSE_WORKERS.memoryMb;
const DEFAULT_MEMORY_BUDGET_MB = DEFAULT_PARSE_WORKERS.memoryBudgetMb;
const DEFAULT_TIMEOUT_MS = DEFAULT_PARSE_WORKERS.timeoutMs;
/** An idle worker is kept this long for the next file, then ended. */
const IDLE_MS = 10_000;
/**
 * A worker that grew by more than this while it parsed is ended rather than kept: what it let go
 * of stays its until its heap is collected, which an idle worker may never do.
 */
const KEEP_GROWTH_BYTES = 64 * 1024 * 1024;
const MiB = 1024 * 1024;

/**
 * The least time a worker is given to begin a parse, however short the time a file is given: how
 * fast a worker starts depends on the machine and on how many start at once, not on the file.
 */
const MIN_START_TIMEOUT_MS = 30_000;

/** Settings of one parse, as `runJob` needs them. */
interface RunSettings {
  memoryMb: number;
  memoryBudgetMb: number;
  timeoutMs: number;
  startTimeoutMs: number;
  budget: MemoryBudget;
}

/** A parse stopped for memory while others ran too: it is tried again alone. */
class SharedOverrun extends Error {}

/**
 * Runs parses in worker processes, at most `concurrency` at once. A parse can otherwise hold the
 * event loop for as long as the file makes it work (pdf.js reads a PDF synchronously, and cannot
 * be told to stop inflating a stream), so a worker is given a heap limit and a time limit, and is
 * ended when it passes either, or when `signal` aborts. A file past a limit fails with an
 * `AppError` that says which (`timeout`, or `payload_too_large` for memory); the next file gets a
 * fresh worker. Workers are child processes, not threads, so that a file that exhausts a worker's
 * heap ends that worker only: a thread's heap limit is best-effort, and a thread past it was seen
 * to abort the whole server (see `startParser`). The time limit counts from when the worker begins to parse the file: a new one
 * first starts, and a worker loads the parsers a file needs the first time, within a limit of
 * their own (`startTimeoutMs`), so that a short time limit does not stop a file whose worker was
 * merely slow to start. Likewise a worker's memory counts from when it begins to parse the file
 * (see `parsersMemory`); its heap limit holds from its start.
 *
 * Memory outside the heaps (what pdf.js inflates a stream into) is bounded for all workers
 * together — of every set sharing the capacity, by default every set of the process — by
 * `memoryBudgetMb` (see `createMemoryBudget`): while files are parsed, the process and its
 * workers grow by at most that much (and the little one check interval lets through) above what
 * they used when the oldest running parse began. The budget is one for all of them, so when it is
 * passed every running parse is stopped; one that was running alone is refused, and the others are
 * tried again, each alone, so that only a file that passes the budget by itself is refused.
 *
 * A worker whose parse ended by itself (with documents or with the parser's error) is kept for
 * the next file for a few seconds: starting one and loading the parsers costs 0.1 to 0.25 s. Idle
 * workers never keep the process alive.
 *
 * @example
 * const workers = createParseWorkers({ timeoutMs: 20_000 });
 * const docs = await parseFile(bytes, 'manual.pdf', { workers, signal });
 */
export function createParseWorkers(options: ParseWorkersOptions = {}): ParseWorkers {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const numbers = {
    concurrency: options.concurrency ?? defaultParseConcurrency(),
    memoryMb: options.memoryMb ?? DEFAULT_MEMORY_MB,
    timeoutMs,
    startTimeoutMs: options.startTimeoutMs ?? Math.max(timeoutMs, MIN_START_TIMEOUT_MS),
  };
  for (const [name, value] of Object.entries(numbers)) {
    if (!(value > 0)) throw new RangeError(`${name} must be a positive number, got ${value}`);
  }
  const capacity =
    options.capacity ??
    (options.memoryBudgetMb === undefined
      ? defaultCapacity()
      : createParseCapacity(options.memoryBudgetMb));
  const settings: RunSettings = {
    ...numbers,
    memoryBudgetMb: capacity.memoryBudgetMb,
    budget: capacity.budget,
  };
  const slots = createSlots(numbers.concurrency);
  const idle = new Map<ParserProcess, NodeJS.Timeout>();

  const take = (): ParserProcess => {
    for (const [worker, timer] of idle) {
      clearTimeout(timer);
      idle.delete(worker);
      return worker;
    }
    const worker = startParser(settings.memoryMb);
    worker.listen({
      message: () => undefined,
      gone: () => {
        clearTimeout(idle.get(worker));
        idle.delete(worker);
      },
    });
    return worker;
  };
  const park = (worker: ParserProcess): void => {
    const timer = setTimeout(() => {
      idle.delete(worker);
      void worker.kill();
    }, IDLE_MS);
    timer.unref();
    idle.set(worker, timer);
  };
  const { exiting, gate } = capacity;
  const end = (worker: ParserProcess): void => {
    const exited = worker.kill().finally(() => exiting.delete(exited));
    exiting.add(exited);
  };
  const run = async (job: WorkerJob, signal: AbortSignal | undefined, alone: boolean) => {
    const release = await slots.acquire(job.fileName, signal, alone ? numbers.concurrency : 1);
    try {
      const leave = await gate.acquire(job.fileName, signal, alone ? GATE_PLACES : 1);
      try {
        if (alone) await Promise.all(exiting);
        throwIfAborted(signal, job.fileName);
        return await runJob(take(), job, settings, signal, { park, end });
      } finally {
        leave();
      }
    } finally {
      release();
    }
  };

  return {
    timeoutMs,
    async parse(bytes, fileName, limits, signal) {
      const job = { bytes, fileName, limits };
      try {
        return await run(job, signal, false);
      } catch (error) {
        if (!(error instanceof SharedOverrun)) throw error;
        // Alone, with every place of every set sharing the budget taken, it is this file's only.
        return run(job, signal, true);
      }
    },
  };
}

/**
 * Sends `job` to `worker` and settles with its reply, or with the limit it passed: starting (the
 * worker's start, when it is new, and its loading the parsers the file needs) within
 * `startTimeoutMs`, then parsing within `timeoutMs`. The worker is handed to `after.park` when it
 * replied (and did not grow much while it parsed), and to `after.end` otherwise. Stopped for
 * memory while other parses ran, it rejects with a `SharedOverrun`.
 */
function runJob(
  worker: ParserProcess,
  job: WorkerJob,
  settings: RunSettings,
  signal: AbortSignal | undefined,
  after: { park: (worker: ParserProcess) => void; end: (worker: ParserProcess) => void },
): Promise<ParsedDocument[]> {
  const { fileName } = job;
  // When the worker said it began to parse; until then, when the job was sent.
  let started = performance.now();
  // What the worker held when it began to parse, its parsers loaded.
  let memoryBefore = 0;
  return new Promise((resolve, reject) => {
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (settle: () => void, reusable = false): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unwatch();
      signal?.removeEventListener('abort', onAbort);
      unlisten();
      if (reusable && worker.memory() - memoryBefore <= KEEP_GROWTH_BYTES) {
        after.park(worker);
      } else after.end(worker);
      settle();
    };
    const stopped = (error: AppError, stop: ParseStop): AppError =>
      new AppError(error.code, error.message, {
        details: {
          ...error.details,
          fileName,
          stopped: stop,
          elapsedMs: Math.round(performance.now() - started),
        },
        cause: error.cause,
      });
    const tooLong = (): AppError =>
      stopped(
        new AppError(
          'timeout',
          `reading it took longer than the ${settings.timeoutMs / 1000} s this service gives one file`,
          { details: { limit: settings.timeoutMs } },
        ),
        'time',
      );
    const tooBig = (limitMb: number): AppError =>
      stopped(
        new AppError(
          'payload_too_large',
          `reading it needs more than the ${roughSize(limitMb * MiB)} of memory this service gives one file`,
          { details: { limit: limitMb * MiB } },
        ),
        'memory',
      );
    const tooSlowToStart = (): AppError =>
      stopped(
        new AppError(
          'timeout',
          `reading it could not start: the service's file reader took longer than ${settings.startTimeoutMs / 1000} s to start`,
          { details: { limit: settings.startTimeoutMs } },
        ),
        'time',
      );
    const unwatch = settings.budget.watch((alone) =>
      finish(() => reject(alone ? tooBig(settings.memoryBudgetMb) : new SharedOverrun(fileName))),
    );
    const onAbort = (): void =>
      finish(() => reject(stopped(abortError(signal as AbortSignal, fileName), 'cancelled')));
    const onMessage = (message: WorkerMessage): void => {
      if (message.type === 'started') {
        // The file's time starts now: the worker's start is not the file's doing.
        clearTimeout(timer);
        started = performance.now();
        memoryBefore = worker.memory();
        timer = setTimeout(() => finish(() => reject(tooLong())), settings.timeoutMs);
        return;
      }
      finish(
        () =>
          message.type === 'ok' ? resolve(message.documents) : reject(toError(message, fileName)),
        true,
      );
    };
    // Gone before it answered: V8 ends a worker past its heap limit, and says so.
    const onGone = (how: string): void =>
      finish(() =>
        reject(
          worker.ranOutOfMemory()
            ? tooBig(settings.memoryMb)
            : unexpected(new Error(`the reader ended: ${how}`), fileName),
        ),
      );
    signal?.addEventListener('abort', onAbort, { once: true });
    const unlisten = worker.listen({ message: onMessage, gone: onGone });
    timer = setTimeout(() => finish(() => reject(tooSlowToStart())), settings.startTimeoutMs);
    // The worker gets a copy (a structured clone): the caller keeps its bytes.
    worker.send(job, (error) => {
      if (error) finish(() => reject(unexpected(error, fileName)));
    });
  });
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
