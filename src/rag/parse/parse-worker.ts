// The entry of a parse worker, a child process (see `createParseWorkers`): parses each file it is
// sent, one at a time, saying when it begins, and sends back the documents or the error. The
// process that started it ends it; it ends by itself once that process is gone.
import { isAppError } from '../../errors/index.js';
import { startsLikePdf } from './detect-format.js';
import { endWithParent } from './end-with-parent.js';
import { parseBytes } from './parse-bytes.js';
import type { WorkerJob, WorkerMessage } from './worker-protocol.js';
import { isZip } from './zip-entries.js';

function post(message: WorkerMessage): void {
  process.send?.(message);
}

/** pdf.js loads it on its first document, from beside itself: this is the same file. */
const PDFJS_WORKER = 'pdfjs-dist/legacy/build/pdf.worker.mjs';

/**
 * Loads what the PDF and Word readers load on first use, when `bytes` will need it, so that the
 * file's time does not count it: pdf.js takes 0.1 s to load, and over 1 s through tsx while
 * other workers start too.
 */
async function loadParserFor(bytes: Uint8Array): Promise<void> {
  if (startsLikePdf(bytes)) {
    // By a string: pdf.js ships no types for its worker code, and nothing of it is used here.
    await Promise.all([import('pdfjs-dist/legacy/build/pdf.mjs'), import(PDFJS_WORKER)]);
  } else if (isZip(bytes)) {
    await import('mammoth');
  }
}

// Its files are the server's: with the server gone, there is no one to answer. An idle worker
// hears it at once; one in the middle of a file is ended by the watch. The watch's thread is
// running before the first file begins, so that its memory is not counted as the file's.
process.on('disconnect', () => process.exit(0));
const watching = endWithParent();

process.on('message', (job: WorkerJob) => {
  // A parser that cannot be loaded fails its parse, which says so.
  Promise.all([watching, loadParserFor(job.bytes).catch(() => undefined)])
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
