import { describe, expect, it } from 'vitest';
import { passageDocuments, PassageCache } from './documents.js';
import { questionTerms } from './question-terms.js';
import { scoreSentences } from './scoring.js';

const SOURCES = [
  {
    chunkId: 1,
    documentId: 'refunds',
    title: 'Refunds and returns',
    headingPath: ['Refunds and returns', 'Card refunds'],
    source: 'help/refunds.md',
    url: null,
    text:
      'Refunds reach your card within 5 business days. Returned parcels are checked first. ' +
      'Policies differ for gift cards.',
    snippet: '',
    score: 1,
  },
];

/** What each sentence holds of the question, and stands under. */
function matches(question: string, passages?: PassageCache) {
  const terms = questionTerms(question);
  return scoreSentences(passageDocuments(SOURCES, passages), terms).candidates.map((c) => ({
    matched: [...c.matched].map((k) => terms[k]?.term),
    context: [...c.context].map((k) => terms[k]?.term),
  }));
}

describe('scoreSentences on passages read before', () => {
  it('finds the words of each question as in passages read for the first time', () => {
    const passages = new PassageCache();
    const questions = [
      'how long do refunds take to my card?',
      'what is the policy on returned gift cards?',
      'refund policy for parcels',
      'how long do refunds take to my card?',
      ...Array.from({ length: 40 }, (_, i) => `refunds card word${i} parcel${i}?`),
      'what is the policy on returned gift cards?',
    ];
    for (const question of questions) {
      expect(matches(question, passages), question).toEqual(matches(question));
    }
  });
});
