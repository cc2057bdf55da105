import { collapseWhitespace, paragraphBlocks } from './block-text.js';
import { fileStem } from './file-name.js';
import type { Block, ParsedDocument } from './types.js';

const MAX_HEADING_LENGTH = 80;

/**
 * Parses plain text: paragraphs are split at blank lines, and at the lines of a record within
 * one (see {@link lineGroups}). A paragraph that is a single short line
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
    return lineGroups(paragraph).flatMap(paragraphBlocks);
  });
  const first = blocks[0];
  const title = first?.type === 'heading' && first.level === 1 ? first.text : fileStem(fileName);
  return { key: '', title, format: 'text', blocks };
}

/** Longest line that may stand as a line of its own within a paragraph ("Total: £45.00"). */
const MAX_RECORD_LINE = 50;

/**
 * A paragraph's lines, joined where they run on and apart where each says a thing of its own: a
 * short line with no closing punctuation before one that opens with a capital or a digit is a
 * line of a record (an invoice's "Item: blue kettle", "Total: £45.00", an address), not prose
 * wrapped at the margin; a sentence quoted from it is then the line, not the whole record.
 */
function lineGroups(paragraph: string): string[] {
  const lines = paragraph.split('\n');
  if (lines.length < 2) return [paragraph];
  const groups: string[] = [];
  let current = '';
  lines.forEach((raw, i) => {
    const line = raw.trim();
    current = current === '' ? line : `${current} ${line}`;
    const next = lines[i + 1]?.trim() ?? '';
    const apart =
      line !== '' &&
      line.length <= MAX_RECORD_LINE &&
      !/[.!?,;:\-–]$/.test(line) &&
      /^[\p{Lu}\p{N}]/u.test(next);
    if (apart || i === lines.length - 1) {
      groups.push(current);
      current = '';
    }
  });
  return groups;
}

function looksLikeHeading(paragraph: string): boolean {
  return (
    !paragraph.includes('\n') &&
    paragraph.length < MAX_HEADING_LENGTH &&
    /\p{L}/u.test(paragraph) &&
    !/[.!?,;:]$/.test(paragraph)
  );
}
