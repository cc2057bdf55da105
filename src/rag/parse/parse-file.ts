import { AppError } from '../../errors/index.js';
import { sniffFormat } from './detect-format.js';
import { throwIfAborted } from './errors.js';
import { parseBeirJsonl } from './parse-beir-jsonl.js';
import { parseCsv } from './parse-csv.js';
import { parseDocx } from './parse-docx.js';
import { parseFaqJson } from './parse-faq-json.js';
import { parseHtml } from './parse-html.js';
import { parseMarkdown } from './parse-markdown.js';
import { parsePdf } from './parse-pdf.js';
import { parseText } from './parse-text.js';
import type { ParsedDocument, ParseOptions } from './types.js';

/** The default of {@link ParseOptions.maxBytes}: 50 MiB. */
export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

/**
 * Turns a file's bytes into documents made of structural blocks. The format is detected from
 * the content (see `detectFormat`); most files give one document, FAQ files and BEIR corpora one
 * per entry. No I/O besides what the parsers need.
 *
 * Throws an `AppError`: `payload_too_large` over `maxBytes`; `invalid_input` for empty, binary,
 * unsupported, password-protected or unreadable files, with a message a person understands;
 * `cancelled` (or `timeout`) when `signal` aborts.
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
  if (bytes.length > maxBytes) {
    const [size, limit] = describeSizes(bytes.length, maxBytes);
    throw new AppError('payload_too_large', `the file is ${size}, over the limit of ${limit}`, {
      details: { fileName, size: bytes.length, limit: maxBytes },
    });
  }
  throwIfAborted(signal, fileName);
  const sniffed = sniffFormat(bytes, fileName);
  switch (sniffed.format) {
    case 'pdf':
      return [await parsePdf(bytes, fileName, signal)];
    case 'docx':
      return [await parseDocx(bytes, fileName, signal)];
    case 'faq_json':
      return parseFaqJson(sniffed.json, fileName);
    case 'beir_jsonl':
      return parseBeirJsonl(sniffed.text, fileName);
    case 'csv':
      return parseCsv(sniffed.text, fileName);
    case 'html':
      return [parseHtml(sniffed.text, fileName)];
    case 'markdown':
      return [parseMarkdown(sniffed.text, fileName)];
    case 'text':
      return [parseText(sniffed.text, fileName)];
  }
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
