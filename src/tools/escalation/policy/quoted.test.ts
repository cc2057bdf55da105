import { describe, expect, it } from 'vitest';
import { detectLegal } from './legal.js';
import { quotedTerms } from './quoted.js';
import { tokenize } from './tokenize.js';

function legal(text: string): boolean {
  return detectLegal(text, tokenize(text)) !== undefined;
}

function quotedWords(text: string): string[] {
  const tokens = tokenize(text);
  const inside = quotedTerms(text, tokens);
  return tokens.filter((_, index) => inside[index]).map((token) => token.word);
}

describe('quoted terms', () => {
  it.each([
    'What does "chargeback protection" mean on your seller plan?',
    'what is the “fraud alert” setting for',
    "where do i find the 'small claims' section of the help pages",
  ])('are named, not used, in a legal matter: %s', (text) => {
    expect(legal(text)).toBe(false);
  });

  it.each([
    'If this is not fixed I will file a chargeback',
    'I told your colleague "I will take you to court over this"',
    "I'm calling my lawyer, this isn't the customers' fault",
  ])('leave a threat in the customer’s own words a legal matter: %s', (text) => {
    expect(legal(text)).toBe(true);
  });

  it('are short terms in matching marks, never apostrophes', () => {
    expect(quotedWords('the "legal hold" option')).toEqual(['legal', 'hold']);
    expect(quotedWords("don't touch the customers' 'fraud' list")).toEqual(['fraud']);
    expect(quotedWords('he said "this is way too long to be a term"')).toEqual([]);
    expect(quotedWords('an "unclosed quote about fraud')).toEqual([]);
  });
});
