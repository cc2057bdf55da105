import { columnRightEdges, startsNewParagraph, type PageBounds } from './pdf-line-breaks.js';
import type { Block } from './types.js';

/** The part of a pdf.js text item that layout needs. */
export interface PdfTextItem {
  str: string;
  /** Text matrix: `[scaleX, skewY, skewX, scaleY, x, y]`, in PDF units (y grows upwards). */
  transform: number[];
  width: number;
  height: number;
  hasEOL: boolean;
}

/** One line of text on a page, with the font size most of its characters have. */
export interface PdfLine {
  text: string;
  size: number;
  y: number;
  page: number;
  /** Where the line starts and ends across the page. */
  x: number;
  end: number;
  /** The right edge of the text column the line is in: how far a full line reaches. */
  columnEnd: number;
}

/** A line is a heading when its font is at least this much larger than the body font. */
const HEADING_SCALE = 1.2;
/** Longer "large" lines are pull quotes or banners rather than headings. */
const MAX_HEADING_LENGTH = 150;

/**
 * Groups a page's text items into lines: items stay in content order (which follows columns),
 * and a new line starts at an end-of-line mark or when the baseline moves by half a line.
 * `bounds`, the page's sides, tell how wide a full line would be on a page of short lines.
 */
export function pageLines(
  items: readonly PdfTextItem[],
  page: number,
  bounds?: PageBounds,
): PdfLine[] {
  const lines: Array<Omit<PdfLine, 'columnEnd'>> = [];
  let text = '';
  let y = 0;
  let startX = 0;
  let endX = 0;
  let sizes = new Map<number, number>();
  const endLine = (): void => {
    const trimmed = text.replace(/\s+/g, ' ').trim();
    if (trimmed) {
      lines.push({ text: trimmed, size: dominant(sizes), y, page, x: startX, end: endX });
    }
    text = '';
    sizes = new Map();
  };
  for (const item of items) {
    const size = fontSize(item);
    const x = item.transform[4] ?? 0;
    const itemY = item.transform[5] ?? 0;
    if (item.str.trim() !== '') {
      if (text && Math.abs(itemY - y) > Math.max(size, dominant(sizes)) / 2) endLine();
      if (!text) [y, startX] = [itemY, x];
      // Words placed apart without a space character still need one.
      else if (x - endX > size * 0.15 && !/\s$/.test(text) && !/^\s/.test(item.str)) text += ' ';
      text += item.str;
      endX = x + item.width;
      const rounded = Math.round(size * 2) / 2;
      sizes.set(rounded, (sizes.get(rounded) ?? 0) + item.str.length);
    } else if (text) {
      text += ' ';
    }
    if (item.hasEOL) endLine();
  }
  endLine();
  const edges = columnRightEdges(lines, bounds);
  return lines.map((line, index) => ({ ...line, columnEnd: edges[index] ?? line.end }));
}

function fontSize(item: PdfTextItem): number {
  if (item.height > 0) return item.height;
  return Math.hypot(item.transform[2] ?? 0, item.transform[3] ?? 0);
}

/** The key with the largest count (the smallest key on a tie, for determinism). */
function dominant(counts: ReadonlyMap<number, number>): number {
  let best = 0;
  let bestCount = -1;
  for (const [key, count] of [...counts].sort((a, b) => a[0] - b[0])) {
    if (count > bestCount) [best, bestCount] = [key, count];
  }
  return best;
}

/**
 * Turns the lines of a whole document into blocks. The body font is the size most characters
 * have; clearly larger short lines are headings, ranked by size into levels (largest = 1).
 * Lines join into a paragraph while the gap to the previous line is a normal line spacing and
 * the previous line was full, so that a paragraph wrapped over lines reads as one while lines
 * the writer ended early (an invoice's "Total charged: $477.15") stay apart.
 */
export function linesToBlocks(lines: readonly PdfLine[]): Block[] {
  const bodySize = dominant(
    countBy(
      lines,
      (line) => line.size,
      (line) => line.text.length,
    ),
  );
  const isHeading = (line: PdfLine): boolean =>
    line.size >= bodySize * HEADING_SCALE && line.text.length <= MAX_HEADING_LENGTH;
  const headingSizes = [...new Set(lines.filter(isHeading).map((line) => line.size))].sort(
    (a, b) => b - a,
  );
  // Line spacing scales with the font, so it is kept as a ratio of the body font size.
  const spacing = typicalLineGap(lines, bodySize) / (bodySize || 1);

  const blocks: Block[] = [];
  let previous: PdfLine | undefined;
  for (const line of lines) {
    const last = blocks.at(-1);
    const gap = previous && previous.page === line.page ? previous.y - line.y : -1;
    const heading = isHeading(line);
    // A wrapped heading or paragraph continues when the next line follows at line spacing.
    const continues =
      last &&
      previous !== undefined &&
      previous.size === line.size &&
      heading === isHeading(previous) &&
      gap > 0 &&
      gap <= line.size * Math.min(spacing * 1.4, 2.2) &&
      !startsNewParagraph(previous, line, previous.columnEnd - previous.end);
    if (continues) last.text += ` ${line.text}`;
    else if (heading) {
      const level = Math.min(6, headingSizes.indexOf(line.size) + 1);
      blocks.push({ type: 'heading', text: line.text, level });
    } else blocks.push({ type: 'paragraph', text: line.text });
    previous = line;
  }
  return blocks;
}

/** The most common baseline distance between consecutive body lines of a page. */
function typicalLineGap(lines: readonly PdfLine[], bodySize: number): number {
  const gaps: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const [a, b] = [lines[i - 1], lines[i]];
    if (!a || !b || a.page !== b.page || a.size !== bodySize || b.size !== bodySize) continue;
    const gap = a.y - b.y;
    if (gap > 0 && gap < bodySize * 3) gaps.push(Math.round(gap * 2) / 2);
  }
  if (gaps.length === 0) return bodySize * 1.2;
  return dominant(
    countBy(
      gaps,
      (gap) => gap,
      () => 1,
    ),
  );
}

function countBy<T>(
  values: readonly T[],
  key: (value: T) => number,
  weight: (value: T) => number,
): Map<number, number> {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(key(value), (counts.get(key(value)) ?? 0) + weight(value));
  return counts;
}
