import { describe, expect, it } from 'vitest';
import { owedTerms } from './owed.js';

describe('owedTerms', () => {
  it('reads a question for the amount to pay as one for the total, the amount due, the balance', () => {
    for (const question of [
      'how much do I owe?',
      'How much do we still owe',
      'what do I have to pay?',
      'how much is due',
      "what's the amount due",
    ]) {
      expect(
        owedTerms(question)?.map((t) => t.term),
        question,
      ).toEqual(expect.arrayContaining(['total', 'due', 'balance']));
    }
  });

  it('is undefined for other questions of a file', () => {
    for (const question of ['what does this say?', 'when is it due?', 'how much is shipping?']) {
      expect(owedTerms(question), question).toBeUndefined();
    }
  });
});
