import { MONEY, type Unit } from './documents.js';

// What a sentence states beyond its words: a time, a price, a timetable, what to do. Each is
// read once and kept on the unit, which outlives the turn (see `PassageCache`).

/** A sentence that states a number, a duration or a price. */
const QUANTITY =
  /\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|hundred|thousand|free|days?|hours?|weeks?|months?|minutes?|years?|immediately|instantly)\b/i;

/**
 * A sentence that states a time or a duration: "within 5 business days", "3 to 5 working days",
 * "24 hours", "immediately", "9am", "on weekdays", or upon what it happens ("charged when the
 * order ships"; not an opening "When an item is out of stock, …", which is a condition, nor
 * "refunded only when the whole order is returned", nor "depends on when your employer …"). It answers "how long …?" and "when …?" better than one
 * that states some other number ("we ship to 40 countries").
 */
const TIME =
  /\b(?:\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|a|an|few|several)(?:\s*(?:-|–|to|or)\s*\d+(?:[.,]\d+)?)?\s*(?:working\s+|business\s+|calendar\s+)?(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\b|\b(?:immediately|instantly|same[\s-]day|next[\s-]day|overnight|tomorrow|today|weekdays?|weekends?|mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?)\b|\b\d{1,2}(?::\d\d)?\s*(?:am|pm)\b|\b(?!(?:on|of|only|even|except|just)\b)\w+\s+(?:when|once|as\s+soon\s+as)\s+(?:the|your|our|its|each|an?)\s+\p{L}/iu;

/**
 * A sentence that states a timetable: days of the week or holidays, times of day, "24/7",
 * "closed": "We are open Monday to Friday from 9am to 5pm", "Christmas Day: all clubs closed".
 * It answers "what are your opening hours?"; one that states a duration ("the link is valid for
 * 24 hours") does not.
 */
const SCHEDULE =
  /\b(?:mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?|weekdays?|weekends?|mon\s*[-–]\s*(?:fri|sat|sun)|closed|christmas|boxing\s+day|new\s+year(?:['’]s)?|easter|thanksgiving|(?:bank|public)\s+holidays?)\b|\b\d{1,2}(?:[:.]\d\d)?\s*(?:am|pm)\b|\b\d{1,2}:\d\d\b|\b24\s*\/\s*7\b|\b(?:around|round)[\s-]the[\s-]clock\b|\b24\s+hours\s+a\s+day\b/i;

/**
 * A sentence that states how often something happens: "every month", "each week", "every 6
 * months", "once a year", "twice a month", "3 times a week", "monthly". It answers "how often
 * …?"; one that states how long something takes ("within 10 working days") does not.
 */
const FREQUENCY =
  /\b(?:every|each|per)\s+(?:other\s+|single\s+)?(?:\d+\s+|few\s+|two\s+|three\s+|six\s+|twelve\s+)?(?:half[\s-]hour|seconds?|minutes?|hours?|days?|nights?|weeks?|fortnights?|months?|quarters?|years?|billing\s+(?:period|cycle)|mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?)\b|\b(?:once|twice|\d+\s+times|(?:two|three|four|five|several)\s+times)\s+(?:a|an|per|each|every)\s+(?:second|minute|hour|day|night|week|fortnight|month|quarter|year)\b|\b(?:hourly|daily|nightly|weekly|fortnightly|monthly|quarterly|yearly|annually)\b/i;

/**
 * A sentence that states a price: "$0.39", "£5 a day", "50p", "free", "at no charge", or a share
 * of an amount of money ("80% of the monthly charges left", "10 percent of the order total").
 */
const PRICE = new RegExp(
  `${MONEY.source}|\\b(?:free|no\\s+(?:extra\\s+)?(?:charge|cost|fee)|at\\s+no\\s+(?:extra\\s+)?(?:charge|cost))\\b|\\d(?:[.,]\\d+)?\\s?(?:%|percent\\b)\\s+of\\s+(?:[\\w-]+\\s+){0,3}?(?:charges?|fees?|prices?|costs?|bills?|payments?|amount|balance|total|rent|fares?)\\b`,
  'i',
);

/**
 * A sentence that says what to do when something goes wrong, or what to expect: "If the e-mail
 * does not arrive, check your spam folder", "Tracking can take up to 24 hours to show".
 */
const REMEDY =
  /^(?:if|when|unless|in\s+case)\b|\b(?:if\s+you|check|make\s+sure|try|can\s+take|may\s+take|up\s+to|contact\s+us|still)\b/i;

/**
 * A sentence that tells where to go or what to press: "Go to Settings > Billing", "tap Pay",
 * "click Delete account"; or whom to write to or call, as it opens: "Email warranty@… with your
 * order number", "Call us on …".
 */
const INSTRUCTION =
  /\b(?:go\s+to|click|tap|select|choose|open|press|enter|turn\s+on|turn\s+off|toggle)\b|\S\s+>\s+\S|^(?:e-?mail|call|phone|ring|write\s+to|send\s+(?:us|an?\s+e-?mail))\b/i;

/** Whether a sentence states a quantity: read once, kept on the unit. */
export function statesQuantity(unit: Unit): boolean {
  unit.quantity ??= QUANTITY.test(unit.text);
  return unit.quantity;
}

/**
 * A price for a span of time: "$25 a day", "£34.99 per month", "10p a minute". It says how much
 * per day, not how long or when: "A tent costs $25 a day or $90 a week" does not answer "how
 * long do I have to return a tent?".
 */
const RATE =
  /(?:[$£€¥₹]\s?\d+(?:[.,]\d+)*|\b\d+(?:[.,]\d+)?\s?(?:p|pence|cents?|dollars?|pounds?|euros?|usd|gbp|eur))\s*(?:a|an|per|each|\/)\s*(?:seconds?|minutes?|mins?|hours?|hrs?|days?|nights?|weeks?|months?|years?)\b/gi;

/**
 * Whether a sentence states a time or a duration, other than the span a price is for (see
 * {@link RATE}): read once, kept on the unit.
 */
export function statesTime(unit: Unit): boolean {
  unit.time ??= TIME.test(unit.text.replace(RATE, ' '));
  return unit.time;
}

/** Whether a sentence states how often something happens: read once, kept on the unit. */
export function statesFrequency(unit: Unit): boolean {
  unit.frequency ??= FREQUENCY.test(unit.text);
  return unit.frequency;
}

/** Whether a sentence states a timetable: read once, kept on the unit. */
export function statesSchedule(unit: Unit): boolean {
  unit.schedule ??= SCHEDULE.test(unit.text);
  return unit.schedule;
}

/** Whether a sentence states a price: read once, kept on the unit. */
export function statesPrice(unit: Unit): boolean {
  unit.price ??= PRICE.test(unit.text);
  return unit.price;
}

/**
 * A sentence that says where an amount is shown rather than what it is: "Your current early
 * termination fee is shown in My Lumenet under Account > My contract", "You can see your balance
 * in the app".
 */
const WHERE_SHOWN =
  /\b(?:is|are)\s+(?:shown|displayed|listed)\s+(?:in|on|under|at)\b|\b(?:you\s+can|to)\s+(?:see|find|check|view)\s+(?:it|them|this|yours|your\s+[\w-]+(?:\s+[\w-]+)?)\s+(?:in|on|under|at)\b/i;

/** Whether a sentence says where an amount is shown and states none (see {@link WHERE_SHOWN}). */
export function saysWhereShown(unit: Unit): boolean {
  return !statesPrice(unit) && WHERE_SHOWN.test(unit.text);
}

/** Whether a sentence says where to go or what to press: read once, kept on the unit. */
export function instructs(unit: Unit): boolean {
  unit.instruction ??= INSTRUCTION.test(unit.text);
  return unit.instruction;
}

/** Whether a sentence says what to do about a problem: read once, kept on the unit. */
export function statesRemedy(unit: Unit): boolean {
  unit.remedy ??= REMEDY.test(unit.text);
  return unit.remedy;
}

/**
 * A sentence about a thing that did not come at all, rather than one still awaited (see
 * `NOT_COME` of waited.ts): "If our engineer misses your installation appointment …", "select
 * each item that did not arrive", "For missing items, …"; not "If you still cannot see your
 * refund after 10 working days", which is about one that is late.
 */
const NEVER_CAME =
  /\b(?:never|did\s+not|didn['’]?t)\s+(?:\w+\s+){0,2}?(?:arriv\w*|com(?:e|es)|came|show(?:s|n|ed)?\s+up|turn(?:s|ed)?\s+up|deliver(?:ed)?)\b|\b(?:missing|misses|no-shows?)\b/i;

/** Whether a sentence speaks of a thing that did not come at all (see {@link NEVER_CAME}). */
export function statesNeverCame(unit: Unit): boolean {
  return NEVER_CAME.test(unit.text);
}

/**
 * A sentence that says upon what something happens: "Once your order ships, we email you a
 * tracking number", "As soon as we receive your return, …".
 */
const UPON = /^(?:once|as\s+soon\s+as)\b/i;

/** Whether a sentence says upon what something happens (see {@link UPON}). */
export function statesUpon(unit: Unit): boolean {
  return UPON.test(unit.text);
}
