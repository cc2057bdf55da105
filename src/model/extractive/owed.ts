import { questionTerms, type QuestionTerm } from './question-terms.js';

/**
 * "How much do I owe?", "what do I have to pay?", "how much is due?": asked of a file that has
 * none of its words (an invoice), it asks for the amount to pay, which such a file states on a
 * line of its own as its total, amount due or balance.
 */
const ASKS_OWED =
  /\bhow\s+much\s+(?:do|does|did|will|would|should)\s+(?:i|we)\s+(?:still\s+)?(?:owe|pay|have\s+to\s+pay|need\s+to\s+pay)\b|\bhow\s+much\s+(?:is|was)\s+(?:due|owed|owing|outstanding)\b|\bwhat\s+(?:do|did)\s+(?:i|we)\s+(?:owe|have\s+to\s+pay|need\s+to\s+pay)\b|\bamount\s+(?:due|owed|owing)\b/i;

/** The words by which a file states the amount to pay. */
const OWED_WORDS = 'total amount due balance';

/**
 * The question terms of what is owed, when `question` asks it (see {@link ASKS_OWED}), to read
 * the lead of files given for it: their words, not the question's, say where the amount is.
 */
export function owedTerms(question: string): QuestionTerm[] | undefined {
  return ASKS_OWED.test(question.slice(0, 2000)) ? questionTerms(OWED_WORDS, '', []) : undefined;
}
