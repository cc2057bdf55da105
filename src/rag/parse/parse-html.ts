import { firstHeading } from './block-text.js';
import { fileStem } from './file-name.js';
import { htmlToBlocks } from './html-to-blocks.js';
import type { ParsedDocument } from './types.js';

/** Parses an HTML page; the title is its `<title>`, else its first `<h1>`, else the file name. */
export function parseHtml(html: string, fileName: string): ParsedDocument {
  const { blocks, title } = htmlToBlocks(html, fileName);
  return {
    key: '',
    title: title || firstHeading(blocks, 1) || fileStem(fileName),
    format: 'html',
    blocks,
  };
}
