import {
  ANYONE,
  CALL_FOLLOWERS,
  CALL_VERBS,
  DETERMINERS,
  LINKS,
  PEOPLE,
  QUALIFIERS,
  SHORT_REQUEST_MAX_WORDS,
  SHORT_REQUEST_WORDS,
  TALK_VERBS,
  THING_AFTER_PERSON,
  WISH_VERBS,
} from './explicit-request-words.js';
import { governingNegator, isAbilityNegator } from './negation.js';
import { matchPhraseAt, phraseSet, quote, type PhraseSet } from './phrases.js';
import type { SignalMatch } from './signal-match.js';
import { tokenize, type Token } from './tokenize.js';
import { matchAnyAt, patternSet, slot } from './word-pattern.js';

const QUALIFIERS_AND_LINKS = [
  slot(LINKS, 0, 3),
  slot(DETERMINERS, 0, 1),
  slot(QUALIFIERS, 0, 3),
] as const;

const PATTERNS = patternSet([
  // "talk to a human", "connect me with someone", "put me through to an agent"
  [slot(TALK_VERBS), ...QUALIFIERS_AND_LINKS, slot([...PEOPLE, ...ANYONE])],
  // "put me through to customer care", "connect me to your support team"
  [
    slot(TALK_VERBS),
    slot(LINKS, 0, 3),
    slot(DETERMINERS, 0, 1),
    slot(['customer'], 0, 1),
    slot(['care', 'service', 'support', 'services', 'billing', 'sales'], 0, 1),
    slot(['team', 'department', 'desk', 'helpdesk']),
  ],
  [
    slot(TALK_VERBS),
    slot(LINKS, 0, 3),
    slot(DETERMINERS, 0, 1),
    slot(['customer']),
    slot(['care', 'service', 'support', 'services']),
  ],
  // "I want a real person", "get me your manager", "asking for a representative"
  [slot(WISH_VERBS), ...QUALIFIERS_AND_LINKS, slot(PEOPLE)],
  // "get me someone who knows", "I need somebody to look at this"
  [slot(['get', 'give', 'need', 'want']), slot(['me', 'us'], 0, 1), slot(ANYONE)],
  // "call me", "call me back on 555…", not "call me Bob" or "call me by my first name"
  [slot(['call', 'phone', 'ring']), slot(['me', 'us']), slot(CALL_FOLLOWERS)],
  // "is there someone I can talk to"
  [
    slot([...PEOPLE, ...ANYONE]),
    slot(['i', 'we']),
    slot(['can', 'could', 'may']),
    slot(['talk', 'speak', 'chat']),
  ],
]);

/** Phrases that ask for a person without a verb of asking. */
const PHRASES = phraseSet([
  'real person',
  'real human',
  'real people',
  'actual person',
  'actual human',
  'live agent',
  'live person',
  'live human',
  'live support',
  'human agent',
  'human representative',
  'human support',
  'customer service representative',
  'customer service rep',
  'customer service agent',
  'your manager',
  'your supervisor',
  'your boss',
  'someone in charge',
  'person in charge',
  'call me back',
  'give me a call',
  'escalate',
  'escalate this',
]);

/**
 * Questions about what the assistant is ("are you a real person?", "am I talking to a human?")
 * are curiosity, not a request: the assistant should say it is an AI and offer a person, and
 * the customer's next words decide. These openings, followed by at most a few filler words,
 * mark such a question.
 */
const IDENTITY_QUESTION = {
  openings: phraseSet(['are you', 'r u', 'are u', 'is this', 'is that', 'am i']),
  fillers: new Set(['a', 'an', 'the', 'even', 'actually', 'really', 'still', 'now']),
};

/**
 * Questions about a process ("do I need a human to approve a refund?", "do I have to talk to
 * someone to cancel?") ask how things work, not for a person now.
 */
const PROCESS_QUESTION = {
  openings: phraseSet(['do i', 'do we', 'does it', 'does this', 'does that', 'should i', 'must i']),
  fillers: new Set(['need', 'have', 'to', 'first', 'always', 'actually', 'still']),
};
const MAX_FILLERS = 3;

const PEOPLE_SET = new Set(PEOPLE);

/**
 * Finds a customer asking to be handed to a person. Matches whole words only, skips negated
 * requests ("I don't need a human") but not complaints of being unable to reach one ("I can't
 * reach a human"), and skips questions about whether the assistant is a person.
 */
