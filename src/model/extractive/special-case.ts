import { stem } from '../../store/lexical/search-text.js';
import { words } from '../../rag/search/query-terms.js';
import { searchable, type Document, type Unit } from './documents.js';
import type { QuestionTerm } from './question-terms.js';
import { quotable, type Candidate, type Scored } from './scoring.js';
import { statesPrice, statesQuantity, statesSchedule, statesTime } from './states.js';

// A case of its own ("International delivery", "Express delivery") that a question asked in
// general does not name: the general case answers first.

/**
 * Words that make a case of its own of what they qualify: delivery abroad or faster than the
 * usual, a service of a higher tier ("International delivery takes 5 to 10 working days",
 * "Express delivery arrives the next working day", "orders delivered outside the UK").
 */
const SPECIAL_CASE = new Set(
  'international internationally overseas abroad worldwide foreign outside express expedited priority premium'.split(
    ' ',
  ),
);
/**
 * Any word of {@link SPECIAL_CASE} inside a text made `searchable`, which is the text `words`
 * splits: a text it is not found in has none of them among its words.
 */
const SPECIAL_CASE_TEXT = new RegExp([...SPECIAL_CASE].join('|'));
/**
 * Asked in general, a sentence about no case of its own that says what the best one says answers
 * first when it scores at least this share of the best.
 */
const GENERAL_SHARE = 0.5;

/**
 * Asked in general ("How long does delivery take?"), the best sentence may be about a case of
 * its own that the question does not name ("International delivery takes 5 to 10 working days",
 * first because its passage is short and says "delivery" twice). A sentence that says the same
 * without such a case, in the same article ("Standard delivery in the UK takes 2 to 4 working
 * days": the question's words the best holds, and the time, price or timetable it states) then
 * answers first, when it is a good match in itself; the special case may still follow it. Moves
 * it to `first`.
 */
export function putGeneralFirst(
  ranked: Candidate[],
  first: number,
  scored: Scored,
  terms: readonly QuestionTerm[],
  documents: readonly Document[],
): void {
  const best = ranked[first];
  if (best === undefined) return;
  const asked = new Set(terms.map((t) => stem(t.term)));
  const special = (c: Candidate): boolean => namesSpecialCase(c, documents, terms, asked);
  if (!special(best)) return;
  // The general case is told of in the same article ("Shipping"): elsewhere, a sentence that
  // holds the same words is about something else.
  const article = documents[best.doc]?.article;
  // Of what it is about: the words that say something has not come ("arrived" of "my parcel
  // hasn't arrived yet") say what is asked.
  const saying = scored.shape.awaited?.saying;
  const holds = [...best.matched].filter((k) => terms[k]?.weak === false && !saying?.has(k));
  const { shape } = scored;
  const states = (c: Candidate): boolean =>
    (!(shape.time === true && statesTime(best.unit)) || statesTime(c.unit)) &&
    (!(shape.price === true && statesPrice(best.unit)) || statesPrice(c.unit)) &&
    (!(shape.schedule === true && statesSchedule(best.unit)) || statesSchedule(c.unit)) &&
    (!(shape.quantity && statesQuantity(best.unit)) || statesQuantity(c.unit));
  for (let i = first + 1; i < ranked.length; i++) {
    const c = ranked[i] as Candidate;
    if (c.score < GENERAL_SHARE * best.score) return;
    if (documents[c.doc]?.article !== article) continue;
    if (!holds.every((k) => c.matched.has(k) || c.context.has(k))) continue;
    if (!states(c) || special(c) || !quotable(c)) continue;
    ranked.splice(i, 1);
    ranked.splice(first, 0, c);
    return;
  }
}

/**
 * Asked of a case of its own ("how long does express delivery take?", or "do you ship to Japan?
 * how long does it take?", where "Japan" is searched as "international"), the best sentence may
 * be about the general case ("Standard delivery takes 3 to 5 business days within the continental
 * US", first as its passage ranks first and says "takes"). A good match that names the case
 * asked, in its words or its heading ("International orders arrive in 7 to 14 business days"
 * under "International shipping"), and states what the best states (a time, a price), answers
 * instead: moved to `first`. What the general case's sentences say does not answer it, so those
 * of the same article that do not name the case are taken out of `ranked`, also when the best
 * names it. Whether the case asked answers first.
 */
