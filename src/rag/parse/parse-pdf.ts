import { isAppError } from '../../errors/index.js';
import { firstHeading } from './block-text.js';
import { abortError, invalidInput, throwIfAborted } from './errors.js';
import { fileStem } from './file-name.js';
import { tooManyPages, tooMuchText, type ParseLimits } from './limits.js';
import { linesToBlocks, pageLines } from './pdf-layout.js';
import type { PdfLine, PdfTextItem } from './pdf-layout.js';
import type { ParsedDocument } from './types.js';

/**
 * Parses a PDF with pdf.js: the text of each page is grouped into lines and paragraphs by
 * position, and lines in a clearly larger font become headings. The title is the metadata
 * `Title`, else the first heading, else the file name. The pdf.js document is always destroyed,
 * also on errors and when `signal` aborts.
 *
 * A PDF of more than `limits.maxPdfPages` pages is refused before any page is read, and reading
 * stops as soon as the text passes `limits.maxTextChars` (both `payload_too_large`). pdf.js
 * offers no bound on what one compressed stream inflates to, nor on the work a page takes: that
 * is bounded by running this in a worker that can be stopped (see `createParseWorkers`).
 */
export async function parsePdf(
  bytes: Uint8Array,
  fileName: string,
  limits: Pick<ParseLimits, 'maxTextChars' | 'maxPdfPages'>,
  signal?: AbortSignal,
): Promise<ParsedDocument> {
  throwIfAborted(signal, fileName);
  // Loaded on first use: pdf.js is large, and most knowledge-base files are not PDFs.
  const { getDocument, VerbosityLevel } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  // An abort during the import has no listener to call yet.
  throwIfAborted(signal, fileName);
  const task = getDocument({
    // A copy, because pdf.js may transfer (detach) the buffer it is given.
    data: new Uint8Array(bytes),
    useSystemFonts: false,
    isEvalSupported: false,
    disableFontFace: true,
    verbosity: VerbosityLevel.ERRORS,
  });
  const onAbort = (): void => void task.destroy();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const pdf = await task.promise;
    if (pdf.numPages > limits.maxPdfPages) {
      throw tooManyPages(fileName, pdf.numPages, limits.maxPdfPages);
    }
    const lines: PdfLine[] = [];
    let chars = 0;
    for (let number = 1; number <= pdf.numPages; number++) {
      throwIfAborted(signal, fileName);
      const page = await pdf.getPage(number);
      try {
        const items: PdfTextItem[] = [];
        // Streamed rather than `getTextContent()`, which would read all of a page first: one
        // page can hold a stream that inflates to gigabytes of text.
        const stream = page.streamTextContent() as ReadableStream<{ items: object[] }>;
        const reader = stream.getReader();
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
          for (const item of chunk.value.items) {
            if (!isTextItem(item)) continue;
            chars += item.str.length;
            items.push(item);
          }
          if (chars > limits.maxTextChars) {
            const error = tooMuchText(fileName, limits.maxTextChars);
            // pdf.js insists on an Error as the reason.
            await reader.cancel(error).catch(() => undefined);
            throw error;
          }
        }
        const [left = 0, , right = 0] = page.view;
        for (const line of pageLines(items, number, { left, right })) lines.push(line);
      } finally {
        page.cleanup();
      }
    }
    if (lines.length === 0)
      throw invalidInput('the PDF has no extractable text', fileName, undefined, 'empty');
    const blocks = linesToBlocks(lines);
    const metadataTitle = await pdf.getMetadata().then(
      ({ info }) => (info as Record<string, unknown>)['Title'],
      () => undefined,
    );
    const title =
      (typeof metadataTitle === 'string' && metadataTitle.trim()) ||
      firstHeading(blocks) ||
      fileStem(fileName);
    return { key: '', title, format: 'pdf', blocks };
  } catch (error) {
    if (signal?.aborted) throw abortError(signal, fileName);
    if (isAppError(error)) throw error;
    if (error instanceof Error && error.name === 'PasswordException') {
      throw invalidInput('the PDF is password-protected', fileName, error, 'protected');
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw invalidInput(`not a readable PDF (${reason})`, fileName, error);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await task.destroy();
  }
}

function isTextItem<T extends object>(item: T): item is T & PdfTextItem {
  return 'str' in item && 'transform' in item;
}
