import { createHash } from 'node:crypto';
import { z } from 'zod';
import { chunkDocument } from '../../rag/chunk/index.js';
import { AppError, isAppError } from '../../errors/index.js';
import {
  createParseWorkers,
  isImage,
  parseFile,
  type ParsedDocument,
  type ParseLimits,
  type ParseWorkers,
  stoppedParse,
} from '../../rag/parse/index.js';
import { sessionScope, type DocumentInput, type KnowledgeRepository } from '../../store/index.js';
import { defineTool } from '../define-tool.js';
import { readBudgetFor, toolTimeoutFor } from './read-budget.js';

/** Limits of attachments. */
export interface AttachmentLimits {
  maxFileBytes: number;
  maxMessageBytes: number;
  chunkSize: number;
  chunkOverlap: number;
  /**
   * Most passages stored from one file; a file making more is refused as too large
   * (`ATTACHMENT_MAX_PASSAGES`). Default 2,000.
   */
  maxPassages?: number;
  /**
   * The time the files of one message are read within, in ms. Default: from the time one file
   * may take (the workers' `timeoutMs`, `PARSE_TIMEOUT_MS`): that time and 20 s more, and at
   * least 50 s (see `readBudgetFor`).
   */
  readBudgetMs?: number;
  /**
   * How much one file may make the parsers read (`PARSE_MAX_TEXT_CHARS`…); the defaults for
   * those not given.
   */
  parse?: Partial<ParseLimits>;
  /**
   * Hides what must never be stored of a file's text (payment card numbers), before it is
   * chunked, stored or previewed: the text, and how many pieces were hidden.
   */
  hide?: (text: string) => { text: string; hidden: number };
}

/**
 * The default of {@link AttachmentLimits.maxPassages}, as of `ATTACHMENT_MAX_PASSAGES`: some
 * 300,000 words at the default chunk size, a book. The text limit of the parsers (5 MiB) does
 * not bound passages by itself: a text file's bound is its size (10 MiB by default), tens of
 * thousands of passages, each a row to store and to search for the rest of the session.
 */
const DEFAULT_MAX_PASSAGES = 2_000;

/** What the turn learns of each attached file. */
export interface AttachmentSummary {
  name: string;
  ok: boolean;
  /** The first words of the file, for the answer's context. */
  preview: string;
  chunks: number;
  /** Why the file could not be read, in words for the people who run the service. */
  error?: string;
  /** Why the file could not be read, as the customer is told (see {@link AttachmentProblem}). */
  problem?: AttachmentProblem;
  /** Pieces of the file's text hidden before it was stored (see `AttachmentLimits.hide`). */
  hidden?: number;
}

/**
 * Why an attached file was not read: a kind of file not read at all, a picture (no text is read
 * from images), a file with no text (a scan), one locked by a password, a damaged one, one over
 * a size limit, one that took too long, or a failure of the service's own.
 */
export type AttachmentProblem =
  'unsupported' | 'image' | 'empty' | 'protected' | 'damaged' | 'too_large' | 'too_slow' | 'failed';

const file = z.object({
  name: z.string().min(1).max(255),
  data: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'file data must be bytes'),
});
const input = z.object({ files: z.array(file).min(1).max(20) });

/** Options of {@link createAttachmentsTool}. */
export interface AttachmentsToolOptions {
  /**
   * Where files are parsed; default, a set with the default settings. The app passes one made
   * from its configuration, sharing its memory budget with the knowledge base's.
   */
  workers?: ParseWorkers;
}

/**
 * The `attachments` tool: reads files given with a message (type from their content, the
 * knowledge base's parsers) and indexes them in the session's own scope, `session:<id>`, which
 * only that session's searches include. A file that cannot be read is reported, not fatal.
 *
 * @example
 * const tool = createAttachmentsTool(knowledge, { maxFileBytes: 10 << 20, maxMessageBytes: 25 << 20, chunkSize: 180, chunkOverlap: 30 }, { workers: createParseWorkers({ timeoutMs: 60_000 }) });
 */
