import { searchWords } from '../../store/lexical/search-text.js';
import { RELATED_WEIGHT, type RelatedTerm } from './synonyms.js';

/**
 * The small numbers a help center may write in words or in digits, by value. "One" is left out:
 * it is far more often a pronoun ("which one do you want?") than a count.
 */
const NAMES: ReadonlyMap<number, string> = new Map([
  [2, 'two'],
  [3, 'three'],
  [4, 'four'],
  [5, 'five'],
  [6, 'six'],
  [7, 'seven'],
  [8, 'eight'],
  [9, 'nine'],
  [10, 'ten'],
  [11, 'eleven'],
  [12, 'twelve'],
]);
const VALUES: ReadonlyMap<string, number> = new Map([...NAMES].map(([n, name]) => [name, n]));

/**
 * A unit of time after a number: the number counts a span the customer tells ("3 weeks ago",
 * "a 5 minute call"), which a page that states the same count says of something else ("within
 * 3 working days"), however it writes it.
 */
const SPAN =
  /^(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|nights?|weeks?|wks?|months?|mos?|years?|yrs?)$/;

/** A word between a count and its unit of time: "working" of "5 working days". */
const KIND_OF_DAY = /^(?:working|business|calendar|full|whole)$/;

/** Whether the number at `i` counts a span of time: "3 weeks", "5 working days". */
function countsSpan(said: readonly string[], i: number): boolean {
  const next = said[i + 1] ?? '';
  return SPAN.test(next) || (KIND_OF_DAY.test(next) && SPAN.test(said[i + 2] ?? ''));
}

/** Whether `word` is a small number in words ("three"): a word, not a misspelling. */
export function isNumberWord(word: string): boolean {
  return VALUES.has(word);
}

/**
 * The other way to write each small number of a question (2 to 12), searched beside it at the
 * weight of a related word: customers write "2 lines", pages "two rows", and the other way
 * round. Not a number that counts a span of time ({@link SPAN}).
 *
 * @example
 * numberForms('my meter has 2 lines of numbers');
 * // [{ term: 'two', weight: RELATED_WEIGHT, from: '2' }]
 * numberForms('I ordered 3 weeks ago'); // []
 */
export function numberForms(question: string): RelatedTerm[] {
  const said = searchWords(question.slice(0, 2_000));
  const have = new Set(said);
  const out: RelatedTerm[] = [];
  said.forEach((word, i) => {
    const value = /^\d{1,2}$/.test(word) ? Number(word) : VALUES.get(word);
    const other =
      value === undefined ? undefined : /^\d/.test(word) ? NAMES.get(value) : `${value}`;
    if (other === undefined || have.has(other) || countsSpan(said, i)) return;
    have.add(other);
    out.push({ term: other, weight: RELATED_WEIGHT, from: word });
  });
  return out;
}
