import mammoth from 'mammoth';
import { firstHeading } from './block-text.js';
import { abortError, invalidInput, throwIfAborted } from './errors.js';
import { fileStem } from './file-name.js';
import { htmlToBlocks } from './html-to-blocks.js';
import { assertNotZipBomb } from './zip-guard.js';
import type { ParsedDocument } from './types.js';

/**
 * Images are dropped at conversion: the default would inline each one as a base64 data URI,
 * a large string that the HTML reader would then only throw away.
 */
const DROP_IMAGES = mammoth.images.imgElement(() => Promise.resolve({ src: '' }));

/**
 * Parses a Word `.docx` document: mammoth turns its styles into HTML (Heading 1 → `<h1>`,
 * numbered and bulleted paragraphs → lists), then the HTML reader makes the blocks. The title is
 * the first heading, else the file name. A document without any text is an error.
 */
export async function parseDocx(
  bytes: Uint8Array,
  fileName: string,
  signal?: AbortSignal,
): Promise<ParsedDocument> {
  throwIfAborted(signal, fileName);
  assertNotZipBomb(bytes, fileName);
  let html: string;
  try {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    html = (await mammoth.convertToHtml({ buffer }, { convertImage: DROP_IMAGES })).value;
  } catch (error) {
    throw invalidInput(`not a readable Word document (${reasonOf(error)})`, fileName, error);
  }
  // mammoth cannot be interrupted; a caller that gave up meanwhile still gets its abort.
  if (signal?.aborted) throw abortError(signal, fileName);
  const { blocks } = htmlToBlocks(html);
  // Typically pages pasted in as pictures: better said now than found as an empty search result.
  if (blocks.length === 0) throw invalidInput('the Word document has no text', fileName);
  return { key: '', title: firstHeading(blocks) ?? fileStem(fileName), format: 'docx', blocks };
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
