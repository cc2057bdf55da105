/**
 * A citation marker as a language model writes it, with the spaces or tabs before it, which go
 * with it when it is removed ("See also [7]." reads "See also."). It names one source ("[2]") or
 * several: a list ("[1, 7]", "[1;3]"), a range ("[1-3]", "[1–3]"), or both ("[1, 3-4]").
 */
const MARKER = /[ \t]*\[(\d+(?:[ \t]*[,;\-–][ \t]*\d+)*)\]/g;

/**
 * The end of a text that may still become a marker with what follows: spaces or tabs, then
 * perhaps the start of a marker ("[", "[1", "[1, ", "[1-"). Held back until the next piece of
 * text shows. It matches every beginning of a {@link MARKER}, so the text streamed is the whole
 * text filtered at once.
 */
const OPEN_END = /[ \t]*(?:\[(?:\d+(?:[ \t]*[,;\-–][ \t]*\d+)*(?:[ \t]*(?:[,;\-–][ \t]*)?)?)?)?$/;

/**
 * The most numbers a range stands for: "[1-100000]" is no citation a customer can follow, and
 * must not make a hundred thousand markers.
 */
const MAX_RANGE = 20;

/** The numbers a marker's inside names ("1, 3-4": 1, 3, 4), each once, in their order. */
function namedNumbers(inside: string): number[] {
  const numbers: number[] = [];
  for (const part of inside.split(/[ \t]*[,;][ \t]*/)) {
    const [from, to] = part.split(/[ \t]*[-–][ \t]*/).map(Number);
    if (from === undefined) continue;
    const last = to === undefined || to < from || to - from >= MAX_RANGE ? from : to;
    for (let n = from; n <= last; n++) if (!numbers.includes(n)) numbers.push(n);
  }
  return numbers;
}

/**
 * `text` without the citations that name no source: a model may cite "[7]" with two passages
 * before it, and the customer would look for a source that does not exist. `exists(n)` says
 * whether source number `n` does. A marker that names several is written as one marker per
 * source it names that exists ("[1, 7]" with two sources reads "[1]", "[1-3]" reads "[1][2]"),
 * so every number the customer reads maps to one source, and the reply's sources are read from
 * the markers alone (see {@link citedNumbers}).
 *
 * @example
 * withoutUnknownCitations('Free [2]. See also [7].', (n) => n <= 2); // 'Free [2]. See also.'
 * withoutUnknownCitations('Free [1, 2, 7].', (n) => n <= 2); // 'Free [1][2].'
 */
export function withoutUnknownCitations(text: string, exists: (n: number) => boolean): string {
  return text.replace(MARKER, (marker, inside: string) => {
    const known = namedNumbers(inside).filter(exists);
    if (known.length === 0) return '';
    const space = marker.slice(0, marker.indexOf('['));
    return space + known.map((n) => `[${n}]`).join('');
  });
}

/**
 * The numbers the citations of `text` name, each once, in the order first cited.
 *
 * @example
 * citedNumbers('Free [2]. Returns [1, 2] within [3-4] days.'); // [2, 1, 3, 4]
 */
export function citedNumbers(text: string): number[] {
  const cited: number[] = [];
  for (const [, inside = ''] of text.matchAll(MARKER)) {
    for (const n of namedNumbers(inside)) if (!cited.includes(n)) cited.push(n);
  }
  return cited;
}

/**
 * Removes the markers that name no source from text that arrives in pieces, as a model streams
 * it: a marker split across pieces ("[", "7]") is held back until it is whole. What it lets
 * through, joined, is {@link withoutUnknownCitations} of the whole text, so the words streamed
 * to the customer and the reply stored are the same.
 *
 * @example
 * const citations = new CitationFilter((n) => n <= 2);
 * citations.push('See also ['); // 'See also'
 * citations.push('7].'); // '.'
 * citations.end(); // ''
 */
export class CitationFilter {
  #held = '';

  constructor(private readonly exists: (n: number) => boolean) {}

  /** The text that can be sent now, given the next piece. */
  push(piece: string): string {
    const text = this.#held + piece;
    // `OPEN_END` always matches (at the end itself, if nowhere before).
    const cut = OPEN_END.exec(text)?.index ?? text.length;
    this.#held = text.slice(cut);
    return withoutUnknownCitations(text.slice(0, cut), this.exists);
  }

  /** What was held back, once no more text comes: never a whole marker, so it is sent as it is. */
  end(): string {
    const rest = this.#held;
    this.#held = '';
    return rest;
  }
}