export function putAskedCaseFirst(
  ranked: Candidate[],
  first: number,
  scored: Scored,
  terms: readonly QuestionTerm[],
  documents: readonly Document[],
): boolean {
  const best = ranked[first];
  if (best === undefined) return false;
  const cases = new Set(
    terms.flatMap((t) => (!t.weak && !t.fromContext && SPECIAL_CASE.has(t.term) ? [t.term] : [])),
  );
  if (cases.size === 0) return false;
  // Said as the word itself: its stem is another's too ("intern" of "internal wiring").
  const says = (text: string): boolean =>
    SPECIAL_CASE_TEXT.test(searchable(text)) &&
    words(text).some((w) => cases.has(w) || cases.has(w.replace(/ly$/, '')));
  const namesCase = (c: Candidate): boolean => {
    if (mayNameSpecialCase(c.unit) && says(c.unit.text)) return true;
    const heading = headingOf(c, documents);
    return heading !== undefined && says(heading);
  };
  // What the general case's sentences say of it does not answer: those of the article that
  // tells of the case asked that do not name it are taken out (they would follow it as adding
  // "delivery"), unless they hold a word of the question's own that the answer does not
  // ("standard" of "standard or express delivery, which is faster?").
  const leaveOutGeneral = (answer: Candidate, article: string | undefined): void => {
    const ownBeside = (c: Candidate): boolean =>
      [...c.matched].some(
        (k) =>
          terms[k]?.weak === false &&
          terms[k]?.standsFor === undefined &&
          !answer.matched.has(k) &&
          !answer.context.has(k),
      );
    for (let j = ranked.length - 1; j > first; j--) {
      const other = ranked[j] as Candidate;
      if (documents[other.doc]?.article !== article || namesCase(other) || ownBeside(other)) {
        continue;
      }
      ranked.splice(j, 1);
    }
  };
  if (namesCase(best)) {
    leaveOutGeneral(best, documents[best.doc]?.article);
    return true;
  }
  const { shape } = scored;
  const states = (c: Candidate): boolean =>
    (!(shape.time === true && statesTime(best.unit)) || statesTime(c.unit)) &&
    (!(shape.price === true && statesPrice(best.unit)) || statesPrice(c.unit));
  for (let i = first + 1; i < ranked.length; i++) {
    const c = ranked[i] as Candidate;
    if (c.score < GENERAL_SHARE * best.score) return false;
    if (!namesCase(c) || !states(c) || !quotable(c)) continue;
    ranked.splice(i, 1);
    ranked.splice(first, 0, c);
    leaveOutGeneral(c, documents[c.doc]?.article);
    if (documents[best.doc]?.article !== documents[c.doc]?.article) {
      leaveOutGeneral(c, documents[best.doc]?.article);
    }
    return true;
  }
  return false;
}

/**
 * Whether a sentence, or the heading of its section, names a case of its own
 * ({@link SPECIAL_CASE}) of a word of the question that the question (`asked`: the stems of its
 * words) does not name: "International delivery", "delivered outside the UK" for "how long does
 * delivery take?"; not "a fee of $3 per international transfer" for a question about fees.
 */
export function namesSpecialCase(
  c: Candidate,
  documents: readonly Document[],
  terms: readonly QuestionTerm[],
  asked: ReadonlySet<string>,
): boolean {
  const document = documents[c.doc];
  const heading = sectionHeadingOf(c, documents);
  const ofQuestion = (word: string | undefined): boolean =>
    word !== undefined && terms.some((t) => !t.weak && t.matcher.matchesWord(word));
  const names = (text: string, mayName: boolean): boolean => {
    // Most sentences hold no such word anywhere: they are not split into words to find that out.
    if (!mayName) return false;
    const said = words(text);
    for (let i = 0; i < said.length; i++) {
      const word = said[i] as string;
      if (!SPECIAL_CASE.has(word) || asked.has(stem(word))) continue;
      // Before the word it qualifies, or up to two words after it.
      if (ofQuestion(said[i + 1]) || ofQuestion(said[i - 1]) || ofQuestion(said[i - 2])) {
        return true;
      }
    }
    return false;
  };
  if (names(c.unit.text, mayNameSpecialCase(c.unit))) return true;
  if (heading !== undefined) return names(heading.text, mayNameSpecialCase(heading));
  const own = document?.headings.at(-1) ?? '';
  return names(own, SPECIAL_CASE_TEXT.test(searchable(own)));
}

/**
 * Whether a sentence's text holds a word of {@link SPECIAL_CASE} anywhere, even inside another
 * word: read once, kept on the unit, which outlives the turn (see `PassageCache`).
 */
function mayNameSpecialCase(unit: Unit): boolean {
  unit.special ??= SPECIAL_CASE_TEXT.test(unit.searchText);
  return unit.special;
}

/** The heading a sentence stands under in its passage, if the passage holds one. */
function sectionHeadingOf(c: Candidate, documents: readonly Document[]): Unit | undefined {
  const units = documents[c.doc]?.units ?? [];
  for (let i = c.index - 1; i >= 0; i--) {
    const unit = units[i];
    if (unit?.heading) return unit;
  }
  return undefined;
}

/** The text of the heading a sentence stands under: its passage's, or its document's own. */
function headingOf(c: Candidate, documents: readonly Document[]): string | undefined {
  return sectionHeadingOf(c, documents)?.text ?? documents[c.doc]?.headings.at(-1);
}