export function detectExplicitRequest(
  text: string,
  tokens: readonly Token[],
): SignalMatch | undefined {
  const found = findExplicitRequest(tokens);
  return (
    found && { detail: `asked for a person: "${quote(text, tokens, found.start, found.end)}"` }
  );
}

/**
 * Where a message asks to be handed to a person, as offsets in it ("talk to a real person" of
 * "this is ridiculous, let me talk to a real person. how do I return an item?"), as
 * {@link detectExplicitRequest} finds the request; `undefined` when it asks for none.
 */
export function personRequested(text: string): { start: number; end: number } | undefined {
  const tokens = tokenize(text);
  const found = findExplicitRequest(tokens);
  const first = found && tokens[found.start];
  const last = found && tokens[found.end - 1];
  return first && last && { start: first.start, end: last.end };
}

/** The tokens, `start` to `end` (exclusive), of the first request for a person. */
function findExplicitRequest(tokens: readonly Token[]): { start: number; end: number } | undefined {
  const short = findShortRequest(tokens);
  if (short !== undefined) return short;
  for (let index = 0; index < tokens.length; index += 1) {
    let end = matchAnyAt(PATTERNS, tokens, index);
    if (end < 0) {
      const length = matchPhraseAt(PHRASES, tokens, index);
      if (length > 0) end = index + length;
    }
    if (end < 0 && isCallMeAtClauseEnd(tokens, index)) end = index + 2;
    if (end < 0 || namesAThing(tokens, end) || isDeclined(tokens, index)) continue;
    if (isQuestionAbout(IDENTITY_QUESTION, tokens, index)) continue;
    if (isQuestionAbout(PROCESS_QUESTION, tokens, index)) continue;
    return { start: index, end };
  }
  return undefined;
}

/** "please call me.", "can someone call me?" — the request ends the clause. */
function isCallMeAtClauseEnd(tokens: readonly Token[], index: number): boolean {
  const verb = tokens[index];
  const object = tokens[index + 1];
  const after = tokens[index + 2];
  return (
    verb !== undefined &&
    object !== undefined &&
    CALL_VERBS.has(verb.word) &&
    (object.word === 'me' || object.word === 'us') &&
    object.clause === verb.clause &&
    (after === undefined || after.clause !== verb.clause)
  );
}

/** A sentence made only of a person and polite filler: "Agent!", "Human please." */
function findShortRequest(tokens: readonly Token[]): { start: number; end: number } | undefined {
  let start = 0;
  for (let end = 1; end <= tokens.length; end += 1) {
    if (end < tokens.length && tokens[end]?.sentence === tokens[start]?.sentence) continue;
    const sentence = tokens.slice(start, end);
    const short =
      sentence.length <= SHORT_REQUEST_MAX_WORDS &&
      sentence.every((token) => SHORT_REQUEST_WORDS.has(token.word)) &&
      sentence.some((token) => PEOPLE_SET.has(token.word));
    if (short) return { start, end };
    start = end;
  }
  return undefined;
}

function namesAThing(tokens: readonly Token[], end: number): boolean {
  const last = tokens[end - 1];
  const next = tokens[end];
  return (
    last !== undefined &&
    next !== undefined &&
    next.clause === last.clause &&
    THING_AFTER_PERSON.has(next.word)
  );
}

/** "I don't want a human", "no need to talk to a person"; not "I can't reach a human". */
function isDeclined(tokens: readonly Token[], start: number): boolean {
  const negator = governingNegator(tokens, start, 4);
  if (negator < 0 || isAbilityNegator(tokens[negator]?.word ?? '')) return false;
  // "I haven't been able to reach anyone" complains like "I can't reach anyone".
  return !tokens.slice(negator + 1, start).some((token) => token.word === 'able');
}

/** Whether the words before `start` open a question of `kind`, in the same clause. */
function isQuestionAbout(
  kind: { openings: PhraseSet; fillers: ReadonlySet<string> },
  tokens: readonly Token[],
  start: number,
): boolean {
  const clause = tokens[start]?.clause;
  for (let gap = 0; gap <= MAX_FILLERS; gap += 1) {
    const opening = start - gap - 2;
    if (tokens[opening]?.clause !== clause) return false;
    const between = tokens.slice(opening + 2, start);
    if (!between.every((token) => kind.fillers.has(token.word))) return false;
    if (matchPhraseAt(kind.openings, tokens, opening) === 2) return true;
  }
  return false;
}