export function createAttachmentsTool(
  knowledge: KnowledgeRepository,
  limits: AttachmentLimits,
  options: AttachmentsToolOptions = {},
) {
  const maxChunks = limits.maxPassages ?? DEFAULT_MAX_PASSAGES;
  // One set of parse workers for every session: files are parsed a few at a time, each in a
  // worker with a memory and time limit, so no attachment holds up the other conversations.
  const workers = options.workers ?? createParseWorkers();
  const readBudgetMs = limits.readBudgetMs ?? readBudgetFor(workers.timeoutMs);
  return defineTool<typeof input, AttachmentSummary[]>({
    name: 'attachments',
    description: 'Reads files the customer attached and makes them searchable in their session.',
    input,
    // Not shorter than the files' time: the tool's timeout would take every file's summary.
    timeoutMs: toolTimeoutFor(readBudgetMs),
    retry: { maxAttempts: 1 },
    async execute({ files }, { sessionId, signal, log }) {
      if (sessionId === undefined) throw new TypeError('attachments need a session');
      const total = files.reduce((sum, f) => sum + f.data.length, 0);
      if (total > limits.maxMessageBytes) {
        return files.map((f) => ({
          name: f.name,
          ok: false,
          preview: '',
          chunks: 0,
          error: `the files of one message may total ${limits.maxMessageBytes} bytes; these total ${total}`,
          problem: 'too_large' as const,
        }));
      }
      const scope = sessionScope(sessionId);
      const results: AttachmentSummary[] = [];
      const budget = AbortSignal.timeout(readBudgetMs);
      const reading = AbortSignal.any([signal, budget]);
      const taken = new Set<string>();
      // Files of earlier messages stay searchable in the session: a later file of the same name
      // is a file of its own ("invoice (2).pdf"), unless it is the same file sent again.
      const earlier = await earlierFiles(knowledge, scope);
      // A file that had to be stopped for memory was made to expand: the files after it are
      // not read, so that one message cannot make the service refuse ten of them in turn.
      let expanded: string | undefined;
      for (const file of files) {
        const { data } = file;
        const fileHash = createHash('sha256').update(data).digest('hex');
        // Each file is a source of its own: a second "scan.pdf" is "scan (2).pdf", rather than
        // replacing the first, whether it came in this message or an earlier one.
        const name = distinctName(
          file.name,
          (candidate) =>
            taken.has(candidate) || (earlier.has(candidate) && earlier.get(candidate) !== fileHash),
        );
        taken.add(name);
        if (budget.aborted) {
          results.push({
            name,
            ok: false,
            preview: '',
            chunks: 0,
            error: `not read: the files of one message are read within ${readBudgetMs / 1000} s, and the files before it took that time`,
            problem: 'too_slow',
          });
          continue;
        }
        if (expanded !== undefined) {
          results.push({
            name,
            ok: false,
            preview: '',
            chunks: 0,
            error: `not read: ${expanded}, a file before it in this message, needed more memory than this service gives one file`,
            problem: 'too_slow',
          });
          continue;
        }
        if (isImage(data)) {
          results.push({
            name,
            ok: false,
            preview: '',
            chunks: 0,
            error: 'an image: no text is read from pictures',
            problem: 'image',
          });
          continue;
        }
        try {
          const parsed = await parseFile(data, name, {
            maxBytes: limits.maxFileBytes,
            ...(limits.parse ? { limits: limits.parse } : {}),
            workers,
            signal: reading,
          });
          const { docs, hidden } = limits.hide
            ? hideIn(parsed, limits.hide)
            : { docs: parsed, hidden: 0 };
          const documents: DocumentInput[] = [];
          let chunks = 0;
          for (const doc of docs) {
            const options = { size: limits.chunkSize, overlap: limits.chunkOverlap };
            const docChunks = chunkDocument(doc, options);
            chunks += docChunks.length;
            if (chunks > maxChunks) throw tooManyPassages(maxChunks);
            documents.push({
              docKey: doc.key,
              title: doc.title,
              url: undefined,
              format: doc.format,
              contentHash: createHash('sha256').update(JSON.stringify(doc.blocks)).digest('hex'),
              chunks: docChunks,
            });
          }
          await knowledge.replaceSource(scope, `${ATTACHMENT}${name}`, fileHash, documents);
          results.push({
            name,
            ok: true,
            preview: previewOf(docs),
            chunks,
            ...(hidden > 0 ? { hidden } : {}),
          });
        } catch (error) {
          const stop = stoppedParse(error);
          if (stop) {
            // Never the name or the content: only what tells the operators how it was made.
            log.warn(
              { ...stop, bytes: data.length, nameLength: name.length },
              'an attached file was stopped while it was read',
            );
            if (stop.stopped === 'memory') expanded = name;
          }
          results.push({
            name,
            ok: false,
            preview: '',
            chunks: 0,
            error: (error as Error).message,
            problem: problemOf(error),
          });
        }
      }
      return results;
    },
  });
}

