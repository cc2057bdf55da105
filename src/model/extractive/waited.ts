import { stem } from '../../store/lexical/search-text.js';
import { awaitedThing, saysNotCome, type AwaitedThing } from './clauses.js';
import type { Document } from './documents.js';
import type { QuestionTerm } from './question-terms.js';
import type { Candidate, Scored } from './scoring.js';
import { statesRemedy } from './states.js';
import type { Pick } from './quote.js';
import { selectSentences } from './select.js';
import { namesSpecialCase } from './special-case.js';
import { COUNT, days, waitedDays } from './told-wait.js';
import { allMatches } from './all-matches.js';

// A customer who says how long they have waited for something that has not come ("it's been two
// weeks", after "my parcel hasn't arrived yet") is past what the help center's times say; the
// return label or the tracking page again is no answer to that.

/** A time a sentence states: "2 to 4 working days", "up to 24 hours", "within 5 days". */
const STATED = new RegExp(
  String.raw`\b${COUNT}(?:\s*(?:-|–|to|or)\s*${COUNT})?\s+(?:calendar\s+)?(working\s+|business\s+)?(hour|day|week|month)s?\b`,
  'gi',
);

/** What a time counts from: "30 days of delivery", "14 days after dispatch". */
const FROM = /^\s+(?:of|after|from|since|following)\b/i;

/**
 * A sentence that says what happens when it has not come: "If you still cannot see …", "If your
 * card hasn't arrived after 14 business days …" — a negation of its coming, being received or
 * seen, or a word that says it is late. Not any negation: "Cancelling a card can't be undone, so
 * freeze it first if you think you might still find it" is of another matter.
 */
const NOT_COME =
  /\b(?:not|never|no|still|yet|cannot|can['’]?t|\w+n['’]t)\s+(?:\w+\s+){0,2}?(?:arriv\w*|receiv\w*|com(?:e|es|ing)|came|see|seen|show(?:s|n|ed)?|turn(?:s|ed)?\s+up|g[eo]t|gotten|reach(?:ed)?|appear(?:s|ed)?|deliver(?:ed)?)\b|\b(?:missing|late|delayed|overdue)\b/i;

/**
 * What the message says has not come (see `awaitedThing`); or, when it only tells how long the
 * customer has waited ("it's been 3 days"), what the question it follows (`context`) said had
 * not come ("my refund" of "I never received my refund").
 */
export function awaitedOf(
  question: string,
  context: string,
  terms: readonly QuestionTerm[],
): AwaitedThing | undefined {
  if (saysNotCome(question)) return awaitedThing(question, terms);
  if (context === '' || waitedDays(question) === undefined || !saysNotCome(context)) {
    return undefined;
  }
  // The earlier question's words are its own there.
  return awaitedThing(
    context,
    terms.map((t) => (t.fromContext ? { ...t, fromContext: false } : t)),
  );
}

/**
 * A time within which the customer may or must do something: "You can return most items within
 * 30 days of delivery", "You need to raise a dispute within 60 days". It is theirs to keep, not
 * how long what they wait for takes.
 */
const DEADLINE =
  /^(?:you|customers?|members?)\s+(?:can|may|must|need\s+to|have\s+to|should|have)\b/i;

/** What a customer who waited too long is answered with (see {@link overdue}). */
export interface Overdue {
  /** What the help center says to do when it is late, not said yet: empty when it says nothing. */
  picks: Pick[];
  /** Whether the help center states how long it takes (and the wait is longer). */
  stated: boolean;
}

/**
 * Whether the customer, telling how long they have waited (in `question`) for something that the
 * message or the question it follows (`context`) says has not come, has waited longer than any
 * time the passages state of it (of the general case: not "International delivery takes 5 to 10
 * working days" when nothing was said of abroad), or than nothing stated. Then the sentences that
 * say what to do when it is late ("If you still cannot see your refund 10 working days after
 * …") are the answer, those not `said` already; or nothing is, and the customer is owed an
 * apology and a person. `undefined` when no wait is told, or it is within the times stated.
 */
