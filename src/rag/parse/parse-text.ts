import { collapseWhitespace, paragraphBlocks } from './block-text.js';
import { fileStem } from './file-name.js';
import type { Block, ParsedDocument } from './types.js';

const MAX_HEADING_LENGTH = 80;

/**
 * Parses plain text: paragraphs are split at blank lines. A paragraph that is a single short line
 * (under 80 characters, with a letter, no final punctuation) followed by more text is taken for
 * a heading: level 1 (and the title) when it opens the file, level 2 elsewhere. Nothing cleverer,
 * so that what becomes a heading stays predictable.
 */
export function parseText(text: string, fileName: string): ParsedDocument {
  const raw = text
    .split(/\n[ \t]*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== '');
  const blocks: Block[] = raw.flatMap((paragraph, index): Block[] => {
    if (index < raw.length - 1 && looksLikeHeading(paragraph)) {
      return [{ type: 'heading', text: collapseWhitespace(paragraph), level: index === 0 ? 1 : 2 }];
    }
    return paragraphBlocks(paragraph);
  });
  const first = blocks[0];
  const title = first?.type === 'heading' && first.level === 1 ? first.text : fileStem(fileName);
  return { key: '', title, format: 'text', blocks };
}

function looksLikeHeading(paragraph: string): boolean {
  return (
    !paragraph.includes('\n') &&
    paragraph.length < MAX_HEADING_LENGTH &&
    /\p{L}/u.test(paragraph) &&
    !/[.!?,;:]$/.test(paragraph)
  );
}
