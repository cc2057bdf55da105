import { Worker } from 'node:worker_threads';

/**
 * How often the watch looks for the parent, in ms: how long a parse worker may outlive a server
 * that was killed, at most (and the time the thread takes to start, some 30 ms).
 */
const CHECK_MS = 100;

/**
 * The watch, run as a thread of its own: it is given the parent's process id, and ends the
 * process with SIGKILL once the process has another parent (the parent exited, and the process
 * was handed to init or a subreaper). Plain CommonJS, so that it needs no loader (tsx), and it
 * loads nothing of the project.
 */
const WATCH = `
const { workerData } = require('node:worker_threads');
setInterval(() => {
  if (process.ppid !== workerData.parent) process.kill(process.pid, 'SIGKILL');
}, workerData.checkMs);
`;

/**
 * Ends this process, a parse worker, soon after the process that started it is gone, even while
 * it is in the middle of a file. The IPC channel's 'disconnect' says so only when the event loop
 * is free, and pdf.js reads a PDF in one synchronous stretch that may last as long as the parse's
 * time limit: a server killed with SIGKILL (by the out-of-memory killer, or `docker kill`) could
 * not end its workers, and one would go on reading a file no one waits for. So a thread, whose
 * event loop the parse does not hold, watches the parent: Linux has `PR_SET_PDEATHSIG` for this,
 * which Node.js does not offer. It costs a thread and some 6 MiB, and never keeps the process
 * alive by itself. Where an orphan keeps its parent's id (Windows), the watch never fires, and
 * 'disconnect' alone ends the process.
 *
 * Does nothing when the process has no parent to watch (it was not started by fork). Resolves
 * when the watch runs (or could not start): a parse begun after that is not charged its memory.
 */
export function endWithParent(): Promise<void> {
  if (process.send === undefined) return Promise.resolve();
  const watch = new Worker(WATCH, {
    eval: true,
    workerData: { parent: process.ppid, checkMs: CHECK_MS },
    // Not the process's `--import tsx`: the watch is JavaScript, and a loader would take longer
    // to start than the watch itself.
    execArgv: [],
    env: {},
  });
  watch.unref();
  return new Promise((resolve) => {
    watch.once('online', resolve);
    // A watch that could not start (no memory for a thread) leaves 'disconnect' to end the
    // process once it is free: not a reason to refuse the file.
    watch.on('error', () => resolve());
  });
}
