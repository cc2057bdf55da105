import { AppError } from '../../errors/index.js';
import { sniffFormat, startsLikePdf } from './detect-format.js';
import { throwIfAborted } from './errors.js';
import { resolveLimits } from './limits.js';
import { createParseWorkers, type ParseWorkers } from './parse-workers.js';
import type { ParsedDocument, ParseOptions } from './types.js';
import { isZip } from './zip-entries.js';
import { assertNotZipBomb } from './zip-guard.js';

/** The default of {@link ParseOptions.maxBytes}: 50 MiB. */
export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

/**
 * Turns a file's bytes into documents made of structural blocks. The format is detected from
 * the content (see `detectFormat`); most files give one document, FAQ files and BEIR corpora one
 * per entry. No I/O besides what the parsers need.
 *
 * Every file is parsed in a worker process (see `createParseWorkers`), within `limits` (see
 * `ParseLimits`), so that no file holds the event loop or the process's memory for long however
 * it was made, nor ends the process when it exhausts its reader's memory. Small text files are
 * no exception: 1 MB of nested HTML, Markdown links or CSV took 1 to 25 s to parse, and a timer
 * cannot interrupt work on the thread it runs on. A worker kept from the file before answers in
 * about a millisecond, so this costs little even for a help center of many small articles.
 *
 * Throws an `AppError`: `payload_too_large` over `maxBytes` or past a limit; `invalid_input` for
 * empty, binary, unsupported, password-protected or unreadable files, with a message a person
 * understands; `timeout` when the parse takes too long; `cancelled` (or `timeout`) when `signal`
 * aborts.
 *
 * @example
 * const [doc] = await parseFile(await readFile('help/refunds.md'), 'refunds.md', { signal });
 * // doc.title === 'Refunds', doc.blocks[0] === { type: 'heading', text: 'Refunds', level: 1 }
 */
export async function parseFile(
  bytes: Uint8Array,
  fileName: string,
  options: ParseOptions = {},
): Promise<ParsedDocument[]> {
  const { maxBytes = DEFAULT_MAX_BYTES, signal } = options;
  if (!(maxBytes > 0)) throw new RangeError(`maxBytes must be a positive number, got ${maxBytes}`);
  const limits = resolveLimits(options.limits);
  if (bytes.length > maxBytes) {
    const [size, limit] = describeSizes(bytes.length, maxBytes);
    throw new AppError('payload_too_large', `the file is ${size}, over the limit of ${limit}`, {
      details: { fileName, size: bytes.length, limit: maxBytes },
    });
  }
  throwIfAborted(signal, fileName);
  const pdf = startsLikePdf(bytes);
  if (!pdf && isZip(bytes)) {
    // What the archive says of itself is read here, at once: not a Word document, or honest
    // about being a zip bomb, needs no worker to be refused.
    sniffFormat(bytes, fileName);
    assertNotZipBomb(bytes, fileName);
  }
  const workers = options.workers ?? defaultWorkers();
  return workers.parse(bytes, fileName, limits, signal);
}

let shared: ParseWorkers | undefined;

/**
 * The workers of calls that bring none: one set for the process, with the default settings
 * (`DEFAULT_PARSE_WORKERS`), so that such calls share the memory budget and the concurrency
 * limit, and reuse a worker kept idle (starting one costs 0.1 to 0.25 s). Idle workers never keep
 * the process alive. The app brings its own, made from its configuration (`PARSE_*`).
 */
function defaultWorkers(): ParseWorkers {
  shared ??= createParseWorkers();
  return shared;
}

/** Both sizes in the same readable unit, exact in bytes when rounding would make them equal. */
function describeSizes(size: number, limit: number): [string, string] {
  const [readableSize, readableLimit] = [readable(size), readable(limit)];
  if (readableSize !== readableLimit) return [readableSize, readableLimit];
  return [`${size} bytes`, `${limit} bytes`];
}

function readable(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
