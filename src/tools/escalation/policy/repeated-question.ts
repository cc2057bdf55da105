import { comparableUnits, jaccard, sharedCount } from './content-words.js';
import type { EarlierMessage } from './earlier-messages.js';
import { addsNothing, asksOrPresses, opensAsFollowUp, saysStillOpen } from './follow-up.js';
import { matchPhraseAt, phraseSet, quote, type PhraseSet } from './phrases.js';
import type { SignalMatch } from './signal-match.js';
import type { Token } from './tokenize.js';
import { words } from './word-list.js';
import { matchPatternAt, slot, type WordPattern } from './word-pattern.js';

/** How alike two messages' content words must be to count as the same question. */
const REPEAT_SIMILARITY = 0.6;
/**
 * A rephrased question that adds words ("my whole team is blocked from logging in since this
 * morning" after "our team cannot log in since this morning") has a low Jaccard similarity but
 * contains the earlier one: three shared content words covering 75% of the shorter message
 * count as the same question too.
 */
const CONTAINED_SHARED = 3;
const CONTAINED_SHARE = 0.75;
/**
 * Two messages that each say a problem is still there ("reinstalled like you said, still
 * crashes on invoices", then "the app still crashes when I open invoices") report the same
 * unsolved problem when they share this many content words: what the customer tried in between
 * ("reinstalled", "restarted the phone") adds words that make them look less alike than they are.
 */
const STILL_OPEN_SHARED = 2;
/** How many of the customer's earlier messages are compared. */
export const REPEAT_LOOKBACK = 3;

/** The customer saying outright that a question went unanswered or is being asked again. */
const ASKED_BEFORE = phraseSet([
  'already asked',
  'asked already',
  'asked this before',
  'asked you before',
  'asked that before',
  'asking again',
  'ask again',
  'asked again',
  'same question',
  'still not answered',
  'still no answer',
  "still haven't answered",
  'still waiting for an answer',
  "didn't answer my question",
  'did not answer my question',
  "you didn't answer",
  "you haven't answered",
  'not answering my question',
  'not what i asked',
  'answer my question',
  'answer the question',
  'i repeat',
  'once again',
  'you keep saying',
  'you keep repeating',
  'you keep sending',
  'you keep giving',
  'going in circles',
  'go in circles',
  'goes in circles',
]);

/**
 * A count of times ("this is the second time"): of asking when a word of asking is near it
 * ("the second time I've asked", "I'm writing for the 3rd time"), else of what happened ("this
 * is the second time my internet dropped"), which the customer never said they asked before.
 */
const COUNTED = phraseSet([
  'the second time',
  'the third time',
  'the fourth time',
  'the fifth time',
  '2nd time',
  '3rd time',
  '4th time',
  '5th time',
]);

/** Words of asking or writing in, near a count of times, that make it a count of asking. */
const ASKING = new Set(
  words(`ask asks asked asking write writes wrote writing written email emailed emailing
    call called calling contact contacted contacting message messaged messaging chase chased
    chasing request requested requesting tell told telling question`),
);

/** How many words on either side of a count of times a word of asking may be. */
const ASKING_NEAR = 4;

/**
 * …and that it is the third time or more. "The third time" alone may count crashes rather than
 * questions ("the third time the app crashed"), so only "for the third time" is here.
 */
const ASKED_MANY_TIMES = phraseSet([
  'how many times',
  'for the third time',
  'for the fourth time',
  'for the fifth time',
  'for the tenth time',
  'for the hundredth time',
  'for the umpteenth time',
  'for the last time',
  'for the 3rd time',
]);

/** "I have asked three times", "I've written to you twice", "emailed you repeatedly". */
const ASKED_REPEATEDLY: WordPattern = [
  slot(words('asked asking written wrote emailed called contacted messaged told')),
  slot(words('you this that it about to us'), 0, 2),
  slot(words('twice three four five several multiple many numerous repeatedly')),
];

/**
 * Finds a question asked again: the message says so ("I already asked", "for the third time"),
 * or it — or one of its sentences — shares content words with one of the customer's last
 * {@link REPEAT_LOOKBACK} messages at a Jaccard similarity of {@link REPEAT_SIMILARITY} or more.
 * A question asked a third time (two earlier repeats, or "for the third time") has strength 2:
 * an assistant that failed twice at the same question should not try a third time alone.
 */
