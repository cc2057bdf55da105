import type mammoth from 'mammoth';
import { isAppError } from '../../errors/index.js';
import { firstHeading } from './block-text.js';
import { abortError, invalidInput, throwIfAborted } from './errors.js';
import { fileStem } from './file-name.js';
import { htmlToBlocks } from './html-to-blocks.js';
import { tooMuchText, type ParseLimits } from './limits.js';
import { assertNotZipBomb } from './zip-guard.js';
import { openZipArchive } from './zip-reader.js';
import type { ParsedDocument } from './types.js';

/**
 * mammoth's inputs as it reads them: besides a path or a buffer (which it would open with JSZip,
 * inflating whatever the archive holds), an opened archive `{ file }`, which its typings omit.
 * That is how the archive is read here, by `openZipArchive`, with a byte budget.
 */
type MammothInput = Parameters<typeof mammoth.convertToHtml>[0];

/**
 * Parses a Word `.docx` document: mammoth turns its styles into HTML (Heading 1 → `<h1>`,
 * numbered and bulleted paragraphs → lists), then the HTML reader makes the blocks. The title is
 * the first heading, else the file name. A document without any text is an error, and so is
 * one past `limits` (see {@link ParseLimits}): it fails with a `payload_too_large` `AppError`.
 */
export async function parseDocx(
  bytes: Uint8Array,
  fileName: string,
  limits: ParseLimits,
  signal?: AbortSignal,
): Promise<ParsedDocument> {
  throwIfAborted(signal, fileName);
  assertNotZipBomb(bytes, fileName);
  let html: string;
  try {
    // Loaded on first use, as pdf.js is: most files are not Word documents.
    const mammoth = await import('mammoth');
    const file = openZipArchive(bytes, fileName, limits);
    const input = { file } as unknown as MammothInput;
    // Images are dropped: the default would inline each one as a base64 data URI, a large
    // string that the HTML reader would then only throw away.
    const convertImage = mammoth.images.imgElement(() => Promise.resolve({ src: '' }));
    html = (await mammoth.convertToHtml(input, { convertImage })).value;
  } catch (error) {
    if (isAppError(error)) throw error;
    throw invalidInput(`not a readable Word document (${reasonOf(error)})`, fileName, error);
  }
  // mammoth cannot be interrupted; a caller that gave up meanwhile still gets its abort.
  if (signal?.aborted) throw abortError(signal, fileName);
  const { blocks } = htmlToBlocks(html, fileName);
  // Typically pages pasted in as pictures: better said now than found as an empty search result.
  if (blocks.length === 0)
    throw invalidInput('the Word document has no text', fileName, undefined, 'empty');
  const chars = blocks.reduce((sum, block) => sum + block.text.length, 0);
  if (chars > limits.maxTextChars) throw tooMuchText(fileName, limits.maxTextChars);
  return { key: '', title: firstHeading(blocks) ?? fileStem(fileName), format: 'docx', blocks };
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
