import { stem } from '../../store/lexical/search-text.js';
import { awaitedThing, saysNotCome } from './clauses.js';
import type { Document } from './documents.js';
import type { QuestionTerm } from './question-terms.js';
import { statesRemedy, type Candidate, type Scored } from './scoring.js';
import { namesSpecialCase, selectSentences, type Pick } from './select.js';

// A customer who says how long they have waited for something that has not come ("it's been two
// weeks", after "my parcel hasn't arrived yet") is past what the help center's times say; the
// return label or the tracking page again is no answer to that.

const COUNT = String.raw`(\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a\s+couple\s+of|a\s+few|several)`;
const UNIT = String.raw`(?:whole\s+|full\s+)?(?:working\s+|business\s+)?(hour|day|week|month)s?`;
const ABOUT = String.raw`(?:over\s+|more\s+than\s+|almost\s+|nearly\s+|about\s+|around\s+|at\s+least\s+|like\s+)?`;

/**
 * How long the customer says they have waited: "it's been two weeks", "I've been waiting for 10
 * days", "for over a month", "ordered it three weeks ago", "two weeks now".
 */
const WAITED = new RegExp(
  String.raw`\b(?:(?:it|that)(?:['’]?s|\s+has|\s+is)\s+been|its\s+been|wait(?:ing|ed)(?:\s+for)?|for|over|after|more\s+than)\s+${ABOUT}${COUNT}\s+${UNIT}\b|\b${COUNT}\s+${UNIT}\s+(?:now|already|ago|later|and\s+counting)\b`,
  'i',
);

/** A time a sentence states: "2 to 4 working days", "up to 24 hours", "within 5 days". */
const STATED = new RegExp(
  String.raw`\b${COUNT}(?:\s*(?:-|–|to|or)\s*${COUNT})?\s+(?:calendar\s+)?(working\s+|business\s+)?(hour|day|week|month)s?\b`,
  'gi',
);

/** What a time counts from: "30 days of delivery", "14 days after dispatch". */
const FROM = /^\s+(?:of|after|from|since|following)\b/i;

const WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  several: 4,
};
const DAYS: Record<string, number> = { hour: 1 / 24, day: 1, week: 7, month: 30 };

/** A sentence that says what happens when it has not come: "If you still cannot see …". */
const NOT_COME =
  /\b(?:not|never|no|still|yet|cannot|can['’]?t|\w+n['’]t|missing|lost|late|delayed)\b/i;

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
  const waited = waitedDays(question);
  if (waited === undefined) return undefined;
  const told = saysNotCome(question) ? question : saysNotCome(context) ? context : undefined;
  if (told === undefined) return undefined;
  // What has not come ("parcel"), whether the question or the one before named it.
  const awaited = awaitedThing(
    told,
    terms.map((t) => (t.fromContext ? { ...t, fromContext: false } : t)),
  );
  if (awaited === undefined) return undefined;
  const { thing, saying } = awaited;
  const about = (c: Candidate) => [...c.matched, ...c.context].some((k) => thing.has(k));
  // "If you still cannot see your refund 10 working days after …" says when to act, not how long
  // it takes.
  const whenLate = (c: Candidate) => about(c) && statesRemedy(c.unit) && NOT_COME.test(c.unit.text);
  const asked = new Set(terms.map((t) => stem(t.term)));
  let longest: number | undefined;
  for (const c of scored.candidates) {
    // How long it takes to come is said of the thing, or of its coming ("Standard delivery takes
    // 2 to 4 working days" of a parcel), not of what follows ("30 days of delivery").
    const of = about(c) ? 'thing' : [...c.matched].some((k) => saying.has(k)) ? 'coming' : 'other';
    if (of === 'other' || whenLate(c) || namesSpecialCase(c, documents, terms, asked)) continue;
    const days = statedDays(c.unit.text, of === 'coming');
    if (days !== undefined) longest = Math.max(longest ?? 0, days);
  }
  if (longest !== undefined && waited <= longest) return undefined;
  const remedies = scored.candidates.filter(
    (c) => c.relevant && whenLate(c) && !said.includes(c.unit.text),
  );
  const picks =
    remedies.length === 0
      ? []
      : selectSentences({ ...scored, candidates: remedies }, terms, documents);
  return { picks, stated: longest !== undefined };
}

/** How many days the customer says they have waited, if they say. */
function waitedDays(text: string): number | undefined {
  const m = WAITED.exec(text.slice(0, 2000));
  if (m === null) return undefined;
  const count = m[1] ?? m[3];
  const unit = m[2] ?? m[4];
  return count === undefined || unit === undefined ? undefined : days(count, unit);
}

/**
 * The longest time a sentence states, in days ("2 to 4 working days": 4 working days); `until`,
 * only times that end at something, not those that count from it ("within 30 days of delivery").
 */
function statedDays(text: string, until = false): number | undefined {
  let longest: number | undefined;
  for (const m of text.matchAll(STATED)) {
    const upper = m[2] ?? m[1];
    if (upper === undefined || m[4] === undefined) continue;
    if (until && FROM.test(text.slice(m.index + m[0].length))) continue;
    // A working week is five days of seven.
    const value = days(upper, m[4]) * (m[3] === undefined ? 1 : 7 / 5);
    longest = Math.max(longest ?? 0, value);
  }
  return longest;
}

function days(count: string, unit: string): number {
  const word = count.toLowerCase().replace(/\s+/g, ' ');
  const n =
    word === 'a couple of' ? 2 : word === 'a few' ? 3 : (WORDS[word] ?? Number.parseFloat(word));
  return (Number.isFinite(n) ? n : 0) * (DAYS[unit.toLowerCase()] ?? 1);
}