/** The documents with `hide` applied to their titles and every block's text. */
function hideIn(
  docs: readonly ParsedDocument[],
  hide: NonNullable<AttachmentLimits['hide']>,
): { docs: ParsedDocument[]; hidden: number } {
  let hidden = 0;
  const apply = (text: string) => {
    const result = hide(text);
    hidden += result.hidden;
    return result.text;
  };
  const out = docs.map((doc) => ({
    ...doc,
    title: apply(doc.title),
    blocks: doc.blocks.map((block) => ({ ...block, text: apply(block.text) })),
  }));
  return { docs: out, hidden };
}

/**
 * The first 60 words of the documents, read from only as many blocks as they take, a line for
 * each block: an invoice's "Total: £45.00" stays a line of its own to quote.
 */
function previewOf(docs: readonly ParsedDocument[]): string {
  const lines: string[] = [];
  let count = 0;
  for (const block of docs.flatMap((d) => d.blocks)) {
    // `split` with a limit: a block can be a whole file of words.
    const wanted = PREVIEW_WORDS - count;
    const words = block.text
      .split(/\s+/, wanted + 1)
      .filter((word) => word !== '')
      .slice(0, wanted);
    if (words.length > 0) lines.push(words.join(' '));
    count += words.length;
    if (count >= PREVIEW_WORDS) break;
  }
  return lines.join('\n');
}

const PREVIEW_WORDS = 60;

const ATTACHMENT = 'attachment:';

/** The names of the files read in the session's earlier messages, with their bytes' hashes. */
async function earlierFiles(
  knowledge: KnowledgeRepository,
  scope: string,
): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const { source, fileHash } of await knowledge.sources(scope)) {
    if (source.startsWith(ATTACHMENT)) files.set(source.slice(ATTACHMENT.length), fileHash);
  }
  return files;
}

/** `name`, or `name (2)`, `name (3)` … before its extension: the first that is not `taken`. */
function distinctName(name: string, taken: (candidate: string) => boolean): string {
  if (!taken(name)) return name;
  const dot = name.lastIndexOf('.');
  const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 2; ; n++) {
    const candidate = `${stem} (${n})${extension}`;
    if (!taken(candidate)) return candidate;
  }
}

/** What a failure to read a file means for the customer who attached it. */
function problemOf(error: unknown): AttachmentProblem {
  if (!isAppError(error)) return 'failed';
  switch (error.code) {
    case 'invalid_input': {
      const problem = (error.details as { problem?: unknown } | undefined)?.problem;
      return problem === 'unsupported' ||
        problem === 'image' ||
        problem === 'empty' ||
        problem === 'protected'
        ? problem
        : 'damaged';
    }
    case 'payload_too_large':
      return 'too_large';
    case 'timeout':
    case 'cancelled':
      return 'too_slow';
    default:
      return 'failed';
  }
}

function tooManyPassages(limit: number): AppError {
  return new AppError(
    'payload_too_large',
    `it makes more than the ${limit} passages this service keeps from one attached file`,
  );
}
