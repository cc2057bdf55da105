// The entry of a parse worker (see `createParseWorkers`): parses each file it is sent, one at a
// time, and posts back the documents or the error. The thread that started it terminates it.
import { parentPort } from 'node:worker_threads';
import { isAppError } from '../../errors/index.js';
import { parseBytes } from './parse-bytes.js';
import type { WorkerJob, WorkerReply } from './worker-protocol.js';

function reply(message: WorkerReply): void {
  parentPort?.postMessage(message);
}

parentPort?.on('message', (job: WorkerJob) => {
  parseBytes(job.bytes, job.fileName, job.limits).then(
    (documents) => reply({ type: 'ok', documents }),
    (error: unknown) =>
      reply({
        type: 'error',
        error: isAppError(error)
          ? { code: error.code, message: error.message, details: error.details ?? {} }
          : { message: error instanceof Error ? error.message : String(error) },
      }),
  );
});
