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
  String.raw`\b(?:(?:it|that)(?:['’]?s|\s+has|\s+is)\s+been|its\s+been|wait(?:ing|ed)(?:\s+for)?|for|over|after|more\s+than)\s+${ABOUT}${COUNT}\s+${UNIT}\b|\b${COUNT}\s+${UNIT}\s+(?:now|already|ago|later|and\s+counting)\b`,
  'i',
);

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
  const m = WAITED.exec(text.slice(0, 2000));
  if (m === null) return undefined;
  const count = m[1] ?? m[3];
  const unit = m[2] ?? m[4];
  return count === undefined || unit === undefined ? undefined : days(count, unit);
}

/** `count` of `unit` in days: "two", "week" → 14. */
export function days(count: string, unit: string): number {
  const word = count.toLowerCase().replace(/\s+/g, ' ');
  const n =
    word === 'a couple of' ? 2 : word === 'a few' ? 3 : (WORDS[word] ?? Number.parseFloat(word));
  return (Number.isFinite(n) ? n : 0) * (DAYS[unit.toLowerCase()] ?? 1);
}
