import { stem } from '../../store/lexical/search-text.js';
import { STOP_WORDS } from '../../store/lexical/stop-words.js';
import { words } from '../../rag/search/query-terms.js';
import { quoteOf, type Pick } from './quote.js';
import type { QuestionTerm } from './question-terms.js';
import { quotable, type Scored } from './scoring.js';

// Asked whether the shop ships to a place ("do you ship to mexico"), where a page lists the
// places it ships to and the one asked is not among them, the list is the answer: what the page
// says of shipping abroad ("International shipping costs a flat $24.95 per order") reads as yes.

/** "do you ship to mexico", "can you deliver to puerto rico?": the place is what follows "to". */
const ASKS_SHIP_TO =
  /\b(?:do|does|can|could|will|would)\s+(?:you|u|y'?all|they|it|we)\s+(?:\w+\s+)?(?:ship|deliver|send|post)\s+(?:\w+\s+)?to\s+([\p{L}][\p{L}\s'’.-]{0,40})/iu;

/** "We ship to Canada, the United Kingdom, … and Japan": a list of the places served. */
const LISTS_PLACES =
  /\b(?:ship|ships|deliver|delivers|send|post)\s+(?:only\s+)?(?:orders\s+)?to\s+[^.]*?(?:,|\band\b|\bor\b)/i;

/** Words after "to" that are not the place: "me", "my house", "a PO box". */
const NOT_A_PLACE = new Set(['me', 'my', 'us', 'our', 'you', 'your', 'po', 'box', 'address']);

/**
 * The sentence that lists the places served, alone, for a question whether the shop ships to a
 * place that it does not name; `undefined` when the question asks no such thing, no relevant
 * sentence lists places, or the list names the place asked (the answer as chosen then says so).
 */
export function placesServed(
  question: string,
  scored: Scored,
  terms: readonly QuestionTerm[],
): Pick[] | undefined {
  const m = ASKS_SHIP_TO.exec(question.slice(0, 2000));
  if (m === null) return undefined;
  const said = words((m[1] as string).split(/[?!,;]/)[0] ?? '');
  if (said.some((w) => NOT_A_PLACE.has(w))) return undefined;
  const place = said.filter((w) => !STOP_WORDS.has(w)).map((w) => stem(w));
  if (place.length === 0) return undefined;
  const list = scored.candidates
    .filter((c) => c.relevant && LISTS_PLACES.test(c.unit.text) && quotable(c))
    .sort((a, b) => b.score - a.score)[0];
  if (list === undefined) return undefined;
  const named = new Set(words(list.unit.text).map((w) => stem(w)));
  if (place.every((s) => named.has(s))) return undefined;
  return [{ candidate: list, quote: quoteOf(list, terms) }];
}