export function overdue(
  question: string,
  context: string,
  terms: readonly QuestionTerm[],
  scored: Scored,
  documents: readonly Document[],
  said = '',
): Overdue | undefined {
  const told = waitTold(question, context, terms, scored, documents);
  if (told === undefined) return undefined;
  const { waited, longest, whenLate } = told;
  if (longest !== undefined && waited <= longest.days) return undefined;
  const remedies = scored.candidates.filter(
    (c) => c.relevant && whenLate(c) && !said.includes(c.unit.text),
  );
  const picks =
    remedies.length === 0
      ? []
      : selectSentences({ ...scored, candidates: remedies }, terms, documents);
  return { picks, stated: longest !== undefined };
}

/**
 * Whether the customer, telling how long they have waited for something that has not come (see
 * {@link overdue}), has waited no longer than the passages say it takes: then the sentence that
 * states the time it may take ("Standard delivery takes 3 to 5 business days" for "it's been 5
 * days and my parcel hasn't come") answers, the best of those that allow the wait; what the
 * best of all says of something else that shares a word ("If an item arrives damaged, email us a
 * photo of the item and the packaging …") does not. `undefined` when no wait is told, or it is
 * past the times stated.
 */
export function withinTime(
  question: string,
  context: string,
  terms: readonly QuestionTerm[],
  scored: Scored,
  documents: readonly Document[],
): Pick[] | undefined {
  const told = waitTold(question, context, terms, scored, documents);
  if (told?.longest === undefined || told.waited > told.longest.days) return undefined;
  const { waited, times } = told;
  const allowing = times.filter((t) => t.days >= waited).map((t) => t.candidate);
  const picks = selectSentences({ ...scored, candidates: allowing }, terms, documents);
  return picks.length > 0 ? picks : undefined;
}

/** A sentence that states how long what is awaited takes, and that time in days. */
interface StatedTime {
  candidate: Candidate;
  days: number;
}

/**
 * The wait told (in days), the times the passages state of what has not come (see
 * {@link overdue}), the longest of them, and which sentences say what to do when it is late.
 */
function waitTold(
  question: string,
  context: string,
  terms: readonly QuestionTerm[],
  scored: Scored,
  documents: readonly Document[],
):
  | {
      waited: number;
      times: StatedTime[];
      longest: StatedTime | undefined;
      whenLate: (c: Candidate) => boolean;
    }
  | undefined {
  const waited = waitedDays(question);
  if (waited === undefined) return undefined;
  const awaited = awaitedOf(question, context, terms);
  if (awaited === undefined) return undefined;
  const { thing, saying } = awaited;
  const about = (c: Candidate) => [...c.matched, ...c.context].some((k) => thing.has(k));
  // "If you still cannot see your refund 10 working days after …" says when to act, not how long
  // it takes.
  const whenLate = (c: Candidate) => about(c) && statesRemedy(c.unit) && NOT_COME.test(c.unit.text);
  const asked = new Set(terms.map((t) => stem(t.term)));
  const times: StatedTime[] = [];
  let longest: StatedTime | undefined;
  for (const c of scored.candidates) {
    // How long it takes to come is said of the thing, or of its coming ("Standard delivery takes
    // 2 to 4 working days" of a parcel), not of what follows ("30 days of delivery"), nor as
    // the customer's own deadline (see `DEADLINE`).
    const of = about(c) ? 'thing' : [...c.matched].some((k) => saying.has(k)) ? 'coming' : 'other';
    if (of === 'other' || whenLate(c) || DEADLINE.test(c.unit.text)) continue;
    if (namesSpecialCase(c, documents, terms, asked)) continue;
    const days = statedDays(c.unit.text, of === 'coming');
    if (days === undefined) continue;
    const time = { candidate: c, days };
    times.push(time);
    if (longest === undefined || days > longest.days) longest = time;
  }
  return { waited, times, longest, whenLate };
}

/**
 * The longest time a sentence states, in days ("2 to 4 working days": 4 working days); `until`,
 * only times that end at something, not those that count from it ("within 30 days of delivery").
 */
function statedDays(text: string, until = false): number | undefined {
  let longest: number | undefined;
  for (const m of allMatches(text, STATED)) {
    const upper = m[2] ?? m[1];
    if (upper === undefined || m[4] === undefined) continue;
    if (until && FROM.test(text.slice(m.index + m[0].length))) continue;
    // A working week is five days of seven.
    const value = days(upper, m[4]) * (m[3] === undefined ? 1 : 7 / 5);
    longest = Math.max(longest ?? 0, value);
  }
  return longest;
}
