import { allMatches } from './all-matches.js';
import { askedAfterTelling } from './clauses.js';
import { quoteOf, type Pick } from './quote.js';
import type { QuestionTerm } from './question-terms.js';
import { quotable, speaksToAssistant, type Candidate, type Scored } from './scoring.js';
import { asksStill, COUNT, days, UNIT, waitedDays } from './told-wait.js';

// A customer who says how long ago they did something ("I placed my order 3 hours ago and want
// to cancel it") may be past the time the help center allows for what they ask ("You can cancel
// an order within 2 hours of placing it"): what it says applies after that time is their answer.

/** A time allowed: "within 2 hours", "up to 30 days", "no later than 14 days". */
const ALLOWED = new RegExp(
  String.raw`\b(?:within|up\s+to|no\s+later\s+than|no\s+more\s+than)\s+${COUNT}(?:\s*(?:-|–|to|or)\s*${COUNT})?\s+${UNIT}`,
  'gi',
);

/**
 * How a sentence opens that says what applies once the time before it has passed: "After that
 * the order is already being packed …", "After 14 days, payments are non-refundable", "Past
 * that, …", "Otherwise …".
 */
const AFTER_IT =
  /^(?:after\s+(?:that|this|then|that\s+time|this\s+time|(?:the\s+)?\d+\s+(?:working\s+|business\s+)?(?:hours?|days?|weeks?|months?))|past\s+(?:that|this)|beyond\s+(?:that|this)|later\s+than\s+that|once\s+(?:that|this)\s+(?:time\s+)?(?:has\s+)?(?:passed|gone)|otherwise)\b/i;

/**
 * Told how long ago the customer did something, when a sentence that holds a word of the
 * question's own allows a shorter time ("You can cancel an order within 2 hours of placing it"
 * for "I placed my order 3 hours ago and want to cancel it") and the next sentence of its
 * passage says what applies after it ("After that the order is already being packed and cannot
 * be cancelled …"): those two, the time and what applies now. Where no passage says what
 * applies after, and the customer asks whether it is still possible ("I bought a rug 2 months
 * ago, can I still return it?"), the time allowed for what is asked alone ("You can return most
 * items within 30 days of delivery"). The best such sentence; `undefined` when the customer
 * tells no time, is within every time allowed, or neither is said.
 */
export function pastWindow(
  question: string,
  scored: Scored,
  terms: readonly QuestionTerm[],
): Pick[] | undefined {
  const waited = waitedDays(question);
  if (waited === undefined) return undefined;
  // The best window with what applies after it; else, asked whether it is still possible, the
  // best window for what is asked, alone: "You can return most items within 30 days of
  // delivery" tells one who bought 2 months ago and asks "can I still return it?" all there is.
  let best: { window: Candidate; after: Candidate } | undefined;
  let alone: Candidate | undefined;
  const still = asksStill(question);
  const asked = still ? askedAfterTelling(question, terms) : undefined;
  const forAsked = (c: Candidate): boolean =>
    still && (asked === undefined || [...c.matched].some((k) => asked.has(k)));
  for (const c of scored.candidates) {
    if (best && best.window.score >= c.score) continue;
    const allowed = windowOf(c, terms);
    if (allowed === undefined || allowed >= waited) continue;
    const after = scored.candidates.find((n) => n.doc === c.doc && n.index === c.index + 1);
    if (!after || after.unit.heading || !AFTER_IT.test(after.unit.text)) {
      if (forAsked(c) && (alone === undefined || alone.score < c.score)) alone = c;
      continue;
    }
    if (speaksToAssistant(after.unit)) continue;
    best = { window: c, after };
  }
  const picks = best ? [best.window, best.after] : alone ? [alone] : [];
  if (picks.length === 0) return undefined;
  return picks.map((c) => ({ candidate: c, quote: quoteOf(c, terms) }));
}

/**
 * Told a span of time ("a toll from 2 months ago", "going to spain for 2 weeks"), the sentence
 * that allows that long or longer for what is asked ("toll charges can appear up to 60 days after
 * your trip", "included in your plan for up to 30 days per trip") answers: the time told is
 * within it. The best such sentence that holds a word of the question's own, for when
 * {@link pastWindow} finds none the time told is past; `undefined` when the customer tells no
 * time, or no such sentence is relevant.
 */
export function withinWindow(
  question: string,
  scored: Scored,
  terms: readonly QuestionTerm[],
): Pick[] | undefined {
  const waited = waitedDays(question);
  if (waited === undefined) return undefined;
  let best: Candidate | undefined;
  for (const c of scored.candidates) {
    if (best && best.score >= c.score) continue;
    const allowed = windowOf(c, terms);
    if (allowed === undefined || allowed < waited) continue;
    best = c;
  }
  return best ? [{ candidate: best, quote: quoteOf(best, terms) }] : undefined;
}

/**
 * The time a sentence allows, in days, when it can answer a question that tells a time: relevant,
 * holding a word of the question's own, and quotable; undefined for any other sentence, or one
 * that allows no time.
 */
function windowOf(c: Candidate, terms: readonly QuestionTerm[]): number | undefined {
  if (!c.relevant || !quotable(c)) return undefined;
  if (![...c.matched].some((k) => terms[k]?.weak === false && !terms[k]?.fromContext)) {
    return undefined;
  }
  return allowedDays(c.unit.text);
}

/** The longest time a sentence allows, in days ("within 2 hours": 1/12). */
function allowedDays(text: string): number | undefined {
  let longest: number | undefined;
  for (const m of allMatches(text, ALLOWED)) {
    const count = m[2] ?? m[1];
    const unit = m[3];
    if (count === undefined || unit === undefined) continue;
    longest = Math.max(longest ?? 0, days(count, unit));
  }
  return longest;
}
