import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WorkerJob, WorkerMessage } from './worker-protocol.js';

/**
 * A parse worker: a child process that parses the files it is sent, one at a time (see
 * `parse-worker.ts`), with its own JavaScript heap limit. It is a process rather than a worker
 * thread because a thread that passes its heap limit can abort the whole server: Node's heap
 * limit of a worker thread is best-effort (nodejs/node#47224), and a 200 MB BEIR corpus read
 * with a 128 MB heap was seen to end the process with "Reached heap limit". A process that passes
 * its limit ends alone, and says so on its stderr.
 */
export interface ParserProcess {
  /** Sends a job; `onSent` is told when it could not be (the process is gone). */
  send(job: WorkerJob, onSent: (error: Error | null) => void): void;
  /**
   * Tells `handlers` what the worker posts, and when it is gone (`how`: its exit code or signal;
   * by then its stderr was read to the end, see {@link ParserProcess.ranOutOfMemory}), until the
   * function returned is called.
   */
  listen(handlers: ParserHandlers): () => void;
  /** Whether it ended because it ran out of memory, as V8 said when it did. */
  ranOutOfMemory(): boolean;
  /** Its resident memory of its own (not the code it shares), in bytes: see {@link parsersMemory}. */
  memory(): number;
  /** Ends it at once; resolves when it has exited, and its memory is the system's again. */
  kill(): Promise<void>;
}

/** What {@link ParserProcess.listen} tells. */
export interface ParserHandlers {
  message(message: WorkerMessage): void;
  gone(how: string): void;
}

/**
 * Every parse worker of the process, running or idle, and what it held when it began the file it
 * is parsing (`undefined` while it parses none): see {@link parsersMemory}.
 */
const live = new Map<ChildProcess, number | undefined>();

/**
 * How much the parse workers of the process have grown, together, in bytes, each since it began
 * the file it is parsing: the memory budget adds it to the process's own (see
 * `createParseCapacity`), as it did when workers were threads of the process. What a worker holds
 * once started, its readers loaded (some 40 MiB, over 200 MiB through tsx), is not a file's
 * doing; what it takes while it parses is: its heap, and what pdf.js inflates a stream into. It
 * is their anonymous resident memory, not the Node.js code each maps, which they share. Read
 * from `/proc`, so 0 where there is none (macOS, Windows): there the heap limit bounds a parse,
 * and the budget only the server.
 */
export function parsersMemory(): number {
  let total = 0;
  for (const [child, began] of live) {
    if (began !== undefined) total += Math.max(0, residentMemory(child.pid) - began);
  }
  return total;
}

function residentMemory(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const kib = /^RssAnon:\s*(\d+)/m.exec(status)?.[1];
    return kib === undefined ? 0 : Number(kib) * 1024;
  } catch {
    // Gone meanwhile, or no /proc.
    return 0;
  }
}

let killOnExit = false;

/**
 * Ends the parse workers with the process, at once. An idle one would end by itself once it sees
 * the process gone, and one in the middle of a file once its watch does (see `endWithParent`),
 * which is what ends them when the process is killed and cannot end them.
 */
function endParsersOnExit(): void {
  if (killOnExit) return;
  killOnExit = true;
  process.on('exit', () => {
    for (const child of live.keys()) child.kill('SIGKILL');
  });
}

/** The worker's entry as TypeScript (tests, `tsx`) or as compiled JavaScript (`dist`). */
const ENTRY = new URL(
  import.meta.url.endsWith('.ts') ? './parse-worker.ts' : './parse-worker.js',
  import.meta.url,
);

/**
 * What a worker keeps of its stderr, the end of it: enough for V8's last words when it runs out
 * of heap ("FATAL ERROR: … JavaScript heap out of memory"), which its native stack follows.
 */
const STDERR_TAIL = 16 * 1024;

/**
 * The environment a worker gets: none of the server's settings (its keys and passwords have no
 * business where untrusted files are read), only where temporary files go, which tsx uses.
 */
function workerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['TMPDIR', 'TMP', 'TEMP', 'SYSTEMROOT']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/**
 * Starts a parse worker whose JavaScript heap is held to `memoryMb` MiB. It never keeps the
 * process alive by itself: a running parse is held by its caller's timers, an idle worker is not.
 */
export function startParser(memoryMb: number): ParserProcess {
  // A process cannot load TypeScript by itself: through tsx (a development dependency), as the
  // tests start the CLI.
  const loader = ENTRY.pathname.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
  const child = fork(fileURLToPath(ENTRY), [], {
    execArgv: [`--max-old-space-size=${memoryMb}`, ...loader],
    env: workerEnv(),
    // The file's bytes and the documents cross as structured clones, as they did to a thread.
    serialization: 'advanced',
    // pdf.js writes its warnings to stdout, where the server writes its log.
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  live.set(child, undefined);
  endParsersOnExit();
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL);
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      live.delete(child);
      resolve();
    });
    // Not started at all (no memory for a process, say): no 'exit' follows.
    child.once('error', () => {
      if (child.pid === undefined) {
        live.delete(child);
        resolve();
      }
    });
  });
  child.unref();
  child.channel?.unref();
  (child.stderr as { unref?: () => void } | null)?.unref?.();

  const listening = new Set<ParserHandlers>();
  const tellGone = (how: string): void => {
    for (const handlers of listening) handlers.gone(how);
  };
  child.once('close', (code: number | null, signal: NodeJS.Signals | null) =>
    tellGone(signal === null ? `exit code ${code}` : `signal ${signal}`),
  );
  child.on('error', (error) => tellGone(error.message));
  child.on('message', (message: WorkerMessage) => {
    if (live.has(child)) {
      live.set(child, message.type === 'started' ? residentMemory(child.pid) : undefined);
    }
    for (const handlers of listening) handlers.message(message);
  });

  return {
    send(job, onSent) {
      if (!child.connected) {
        onSent(new Error('the parse worker is gone'));
        return;
      }
      child.send(job, onSent);
    },
    listen(handlers) {
      listening.add(handlers);
      return () => listening.delete(handlers);
    },
    ranOutOfMemory: () => /out of memory/i.test(stderr),
    memory: () => residentMemory(child.pid),
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
}
