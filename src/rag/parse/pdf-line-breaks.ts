/** Where a line sits across the page, in PDF units. */
export interface LineExtent {
  text: string;
  size: number;
  /** Where the line's first character starts. */
  x: number;
  /** Where the line's last character ends. */
  end: number;
}

/** The horizontal bounds of a page (its `view`), in PDF units. */
export interface PageBounds {
  left: number;
  right: number;
}

/** Lines starting within this many font sizes of each other are taken as one column. */
const COLUMN_START_TOLERANCE = 3;
/** How many lines must be seen to wrap before a column's widest line is trusted as its width. */
const MIN_WRAPPED_LINES = 2;
/** A line that goes on with a word in lower case: the sentence before it was wrapped. */
const GOES_ON = /^\p{Ll}/u;

/**
 * The right edge of the text column each line sits in (same order as `lines`, which are in
 * reading order): the widest end among the lines of the page that start about where it starts.
 * That width shows only where sentences wrap at it, as a paragraph's do; a page of short lines
 * (an invoice, a list, an address, a table) has no line that shows the column's width, and then
 * the text area is taken to end as far from the page's right side as it begins from the left.
 */
export function columnRightEdges(
  lines: readonly LineExtent[],
  bounds: PageBounds | undefined,
): number[] {
  const columns = columnsOf(lines);
  const widest = new Map<number, number>();
  lines.forEach((line, index) => {
    const column = columns[index] ?? 0;
    widest.set(column, Math.max(widest.get(column) ?? -Infinity, line.end));
  });
  const wrapped = new Map<number, number>();
  lines.forEach((line, index) => {
    const [column, next] = [columns[index] ?? 0, lines[index + 1]];
    if (!next || columns[index + 1] !== column || next.size !== line.size) return;
    // Rows of a table can end near one another too, but each row starts a new item.
    if (
      GOES_ON.test(next.text) &&
      !wouldHaveFit(line, next, (widest.get(column) ?? line.end) - line.end)
    ) {
      wrapped.set(column, (wrapped.get(column) ?? 0) + 1);
    }
  });
  const pageLeft = lines.reduce((left, line) => Math.min(left, line.x), Infinity);
  const pageEdge = bounds ? bounds.right - (pageLeft - bounds.left) : -Infinity;
  return lines.map((line, index) => {
    const column = columns[index] ?? 0;
    const edge = widest.get(column) ?? line.end;
    return (wrapped.get(column) ?? 0) >= MIN_WRAPPED_LINES ? edge : Math.max(edge, pageEdge);
  });
}

/** A column number for each line: sorted by where they start, lines part where starts jump. */
function columnsOf(lines: readonly LineExtent[]): number[] {
  const columns = new Array<number>(lines.length).fill(0);
  const sorted = lines.map((line, index) => ({ line, index })).sort((a, b) => a.line.x - b.line.x);
  let column = 0;
  sorted.forEach(({ line, index }, position) => {
    const before = sorted[position - 1]?.line;
    if (before && line.x - before.x > COLUMN_START_TOLERANCE * Math.max(line.size, before.size)) {
      column += 1;
    }
    columns[index] = column;
  });
  return columns;
}

/**
 * Whether `line` begins a new paragraph rather than continuing the wrapped `previous` one, that
 * ends `room` units before the right edge of its column. A line that begins with a label
 * ("Total charged: $477.15") or a list marker is a line of its own; and a writer breaks a line
 * early on purpose, so when the next line's first word would have fitted in the room left, the
 * break is the writer's, not the wrapping's.
 */
export function startsNewParagraph(previous: LineExtent, line: LineExtent, room: number): boolean {
  return LABEL.test(line.text) || LIST_ITEM.test(line.text) || wouldHaveFit(previous, line, room);
}

/** Whether the first word of `line` would have fitted after `previous`, in `room` units. */
function wouldHaveFit(previous: LineExtent, line: LineExtent, room: number): boolean {
  const firstWord = line.text.split(' ', 1)[0] ?? '';
  const perChar = (line.end - line.x) / Math.max(1, line.text.length);
  const space = previous.size * 0.3;
  // Half a font size of slack, so that a word that only just fits in an estimate still wraps.
  return room > firstWord.length * perChar + space + previous.size * 0.5;
}

/** "Order number: 88231", "Due date: 14 December": a short capitalised label, a colon, a value. */
const LABEL = /^\p{Lu}[\p{L}\p{N}'’&/()-]*(?: [\p{L}\p{N}'’&/()-]+){0,3}: +\S/u;
/** "• Item", "- Item", "1. Step", "a) Option". */
const LIST_ITEM = /^(?:[•◦▪·‣*–-]|\d{1,2}[.)]|[a-z][.)]) +\S/u;
