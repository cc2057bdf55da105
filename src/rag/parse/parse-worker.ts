// The entry of a parse worker (see `createParseWorkers`): parses each file it is sent, one at a
// time, saying when it begins, and posts back the documents or the error. The thread that
// started it terminates it.
import { parentPort } from 'node:worker_threads';
import { isAppError } from '../../errors/index.js';
import { startsLikePdf } from './detect-format.js';
import { parseBytes } from './parse-bytes.js';
import type { WorkerJob, WorkerMessage } from './worker-protocol.js';
import { isZip } from './zip-entries.js';

function post(message: WorkerMessage): void {
  parentPort?.postMessage(message);
}

/** pdf.js loads it on its first document, from beside itself: this is the same file. */
const PDFJS_WORKER = 'pdfjs-dist/legacy/build/pdf.worker.mjs';

/**
 * Loads what the PDF and Word readers load on first use, when `bytes` will need it, so that the
 * file's time does not count it: pdf.js takes 0.1 s to load, and over 1 s through tsx while
 * other workers start too. Only then, as the readers would: in a worker that had loaded pdf.js,
 * a Markdown file that ran out of heap was seen to abort the whole process rather than fail
 * (Node's heap limit of a worker is best-effort: nodejs/node#47224).
 */
async function loadParserFor(bytes: Uint8Array): Promise<void> {
  if (startsLikePdf(bytes)) {
    // By a string: pdf.js ships no types for its worker code, and nothing of it is used here.
    await Promise.all([import('pdfjs-dist/legacy/build/pdf.mjs'), import(PDFJS_WORKER)]);
  } else if (isZip(bytes)) {
    await import('mammoth');
  }
}

parentPort?.on('message', (job: WorkerJob) => {
  // A parser that cannot be loaded fails its parse, which says so.
  loadParserFor(job.bytes)
    .catch(() => undefined)
    .then(() => {
      post({ type: 'started' });
      return parseBytes(job.bytes, job.fileName, job.limits);
    })
    .then(
      (documents) => post({ type: 'ok', documents }),
      (error: unknown) =>
        post({
          type: 'error',
          error: isAppError(error)
            ? { code: error.code, message: error.message, details: error.details ?? {} }
            : { message: error instanceof Error ? error.message : String(error) },
        }),
    );
});
