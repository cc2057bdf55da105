import { searchWords } from '../../store/lexical/search-text.js';
import { STOP_WORDS } from '../../store/lexical/stop-words.js';
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

/**
 * A word before a number that tells it is someone's age: "I'm 20", "turning 21", "I am 16".
 * ("I'm" is searched as "i", "m", and written "im" in chat.)
 */
const AGE_BEFORE = /^(?:im|m|am|turning|turn|turned|turns)$/;

/**
 * Someone a question may tell the age of with "is" ("my son is 14", "she's 15"): "is" alone
 * before a number tells an amount as often ("the fee is 15").
 */
const PERSON = new Set(
  'he she son sons daughter daughters kid kids child boy girl nephew niece grandson granddaughter brother sister friend partner wife husband'.split(
    ' ',
  ),
);

/** "is 14" of a person ("my son is 14", "she's 15"): an age. */
function personIs(said: readonly string[], i: number): boolean {
  return /^(?:is|s)$/.test(said[i - 1] ?? '') && PERSON.has(said[i - 2] ?? '');
}

/** A word after a number that tells it is an age: "17 yo". */
const AGE_AFTER = /^(?:yo)$/;

/**
 * Whether the word after a number leaves it an age: none, a word such as "and" or "in", or one
 * that says so; not a unit, as "I'm 5 minutes late" and "I'm 20 dollars short" count other things.
 */
function endsAge(next: string | undefined): boolean {
  return next === undefined || STOP_WORDS.has(next) || AGE_AFTER.test(next);
}

/** The words a help center states an age in ("at least 21 years old", "Members aged 16"). */
const AGE_WORDS = ['age', 'old'];

/**
 * The words a page states an age in, when the question tells an age without them ("im 20,
 * turning 21 in march, can i sign up"), searched at the weight of a related word: the customer
 * asks whether their age is enough, where the page says who may ("you must be at least 21 years
 * old") in words the question does not have. A question that says "old" or "age" itself ("my
 * 14 yr old nephew") is searched by its own word: the page's word added beside it would make a
 * passage that lists ages ("aged 13, 14 and 15") outweigh the one about what was asked.
 *
 * @example
 * ageForms("I'm 17, can I join?"); // [{ term: 'age', … }, { term: 'old', … }]
 * ageForms('I was charged 20 dollars'); // []
 */
export function ageForms(question: string): RelatedTerm[] {
  const said = searchWords(question.slice(0, 2_000));
  if (said.some((word) => AGE_WORDS.includes(word) || word === 'aged')) return [];
  const at = said.findIndex(
    (word, i) =>
      /^\d{1,3}$/.test(word) &&
      Number(word) >= 5 &&
      Number(word) <= 120 &&
      (AGE_BEFORE.test(said[i - 1] ?? '') || personIs(said, i)
        ? endsAge(said[i + 1])
        : AGE_AFTER.test(said[i + 1] ?? '')),
  );
  if (at < 0) return [];
  return AGE_WORDS.map((term) => ({ term, weight: RELATED_WEIGHT, from: said[at] as string }));
}
