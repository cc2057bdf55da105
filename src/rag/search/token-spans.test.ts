import { describe, expect, it } from 'vitest';
import { TermMatcher } from './highlight.js';
import { matchedTokens, tokenSpans } from './token-spans.js';

const tokensOf = (text: string) => {
  const { starts, ends } = tokenSpans(text);
  return starts.map((start, i) => text.slice(start, ends[i]));
};

describe('tokenSpans', () => {
  it('splits on any white space, as split(/\\s+/) does', () => {
    for (const text of [
      '',
      '   ',
      'one',
      '  two  words ',
      'tab\tnew\nline\r\nand\u00a0nbsp\u2003em\u3000ideographic',
      '🙂 emoji\u200bzero-width',
    ]) {
      expect(tokensOf(text), JSON.stringify(text)).toEqual(
        text.split(/\s+/).filter((t) => t !== ''),
      );
    }
  });
});

describe('matchedTokens', () => {
  it('flags the tokens that hold a word one of the matchers matches', () => {
    const text = 'Refunds (by card) reach prefunded accounts, see cards.';
    const hits = matchedTokens(text, tokenSpans(text), [
      new TermMatcher(['refund']),
      new TermMatcher(['card']),
    ]);
    expect(tokensOf(text).filter((_, i) => hits[i])).toEqual(['Refunds', 'card)', 'cards.']);
  });
});
