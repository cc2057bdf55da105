import { askedWords, requestedWords } from './asked-clause.js';
import { governingNegator } from './negation.js';
import { matchPhraseAt, phraseSet, quote } from './phrases.js';
import type { SignalMatch } from './signal-match.js';
import type { Token } from './tokenize.js';
import { words } from './word-list.js';
import { matchAnyAt, patternSet, slot } from './word-pattern.js';

/** Words that say a message is urgent wherever they stand: "URGENT: how do I …", "asap". */
const URGENT_WORDS = phraseSet([
  'urgent',
  'urgently',
  'urgency',
  'asap',
  'emergency',
  'as soon as possible',
  'time sensitive',
  'time critical',
  "can't wait",
  'cannot wait',
  'cant wait',
]);

/**
 * Things named with "emergency" that a customer asks for or gives without being in one: "what is
 * your emergency contact number?", "my emergency contact is my mother", "emergency exit signs".
 */
const EMERGENCY_NAMES = phraseSet([
  'emergency contact',
  'emergency contacts',
  'emergency number',
  'emergency numbers',
  'emergency exit',
  'emergency exits',
]);

/**
 * Words that say when: urgent only when they press for something ("I need this fixed right
 * now", "fix it immediately"), not when the customer asks when or whether something happens
 * ("will it be shut off right away?", "can I leave straight away?").
 */
const PRESSING_WORDS = phraseSet([
  'immediately',
  'right now',
  'right away',
  'straight away',
  'straightaway',
  'this instant',
  'without delay',
  'critical',
  'deadline',
  'hurry',
]);

const DEADLINE_DAYS = words(`
  today tonight tomorrow noon midnight eod monday tuesday wednesday thursday friday saturday sunday
`);
// "By" and "before" set a deadline; "until" and "till" say how long something lasts ("I can't
// get to the shop till Monday").
const BY = words('by before');
const DEADLINES = patternSet([
  // "by tomorrow", "before Friday", "by the end of the day"
  [slot(BY), slot(['the'], 0, 1), slot(DEADLINE_DAYS)],
  [slot(BY), slot(['the'], 0, 1), slot(['end']), slot(['of']), slot(['the'], 0, 1), slot(['day'])],
]);

/** Words after which a time word says when something happened: "immediately after the update". */
const SEQUENCE_WORDS = new Set(words('after when once upon following'));

/**
 * Words that make a bare "today" something needed or asked for: "my heating is off and I need
 * it back today", "please send someone today".
 */
const NEED_WORDS = new Set(words('need needs must please pls'));

/** How far back a word of need reaches a bare "today": "we need it back on today". */
const NEED_WINDOW = 8;

/** How negative a message must be for a bare "today" to read as a deadline. */
const NEGATIVE_CONTEXT = -0.3;

/** How far back a negation reaches a time word: "I can't afford my energy right now". */
const STATE_NEGATION_WINDOW = 5;

/**
 * Finds urgency: time pressure about what the customer needs, not a question about when
 * something happens.
 *
 * - "Urgent", "asap", "emergency" count wherever they stand, unless negated ("not urgent"), or
 *   "emergency" names a thing ("what is your emergency contact number?").
 * - Time words ("right now", "immediately", "by Friday", a shouted "NOW") count when they
 *   press: not in a question or condition ("how do I cancel right now?", "if I pay today …"),
 *   not negated ("it isn't working right now" says how things are), and not saying when
 *   something happened ("immediately after the update"). A request to the agent put as a
 *   question demands now all the same ("can you fix it right now?"); it asks whether a deadline
 *   can be met ("can you deliver the sofa by Saturday?").
 * - A bare "today" or "tonight" counts when it is needed or asked for ("I need it back today",
 *   "please send someone today") or the message is negative ("sort this today, it's a
 *   disaster").
 * - "Can't wait to …" is looking forward to something.
 */
export function detectUrgency(
  text: string,
  tokens: readonly Token[],
  sentiment: number,
): SignalMatch | undefined {
  // Read only for a message with a time word in it: most have none.
  let asked: readonly boolean[] | undefined;
  let requested: readonly boolean[] | undefined;
  for (let index = 0; index < tokens.length; index += 1) {
    const urgent = matchPhraseAt(URGENT_WORDS, tokens, index);
    if (urgent > 0) {
      const end = index + urgent;
      const lookingForward = tokens[end - 1]?.word === 'wait' && tokens[end]?.word === 'to';
      const named = matchPhraseAt(EMERGENCY_NAMES, tokens, index) > 0;
      if (lookingForward || named || governingNegator(tokens, index, 3) >= 0) continue;
      return match(text, tokens, index, end);
    }
    const end = timeWordEnd(tokens, index, sentiment);
    if (end < 0 || !presses(tokens, index, end)) continue;
    asked ??= askedWords(text, tokens);
    if (asked[index] === true) {
      // Asked of the agent to do now ("can you fix it right now?"), the time presses: a request
      // put as a question. A deadline there asks whether it can be met ("can you deliver the
      // sofa by Saturday?").
      requested ??= requestedWords(tokens);
      if (!(requested[index] === true && demandsNow(tokens, index))) continue;
    }
    return match(text, tokens, index, end);
  }
  return undefined;
}

/** The end of a time word or deadline at `index`, or -1. */
function timeWordEnd(tokens: readonly Token[], index: number, sentiment: number): number {
  const token = tokens[index];
  if (token === undefined) return -1;
  const end = Math.max(
    index + matchPhraseAt(PRESSING_WORDS, tokens, index),
    matchAnyAt(DEADLINES, tokens, index),
  );
  if (end > index) return end;
  // A bare "now" is not urgent ("I know how it works now"); a shouted one is.
  if (token.word === 'now' && token.shouted) return index + 1;
  const bareDay = token.word === 'today' || token.word === 'tonight';
  if (bareDay && (sentiment <= NEGATIVE_CONTEXT || neededEarlier(tokens, index))) return index + 1;
  return -1;
}

/**
 * Whether the time word at `index`..`end` may press for something: it does not say when
 * something happened ("immediately after the update") or how things are ("it isn't working
 * right now"). Whether it is asked about is read apart.
 */
function presses(tokens: readonly Token[], index: number, end: number): boolean {
  const next = tokens[end];
  const clause = tokens[index]?.clause;
  if (next !== undefined && next.clause === clause && SEQUENCE_WORDS.has(next.word)) return false;
  return governingNegator(tokens, index, STATE_NEGATION_WINDOW) < 0;
}

/** Whether the time word at `index` asks for now ("right now", "immediately", a shouted "NOW"). */
function demandsNow(tokens: readonly Token[], index: number): boolean {
  const token = tokens[index];
  return (
    matchPhraseAt(PRESSING_WORDS, tokens, index) > 0 ||
    (token !== undefined && token.word === 'now' && token.shouted)
  );
}

/** Whether a word of need or request comes shortly before `index` in its clause. */
function neededEarlier(tokens: readonly Token[], index: number): boolean {
  const clause = tokens[index]?.clause;
  for (let back = 1; back <= NEED_WINDOW; back += 1) {
    const token = tokens[index - back];
    if (token === undefined || token.clause !== clause) return false;
    if (NEED_WORDS.has(token.word)) return true;
  }
  return false;
}

function match(text: string, tokens: readonly Token[], start: number, end: number): SignalMatch {
  return { detail: `urgent: "${quote(text, tokens, start, end)}"` };
}
