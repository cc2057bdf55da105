import { decodeText } from './decode-text.js';
import { invalidInput } from './errors.js';
import { fileExtension } from './file-name.js';
import { isImage } from './image.js';
import { BEIR_SHAPE, FAQ_SHAPE, faqShapeProblem, toBeirRecord } from './json-shapes.js';
import type { DocumentFormat } from './types.js';
import { isZip, zipEntryNames } from './zip-entries.js';

/** What sniffing found: the format, and for text formats the decoded text (decoded once). */
export type Sniffed =
  | { format: 'pdf' | 'docx' }
  | { format: Exclude<DocumentFormat, 'pdf' | 'docx'>; text: string; json?: unknown };

const PDF_MAGIC = '%PDF-';
/** The old binary Office format (.doc, .xls, .ppt): an OLE compound file. */
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

const MARKDOWN_EXTENSIONS = new Set(['md', 'markdown', 'mdown', 'mkd']);
const HTML_EXTENSIONS = new Set(['html', 'htm', 'xhtml']);
const JSON_LINES_EXTENSIONS = new Set(['jsonl', 'ndjson']);

/**
 * Detects the format of a file from its content first (magic bytes, structure); the extension
 * only decides between text formats that the content does not tell apart (CSV, Markdown, text).
 *
 * Throws an `invalid_input` `AppError` for empty files, binary or unsupported content, a ZIP
 * archive that is not a Word document, and a `.json` file that is not FAQ-shaped.
 *
 * @example
 * const bytes = new TextEncoder().encode('# Refunds\n\nWithin 30 days.');
 * detectFormat(bytes, 'refunds.txt'); // 'markdown': a `#` heading is Markdown structure
 */
export function detectFormat(bytes: Uint8Array, fileName: string): DocumentFormat {
  return sniffFormat(bytes, fileName).format;
}

/** {@link detectFormat}, keeping what it decoded so that parsing does not do it again. */
export function sniffFormat(bytes: Uint8Array, fileName: string): Sniffed {
  if (bytes.length === 0) throw invalidInput('the file is empty', fileName, undefined, 'empty');
  if (startsLikePdf(bytes)) return { format: 'pdf' };
  if (isZip(bytes)) {
    if (zipEntryNames(bytes).includes('word/document.xml')) return { format: 'docx' };
    throw invalidInput(
      `a ZIP archive that is not a Word document (named "${fileName}"); supported are Word .docx, PDF, HTML, Markdown, text, CSV, FAQ JSON and BEIR JSON Lines`,
      fileName,
      undefined,
      'unsupported',
    );
  }
  if (OLE_MAGIC.every((byte, i) => bytes[i] === byte)) {
    throw invalidInput(
      `an old binary Office file (.doc, .xls or .ppt) is not supported (named "${fileName}"); save it as .docx or PDF`,
      fileName,
      undefined,
      'unsupported',
    );
  }
  if (isImage(bytes)) {
    throw invalidInput(
      `a picture (named "${fileName}"): no text is read from images; supported are Word .docx, PDF, HTML, Markdown, text, CSV, FAQ JSON and BEIR JSON Lines`,
      fileName,
      undefined,
      'image',
    );
  }
  const text = decodeText(bytes, fileName);
  if (text.trim() === '') throw invalidInput('the file is empty', fileName, undefined, 'empty');
  return sniffText(text, fileName);
}

/** True when `bytes` hold the PDF header `%PDF-` in their first KiB. */
export function startsLikePdf(bytes: Uint8Array): boolean {
  // The PDF specification lets readers accept junk before the header, and pdf.js does.
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  return head.includes(PDF_MAGIC);
}

function sniffText(text: string, fileName: string): Sniffed {
  const extension = fileExtension(fileName);
  const start = text.trimStart();
  if (start.startsWith('[') || start.startsWith('{')) {
    const json = sniffJson(text, extension, fileName);
    if (json) return json;
  } else if (extension === 'json') {
    throw invalidInput(`not FAQ JSON: expected ${FAQ_SHAPE}`, fileName, undefined, 'unsupported');
  } else if (JSON_LINES_EXTENSIONS.has(extension)) {
    throw invalidInput(
      `not a BEIR corpus: expected ${BEIR_SHAPE}`,
      fileName,
      undefined,
      'unsupported',
    );
  }
  if (looksLikeHtml(start, extension)) return { format: 'html', text };
  if (extension === 'csv' || extension === 'tsv') return { format: 'csv', text };
  if (MARKDOWN_EXTENSIONS.has(extension) || hasMarkdownStructure(text)) {
    return { format: 'markdown', text };
  }
  return { format: 'text', text };
}

/** FAQ JSON or BEIR JSON Lines; `undefined` for other JSON in a file not named `.json`. */
function sniffJson(text: string, extension: string, fileName: string): Sniffed | undefined {
  const whole = tryParseJson(text);
  if (whole.ok) {
    if (faqShapeProblem(whole.value) === undefined) {
      return { format: 'faq_json', text, json: whole.value };
    }
    // A one-line JSON Lines file is also one JSON value.
    if (toBeirRecord(whole.value)) return { format: 'beir_jsonl', text };
  } else {
    const firstLine = text.split('\n').find((line) => line.trim() !== '') ?? '';
    const first = tryParseJson(firstLine);
    if (first.ok && toBeirRecord(first.value)) return { format: 'beir_jsonl', text };
  }
  if (extension === 'json') {
    const problem = whole.ok ? faqShapeProblem(whole.value) : `not valid JSON: ${whole.reason}`;
    throw invalidInput(
      `not FAQ JSON: expected ${FAQ_SHAPE} (${problem})`,
      fileName,
      undefined,
      'unsupported',
    );
  }
  if (JSON_LINES_EXTENSIONS.has(extension)) {
    throw invalidInput(
      `not a BEIR corpus: expected ${BEIR_SHAPE}`,
      fileName,
      undefined,
      'unsupported',
    );
  }
  return undefined;
}

function tryParseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

const HTML_START = /^(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])/i;
const TAG = /<\/?[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?>/gi;

/**
 * An HTML document, an `.html` file, or text that starts with a tag and is mostly markup. A
 * Markdown file that opens with `<div align="center">` stays Markdown: the extension wins there.
 */
function looksLikeHtml(start: string, extension: string): boolean {
  if (HTML_START.test(start)) return true;
  if (HTML_EXTENSIONS.has(extension)) return true;
  if (MARKDOWN_EXTENSIONS.has(extension) || !/^<[a-z]/i.test(start)) return false;
  const sample = start.slice(0, 4096);
  const markup = (sample.match(TAG) ?? []).reduce((sum, tag) => sum + tag.length, 0);
  return markup / sample.length > 0.2;
}

/** ATX headings or fenced code blocks: what plain text practically never has. */
function hasMarkdownStructure(text: string): boolean {
  return /^ {0,3}#{1,6}[ \t]+\S/m.test(text) || /^ {0,3}(?:```|~~~)/m.test(text);
}
