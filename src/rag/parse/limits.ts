import { AppError } from '../../errors/index.js';

const MiB = 1024 * 1024;

/**
 * How much work one file may make the parsers do. A PDF or a Word document is compressed: a
 * file well within the upload limit can unpack into gigabytes of text, so what is read is
 * bounded while it is read, and a file past a bound is refused with the reason. Text formats
 * (Markdown, HTML, CSV, JSON, plain text) need none of these: decoding them never yields more
 * characters than the file has bytes, so the file size limit bounds them (HTML nested deeper
 * than a browser would nest it is refused by the HTML reader, see `MAX_HTML_DEPTH`).
 */
export interface ParseLimits {
  /** Most characters of text read from one PDF or Word document; more is refused. */
  maxTextChars: number;
  /** Most pages of one PDF; a longer PDF is refused before its pages are read. */
  maxPdfPages: number;
  /** Most bytes one part of an archive (a Word document's XML) may really unpack to. */
  maxPartBytes: number;
  /** Most bytes the parts of one archive that are read may really unpack to, together. */
  maxUnpackedBytes: number;
}

/**
 * The defaults of {@link ParseLimits}.
 *
 * - `maxTextChars` 5 MiB: about 800,000 words or 2,000 dense pages, half the default attachment
 *   size limit (10 MiB). The text of a real PDF or Word file is a small share of its size (fonts,
 *   pictures, markup), so a file within the upload limits that holds more text was made to expand.
 * - `maxPdfPages` 2,000: what 5 MiB of text fills.
 * - `maxPartBytes` 10 MiB: 10 MiB of a Word document's XML holds 2 to 6 million characters of
 *   text, depending on its markup, and converting it takes most of the 512 MiB of heap a parse
 *   is given (see `createParseWorkers`): measured, 12 MiB of Word's usual markup fits, 16 MiB
 *   does not. A larger part would be refused for memory, after seconds of work.
 * - `maxUnpackedBytes` 20 MiB: the document plus its styles, numbering, notes and comments.
 */
export const DEFAULT_PARSE_LIMITS: Readonly<ParseLimits> = Object.freeze({
  maxTextChars: 5 * MiB,
  maxPdfPages: 2_000,
  maxPartBytes: 10 * MiB,
  maxUnpackedBytes: 20 * MiB,
});

/** `limits` completed with the defaults, each checked to be a positive number. */
export function resolveLimits(limits: Partial<ParseLimits> = {}): ParseLimits {
  const resolved = { ...DEFAULT_PARSE_LIMITS, ...limits };
  for (const [name, value] of Object.entries(resolved)) {
    if (!(value > 0)) throw new RangeError(`${name} must be a positive number, got ${value}`);
  }
  return resolved;
}

/** The refusal of a file whose text is longer than `limit` characters. */
export function tooMuchText(fileName: string, limit: number): AppError {
  return tooLarge(
    `its text is larger than the ${roughSize(limit)} this service reads from one file`,
    fileName,
    limit,
  );
}

/** The refusal of a PDF of `pages` pages, more than `limit`. */
export function tooManyPages(fileName: string, pages: number, limit: number): AppError {
  return tooLarge(
    `it has ${pages} pages, more than the ${limit} this service reads from one PDF`,
    fileName,
    limit,
  );
}

/** The refusal of an archive whose part `part` unpacks to more than `limit` bytes. */
export function partTooLarge(fileName: string, part: string, limit: number): AppError {
  return tooLarge(
    `its part ${part} unpacks to more than the ${roughSize(limit)} this service unpacks from one part of a file`,
    fileName,
    limit,
  );
}

/** The refusal of an archive whose parts unpack to more than `limit` bytes together. */
export function unpacksTooLarge(fileName: string, limit: number): AppError {
  return tooLarge(
    `it unpacks to more than the ${roughSize(limit)} this service unpacks from one file`,
    fileName,
    limit,
  );
}

function tooLarge(message: string, fileName: string, limit: number): AppError {
  return new AppError('payload_too_large', message, { details: { fileName, limit } });
}

/** A size as a person says it: "5 MB", "1.5 MB", "200 KB", "900 bytes" (binary units). */
export function roughSize(bytes: number): string {
  if (bytes >= MiB) return `${Math.round((bytes / MiB) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KB`;
  return `${bytes} bytes`;
}