export function detectRepeatedQuestion(
  text: string,
  tokens: readonly Token[],
  earlierUserMessages: readonly EarlierMessage[],
  units: ReadonlyArray<ReadonlySet<string>> = comparableUnits(tokens),
): SignalMatch | undefined {
  const many = findQuoted(text, tokens, ASKED_MANY_TIMES) ?? findRepeatedly(text, tokens);
  const counted = findCounted(text, tokens);
  const before =
    many ??
    findQuoted(text, tokens, ASKED_BEFORE) ??
    (counted?.asking ? counted.quoted : undefined);
  const happened = counted !== undefined && !counted.asking ? counted.quoted : undefined;
  const { similar, best } = similarMessages(text, tokens, units, earlierUserMessages);
  const times = Math.max(
    many === undefined ? 0 : 3,
    before === undefined && happened === undefined ? 0 : 2,
    similar + 1,
  );
  if (times < 2) return undefined;
  const strength = times >= 3 ? 2 : 1;
  const detail =
    before !== undefined
      ? `says it was asked before: "${before}"`
      : similar > 0 || happened === undefined
        ? `repeats an earlier question (similarity ${best.toFixed(2)})`
        : `says it has happened before: "${happened}"`;
  return { detail: times >= 3 ? `${detail}; asked ${times} times or more` : detail, strength };
}

function findQuoted(text: string, tokens: readonly Token[], set: PhraseSet): string | undefined {
  for (let index = 0; index < tokens.length; index += 1) {
    const length = matchPhraseAt(set, tokens, index);
    if (length > 0) return quote(text, tokens, index, index + length);
  }
  return undefined;
}

/**
 * The first count of times in the message ("the second time"), quoted, and whether a word of
 * asking is within {@link ASKING_NEAR} words of it in the same sentence.
 */
function findCounted(
  text: string,
  tokens: readonly Token[],
): { quoted: string; asking: boolean } | undefined {
  for (let index = 0; index < tokens.length; index += 1) {
    const length = matchPhraseAt(COUNTED, tokens, index);
    if (length === 0) continue;
    const sentence = tokens[index]?.sentence;
    const near = [
      ...tokens.slice(Math.max(0, index - ASKING_NEAR), index),
      ...tokens.slice(index + length, index + length + ASKING_NEAR),
    ];
    const asking = near.some((t) => t.sentence === sentence && ASKING.has(t.word));
    return { quoted: quote(text, tokens, index, index + length), asking };
  }
  return undefined;
}

function findRepeatedly(text: string, tokens: readonly Token[]): string | undefined {
  for (let index = 0; index < tokens.length; index += 1) {
    const end = matchPatternAt(tokens, index, ASKED_REPEATEDLY);
    if (end >= 0) return quote(text, tokens, index, end);
  }
  return undefined;
}

/**
 * How many earlier messages ask the same thing, and the best similarity found. A follow-up
 * ("and overnight?", "what about Sunday?") leans on the question before it and asks about
 * something else: it is the same question only when it adds no word that one did not have.
 */
function similarMessages(
  text: string,
  tokens: readonly Token[],
  units: ReadonlyArray<ReadonlySet<string>>,
  earlierUserMessages: readonly EarlierMessage[],
): { similar: number; best: number } {
  const whole = units[0];
  // A one-word message is compared only when it asks or presses: "refund?" twice, or "I still
  // don't have my refund" after "where is my refund", is a repeat; "great" twice is not.
  if (
    whole === undefined ||
    whole.size === 0 ||
    (whole.size === 1 && !asksOrPresses(text, tokens))
  ) {
    return { similar: 0, best: 0 };
  }
  const followUp = opensAsFollowUp(tokens);
  const stillOpen = saysStillOpen(tokens);
  let similar = 0;
  let best = 0;
  for (const earlier of earlierUserMessages.slice(-REPEAT_LOOKBACK)) {
    const earlierUnits = earlier.units;
    let closest = 0;
    for (const unit of units) {
      for (const earlierUnit of earlierUnits) {
        if (followUp && !addsNothing(unit, earlierUnit)) continue;
        closest = Math.max(closest, similarity(unit, earlierUnit));
      }
    }
    const reportedAgain =
      stillOpen &&
      !followUp &&
      earlier.stillOpen &&
      sharedCount(whole, earlierUnits[0] ?? new Set()) >= STILL_OPEN_SHARED;
    if (closest >= REPEAT_SIMILARITY || reportedAgain) similar += 1;
    best = Math.max(best, closest);
  }
  return { similar, best };
}

/** Jaccard similarity, raised to the threshold when one message contains the other. */
function similarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  const score = jaccard(a, b);
  const shared = sharedCount(a, b);
  const contained =
    shared >= CONTAINED_SHARED && shared >= CONTAINED_SHARE * Math.min(a.size, b.size);
  return contained ? Math.max(score, REPEAT_SIMILARITY) : score;
}
