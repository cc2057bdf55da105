import { allMatches } from './all-matches.js';

// How long a customer says they have waited ("it's been two weeks", "I've been waiting 10 days
// for my refund"), and how long a help center says things take ("2 to 4 working days"), in days.

/** A count of hours, days, weeks or months: "3", "two", "a couple of", "several". */
export const COUNT = String.raw`(\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a\s+couple\s+of|a\s+few|several)`;
/** Their unit: "days", "working days", "whole weeks". */
export const UNIT = String.raw`(?:whole\s+|full\s+)?(?:working\s+|business\s+)?(hour|day|week|month)s?`;
/** What may stand before a count: "over", "more than", "nearly". */
export const ABOUT = String.raw`(?:over\s+|more\s+than\s+|almost\s+|nearly\s+|about\s+|around\s+|at\s+least\s+|like\s+)?`;

/**
 * How long the customer says they have waited: "it's been two weeks", "I've been waiting for 10
 * days", "for over a month", "ordered it three weeks ago", "two weeks now".
 */
const WAITED = new RegExp(
  String.raw`\b((?:(?:it|that)(?:['’]?s|\s+has|\s+is)\s+been|its\s+been|wait(?:ing|ed)(?:\s+for)?|for|over|after|more\s+than))\s+${ABOUT}${COUNT}\s+${UNIT}\b|\b${COUNT}\s+${UNIT}\s+(?:now|already|ago|later|and\s+counting)\b`,
  'gi',
);

/**
 * A question about what happens once a time has passed, up to the "after" of its time: "do
 * points expire after 12 months?", "will I be charged after 30 days?". Its time is the help
 * center's rule asked about, not how long the customer has waited; one who asks whether they
 * still may ("can I still return it after 2 weeks?") tells their own.
 */
const ASKS_AFTER =
  /(?:^|[.!?]\s*)(?:so\s+|and\s+|but\s+)?(?:do|does|will|would|is|are|can|could|should|what|when|how)\b(?:(?!\bstill\b)[^.!?])*$/i;

/** "Can I still …", "is it too late to …": whether what is asked is still allowed. */
const STILL =
  /\b(?:can|could|may)\s+(?:i|we|you)\s+still\b|\btoo\s+late\b|\bstill\s+(?:able|allowed|possible|in\s+time)\b/i;

/** Whether the question asks if what it asks is still allowed ("can I still return it?"). */
export function asksStill(question: string): boolean {
  return STILL.test(question.slice(0, 2000));
}

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

/** How many days the customer says they have waited, if they say. */
export function waitedDays(text: string): number | undefined {
  for (const m of toldWaits(text)) {
    const count = m[2] ?? m[4];
    const unit = m[3] ?? m[5];
    return count === undefined || unit === undefined ? undefined : days(count, unit);
  }
  return undefined;
}

/**
 * The words of every wait the customer tells: "10", "days", "ago" of "ordered it 10 days ago",
 * "waiting", "2", "weeks" of "I've been waiting 2 weeks". They say how long, not what
 * the question is about.
 */
export function waitedWords(text: string): string[] {
  return [...toldWaits(text)].flatMap((m) => m[0].toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
}

/** The waits the customer tells ({@link WAITED}), not the time of a rule asked about. */
function* toldWaits(text: string): Generator<RegExpExecArray> {
  const head = text.slice(0, 2000);
  for (const m of allMatches(head, WAITED)) {
    if (m[1]?.toLowerCase() === 'after' && ASKS_AFTER.test(head.slice(0, m.index))) continue;
    yield m;
  }
}

/** `count` of `unit` in days: "two", "week" → 14. */
export function days(count: string, unit: string): number {
  const word = count.toLowerCase().replace(/\s+/g, ' ');
  const n =
    word === 'a couple of' ? 2 : word === 'a few' ? 3 : (WORDS[word] ?? Number.parseFloat(word));
  return (Number.isFinite(n) ? n : 0) * (DAYS[unit.toLowerCase()] ?? 1);
}
