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
 * A paragraph's lines, joined where they run on and apart where each says a thing of its own,
 * so that a sentence quoted from a record is its line, not the whole record (see
 * {@link endsLine}).
 */
function lineGroups(paragraph: string): string[] {
  const lines = paragraph.split('\n').map((line) => line.trim());
  if (lines.length < 2) return [paragraph];
  const groups: string[] = [];
  let current = '';
  lines.forEach((line, i) => {
    current = current === '' ? line : `${current} ${line}`;
    const next = lines[i + 1];
    if (next === undefined || (line !== '' && endsLine(line, next))) {
      groups.push(current);
      current = '';
    }
  });
  return groups;
}

/**
 * Whether the break between two lines ends the first as a line of its own: when the next starts
 * a list item or a row of a table; or when it does not carry on in lower case, and either one is
 * a line of a record ("Bill to: Maria Lopez", a row closing on "$289.00": see
 * {@link recordLine}) or the first is short with no closing punctuation (a heading, a line of
 * an address). Prose wrapped at the margin runs on: its lines are long, end mid-clause, or the
 * next carries on in lower case.
 */
function endsLine(line: string, next: string): boolean {
  // "Bill to:" before its value, a clause that runs on after a comma.
  if (/[,;:\-–]$/.test(line)) return false;
  if (LIST_ITEM.test(next) || CELLS.test(next)) return true;
  if (!/^[\p{Lu}\p{N}$£€¥₹]/u.test(next)) return false;
  if (recordLine(line) || field(next)) return true;
  return !/[.!?]$/.test(line) && line.length <= MAX_RECORD_LINE;
}

/** A label and its value: a few words before a colon ("Bill to:", "Invoice number:"). */
const FIELD = /^[\p{L}\p{N}][\p{L}\p{N} '’&/().#-]{0,30}:(?:\s|$)/u;
/** A list item's marker: a dash or bullet, or a number or letter with a stop or bracket. */
const LIST_ITEM = /^(?:[-*•+–]|\d{1,3}[.)]|[a-z][.)])\s+\S/;
/** Cells of a table row: parted by a tab, a pipe, or a wide run of spaces. */
const CELLS = /\S(?:\t| {3,}|\s\|\s)\S/;
/** An amount at the end of a line, as a row of an invoice ends ("Tent, qty 1, $289.00"). */
const CLOSING_AMOUNT = /(?:[$£€¥₹]\s?\d[\d,]*(?:\.\d+)?|\d[\d,]*\.\d{2}(?:\s?[A-Z]{3})?)$/;
// The words of a label: more than five is a sentence that happens to hold a colon.
const MAX_LABEL_WORDS = 5;

/** Whether a line is a label and its value ("Total due: $527.95"). */
function field(line: string): boolean {
  const label = FIELD.exec(line)?.[0];
  return label !== undefined && label.trim().split(/\s+/).length <= MAX_LABEL_WORDS;
}

/**
 * Whether a line (trimmed, its inner spaces kept) is a line of a record rather than of prose: a
 * field, a list item, a row of a table, or a line that closes on an amount.
 */
function recordLine(line: string): boolean {
  return field(line) || LIST_ITEM.test(line) || CELLS.test(line) || CLOSING_AMOUNT.test(line);
}

function looksLikeHeading(paragraph: string): boolean {
  return (
    !paragraph.includes('\n') &&
    paragraph.length < MAX_HEADING_LENGTH &&
    /\p{L}/u.test(paragraph) &&
    !/[.!?,;:]$/.test(paragraph)
  );
}
