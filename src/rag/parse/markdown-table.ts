import { stripInlineMarkdown } from './markdown-inline.js';
import type { Block } from './types.js';

const DELIMITER_ROW = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$/;

/** True when line `index` is the header of a pipe table (the next line is its delimiter row). */
export function isTableStart(lines: readonly string[], index: number): boolean {
  const next = lines[index + 1];
  return (
    (lines[index] ?? '').includes('|') &&
    next !== undefined &&
    next.includes('|') &&
    DELIMITER_ROW.test(next)
  );
}

/**
 * Reads the pipe table starting at `index` into `table_row` blocks and returns the index of its
 * last line. Body rows are written `header: value | header: value`, like generic CSV rows, so a
 * row still says what its values are when it lands in a chunk without the header.
 */
export function readTable(lines: readonly string[], index: number, blocks: Block[]): number {
  const header = splitRow(lines[index] ?? '');
  let last = index + 1;
  let rows = 0;
  while (last + 1 < lines.length) {
    const line = lines[last + 1] ?? '';
    if (line.trim() === '' || !line.includes('|')) break;
    last++;
    const text = splitRow(line)
      .map((cell, column) => (cell && header[column] ? `${header[column]}: ${cell}` : cell))
      .filter((cell) => cell !== '')
      .join(' | ');
    if (text !== '') {
      blocks.push({ type: 'table_row', text });
      rows++;
    }
  }
  if (rows === 0 && header.some((cell) => cell !== '')) {
    blocks.push({ type: 'table_row', text: header.filter((cell) => cell !== '').join(' | ') });
  }
  return last;
}

function splitRow(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => stripInlineMarkdown(cell.replace(/\\\|/g, '|')));
}
