import { describe, expect, it } from 'vitest';
import { passageDocuments, PassageCache } from './documents.js';
import { questionTerms } from './question-terms.js';
import { sizedQuoteOf, wordCount } from './quote.js';
import { scoreSentences, type Candidate } from './scoring.js';

/** A sentence of `n` words, "w0 w1 …", with `words` put in at the given places. */
function longSentence(n: number, words: Record<number, string>): string {
  return Array.from({ length: n }, (_, i) => words[i] ?? `w${i}`).join(' ');
}

function candidateOf(text: string, question: string, passages?: PassageCache): Candidate {
  const terms = questionTerms(question);
  const documents = passageDocuments(
    [
      {
        chunkId: 1,
        documentId: 'doc',
        title: 'Refunds',
        headingPath: ['Refunds'],
        source: 'help/refunds.md',
        url: null,
        text,
        snippet: '',
        score: 1,
      },
    ],
    passages,
  );
  const c = scoreSentences(documents, terms).candidates[0];
  if (c === undefined) throw new Error('no candidate');
  return c;
}

describe('sizedQuoteOf', () => {
  it('quotes a short sentence whole, with its words counted', () => {
    const c = candidateOf(
      'Refunds reach your card within 5 business days.',
      'how long do refunds take?',
    );
    const { quote, size } = sizedQuoteOf(c, questionTerms('how long do refunds take?'));
    expect(quote).toBe('Refunds reach your card within 5 business days.');
    expect(size).toBe(wordCount(quote));
  });

  it('quotes a long sentence as a window around its matches, with its words counted', () => {
    const text = longSentence(120, { 70: 'refunds', 74: 'card' });
    const question = 'refunds to my card?';
    const { quote, size } = sizedQuoteOf(candidateOf(text, question), questionTerms(question));
    expect(quote.startsWith('… ')).toBe(true);
    expect(quote.endsWith(' …')).toBe(true);
    expect(quote).toContain('refunds w71 w72 w73 card');
    expect(size).toBe(wordCount(quote));
  });

  it('finds the same window in text that is not plain ASCII, and again when read before', () => {
    const text = longSentence(120, { 10: 'café', 100: 'refunds', 103: 'remboursés' });
    const question = 'refunds';
    const passages = new PassageCache();
    const first = sizedQuoteOf(candidateOf(text, question, passages), questionTerms(question));
    const again = sizedQuoteOf(candidateOf(text, question, passages), questionTerms(question));
    expect(first.quote).toContain('refunds');
    expect(first.quote.startsWith('… ')).toBe(true);
    expect(first.size).toBe(wordCount(first.quote));
    expect(again).toEqual(first);
  });
});
