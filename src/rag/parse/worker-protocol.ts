import type { ErrorCode } from '../../errors/index.js';
import type { ParseLimits } from './limits.js';
import type { ParsedDocument } from './types.js';

/** What a parse worker is sent: one file to parse. */
export interface WorkerJob {
  bytes: Uint8Array;
  fileName: string;
  limits: ParseLimits;
}

/**
 * What a parse worker posts back, once per job, last. An `AppError` crosses as its code,
 * message and details; anything else thrown (a bug) as its message only.
 */
export type WorkerReply =
  | { type: 'ok'; documents: ParsedDocument[] }
  | {
      type: 'error';
      error: { code?: ErrorCode; message: string; details?: Record<string, unknown> };
    };

/**
 * What a parse worker posts for a job: `started` when it begins to parse the file (it has
 * started, and loaded the parsers the file needs), then the {@link WorkerReply}.
 */
export type WorkerMessage = { type: 'started' } | WorkerReply;
