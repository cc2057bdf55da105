/**
 * A citation marker as a language model writes it ("[2]"), with the spaces or tabs before it,
 * which go with it when it is removed ("See also [7]." reads "See also.").
 */
const MARKER = /[ \t]*\[(\d+)\]/g;

/**
 * The end of a text that may still become a marker with what follows: spaces or tabs, then
 * perhaps an opening bracket and digits. Held back until the next piece of text shows.
 */
const OPEN_END = /[ \t]*(?:\[\d*)?$/;

/**
 * `text` without the citation markers that name no source: a model may cite "[7]" with two
 * passages before it, and the customer would look for a source that does not exist.
 * `exists(n)` says whether source number `n` does.
 *
 * @example
 * withoutUnknownCitations('Free [2]. See also [7].', (n) => n <= 2); // 'Free [2]. See also.'
 */
export function withoutUnknownCitations(text: string, exists: (n: number) => boolean): string {
  return text.replace(MARKER, (marker, n: string) => (exists(Number(n)) ? marker : ''));
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
