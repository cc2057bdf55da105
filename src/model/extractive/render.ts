import type { Document } from './documents.js';
import type { Pick } from './quote.js';

/** The quoted part of an answer and the passages it cites. */
export interface Rendered {
  text: string;
  /**
   * 1-based numbers (in `sources`) of the passages cited, in the order the text cites them
   * first: by appearance, the text's [k] cites passage `cited[k - 1]`; as retrieved, ascending.
   */
  cited: number[];
}

/**
 * How passages are numbered in the text: from [1] in the order they are first cited (what a
 * reader expects), or by their place in `sources` (for a reply that goes with a list of every
 * passage retrieved, numbered so).
 */
export type Numbering = 'by-appearance' | 'as-retrieved';

/**
 * Each quote followed by its citation marker ("… in Settings [1]."). A "…:" line and the list
 * items under it read as one quoted block, one item per line, cited once at its end.
 */
export function renderPicks(
  picks: readonly Pick[],
  documents: readonly Document[],
  numbering: Numbering = 'by-appearance',
): Rendered {
  let text = '';
  let lastWasLine = false;
  // Passage number in `sources` → the number its marker says.
  const cited = new Map<number, number>();
  const markerOf = (document: Document): string => {
    if (document.number === undefined) return document.label;
    let shown = cited.get(document.number);
    if (shown === undefined) {
      shown = numbering === 'as-retrieved' ? document.number : cited.size + 1;
      cited.set(document.number, shown);
    }
    return String(shown);
  };
  picks.forEach((pick, i) => {
    const document = documents[pick.candidate.doc];
    if (!document) return;
    const next = picks[i + 1];
    const quote =
      next !== undefined && continues(pick, next)
        ? pick.quote
        : withMarker(pick.quote, `[${markerOf(document)}]`, !pick.candidate.unit.list);
    const previous = picks[i - 1];
    const asLine = previous !== undefined && continues(previous, pick);
    // A list with no line of its own before it (steps under a heading) starts on a line too.
    const opensList =
      !asLine && pick.candidate.unit.list && next !== undefined && continues(pick, next);
    // A numbered step keeps its number: the steps are done in that order.
    const bullet = pick.candidate.unit.label ?? '-';
    if (opensList) text += text === '' ? `${bullet} ${quote}` : `\n${bullet} ${quote}`;
    else if (text === '') text = quote;
    else if (asLine) text += `\n${bullet} ${quote}`;
    else text += lastWasLine ? `\n${quote}` : ` ${quote}`;
    lastWasLine = asLine || opensList;
  });
  const numbers = [...cited.keys()];
  return {
    text,
    cited: numbering === 'as-retrieved' ? numbers.sort((a, b) => a - b) : numbers,
  };
}

/** Whether `next` is a list item right after `pick` in the same document. */
function continues(pick: Pick, next: Pick): boolean {
  return (
    next.candidate.unit.list &&
    next.candidate.doc === pick.candidate.doc &&
    next.candidate.index === pick.candidate.index + 1
  );
}

/**
 * Puts the marker before the closing punctuation: "Open Settings [1]." A sentence without any
 * (a heading quoted: "Core – £34.99 a month") gets a full stop after the marker; a list item
 * does not.
 */
function withMarker(quote: string, marker: string, sentence: boolean): string {
  const end = /[.!?:;]+$/.exec(quote);
  if (quote.endsWith('…')) return `${quote} ${marker}`;
  if (!end) return sentence ? `${quote} ${marker}.` : `${quote} ${marker}`;
  return `${quote.slice(0, end.index).trimEnd()} ${marker}${end[0]}`;
}
