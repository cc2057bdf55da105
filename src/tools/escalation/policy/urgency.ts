import { governingNegator } from './negation.js';
import { matchPhraseAt, phraseSet, quote } from './phrases.js';
import type { SignalMatch } from './signal-match.js';
import type { Token } from './tokenize.js';
import { words } from './word-list.js';
import { matchAnyAt, patternSet, slot } from './word-pattern.js';

const URGENT_PHRASES = phraseSet([
  'urgent',
  'urgently',
  'urgency',
  'asap',
  'emergency',
  'immediately',
  'right now',
  'right away',
  'straight away',
  'straightaway',
  'as soon as possible',
  'time sensitive',
  'time critical',
  'this instant',
  'without delay',
  "can't wait",
  'cannot wait',
  'critical',
  'deadline',
  'hurry',
]);

const DEADLINE_DAYS = words(`
  today tonight tomorrow noon midnight eod monday tuesday wednesday thursday friday saturday sunday
`);
const BY = words('by before until till');
const PATTERNS = patternSet([
  // "by tomorrow", "before Friday", "until end of day"
  [slot(BY), slot(['the'], 0, 1), slot(DEADLINE_DAYS)],
  [slot(BY), slot(['the'], 0, 1), slot(['end']), slot(['of']), slot(['the'], 0, 1), slot(['day'])],
]);

/** How negative a message must be for a bare "today" to read as a deadline. */
const NEGATIVE_CONTEXT = -0.3;

/**
 * Finds urgency. A bare "now" is not urgent ("I know how it works now"); it is when shouted
 * ("NOW") or in "right now". A bare "today" is urgent only in a negative message ("I need
 * this fixed today, this is a disaster"). "Not urgent" and "no emergency" do not count.
 */
export function detectUrgency(
  text: string,
  tokens: readonly Token[],
  sentiment: number,
): SignalMatch | undefined {
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index];
    if (token === undefined) break;
    let end = -1;
    const length = matchPhraseAt(URGENT_PHRASES, tokens, index);
    if (length > 0) end = index + length;
    end = Math.max(end, matchAnyAt(PATTERNS, tokens, index));
    if (end < 0 && token.word === 'now' && token.shouted) end = index + 1;
    const bareDay = token.word === 'today' || token.word === 'tonight';
    if (end < 0 && bareDay && sentiment <= NEGATIVE_CONTEXT) end = index + 1;
    if (end < 0 || governingNegator(tokens, index, 3) >= 0) continue;
    return { detail: `urgent: "${quote(text, tokens, index, end)}"` };
  }
  return undefined;
}
