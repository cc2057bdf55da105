import { STOP_WORDS } from '../../store/lexical/stop-words.js';

/** At most this many distinct terms are searched: a pasted page must not become a huge query. */
export const MAX_QUERY_TERMS = 32;

// The same word boundaries as the index's unicode61 tokenizer: letters and digits.
const WORD = /[\p{L}\p{N}]+/gu;

/**
 * A negation written without its apostrophe ("hasnt", "didnt", "wont", "cant"): groups 1 and 2
 * are the parts the apostrophe would have cut it into ("hasn", "t").
 */
const NEGATION_WITHOUT_APOSTROPHE =
  /^((?:has|have|had|did|does|do|is|are|was|were|could|would|should|must|need|ca|wo|ai|sha)n)(t)$/;

/**
 * The words of a text, lowercased and NFKC-normalised, in order. A negation written without its
 * apostrophe is read as the negation, in the parts the index cuts it into ("hasnt" as "hasn",
 * "t", as "hasn't" is indexed): no misspelling to correct ("hasn", "wasnt" → "want"), nor a word
 * of its own that no page has.
 */
export function words(text: string): string[] {
  const found = text.normalize('NFKC').toLowerCase().match(WORD) ?? [];
  if (!found.some((word) => NEGATION_WITHOUT_APOSTROPHE.test(word))) return found;
  return found.flatMap((word) => {
    const m = NEGATION_WITHOUT_APOSTROPHE.exec(word);
    return m ? [m[1] as string, m[2] as string] : [word];
  });
}

/**
 * The end of a contraction after its apostrophe ("don't", "we're", "I'd", "you'll", "I've",
 * "I'm"). Not "s": it is the possessive as often as "is" ("my bill's gone up"), and leaving it
 * out changed which passages one energy-supplier answer was made of, for the worse.
 */
const CONTRACTION_END = /(?<=[\p{L}\p{N}])['\u2019](?:t|d|m|ll|re|ve)(?![\p{L}\p{N}])/gu;

/**
 * {@link words}, without the ends of contractions: "don't" and "dont" are searched as "don",
 * "we're" as "we". Cut off by the word boundaries, such an end is a word of one or two letters
 * that the index has wherever a passage says "can't" or "you'll", and it says nothing of what
 * was asked: the "t" of "dont have the app" found the passages under "Why can't I log in to my
 * account?" before the one on sending a meter reading by text. Measured on the CovidFAQ set,
 * leaving them out raised nDCG@10 from 0.7418 to 0.7421 and MRR@10 from 0.6766 to 0.6770.
 */
function searchedWords(text: string): string[] {
  const found = text.normalize('NFKC').toLowerCase().replace(CONTRACTION_END, '').match(WORD) ?? [];
  return found.map((word) => NEGATION_WITHOUT_APOSTROPHE.exec(word)?.[1] ?? word);
}

/** The search terms of a question, and whether any of them says what it is about. */
export interface QueryTerms {
  /** Distinct words, content words first, at most {@link MAX_QUERY_TERMS}. */
  terms: string[];
  /** The words that are not stop words. */
  contentTerms: string[];
}

/**
 * The search terms of a user's question. Punctuation, quotes, operators and emoji are not words,
 * so no user text can become query syntax. Stop words are kept as terms: in questions, "how
 * long", "can I" or "what is" say what is asked, and BM25 already weighs common words down
 * (measured on a FAQ set, dropping them cost 0.14 nDCG@10). They only give way to content words
 * when a long text has to be cut to {@link MAX_QUERY_TERMS}.
 *
 * @example
 * queryTerms('How do I reset my password?').contentTerms // ['reset', 'password']
 */
export function queryTerms(text: string): QueryTerms {
  const content = new Set<string>();
  const stop = new Set<string>();
  for (const raw of searchedWords(text.slice(0, 20_000))) {
    if (STOP_WORDS.has(raw)) stop.add(raw);
    else content.add(raw);
  }
  const contentTerms = [...content].slice(0, MAX_QUERY_TERMS);
  const terms = [...contentTerms, ...stop].slice(0, MAX_QUERY_TERMS);
  return { terms, contentTerms };
}

/**
 * `text` with the words a search corrected (see `SearchResult.spelling`) written as corrected,
 * whole words only, whatever their case.
 *
 * @example
 * respell('How do I reset my Pasword?', [{ from: 'pasword', to: 'password' }]);
 * // 'How do I reset my password?'
 */
export function respell(
  text: string,
  spelling: ReadonlyArray<{ from: string; to: string }> | undefined,
): string {
  if (!spelling || spelling.length === 0) return text;
  const to = new Map(spelling.map(({ from, to: corrected }) => [from, corrected]));
  return text.replace(/[\p{L}\p{N}]+/gu, (word) => to.get(word.toLowerCase()) ?? word);
}
