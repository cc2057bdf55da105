import { describe, expect, it } from 'vitest';
import { tokenize } from './tokenize.js';

function sentences(text: string): number[] {
  return tokenize(text).map((token) => token.sentence);
}

function clauses(text: string): number[] {
  return tokenize(text).map((token) => token.clause);
}

describe('an amount in a message', () => {
  it('keeps a decimal point from ending the sentence: "a payment of £89.99 I never agreed to"', () => {
    expect(new Set(sentences('a payment of £89.99 I never agreed to')).size).toBe(1);
  });

  it('keeps a thousands separator from ending the clause: "a bill of £1,200 I cannot pay"', () => {
    expect(new Set(clauses('a bill of £1,200 I cannot pay')).size).toBe(1);
  });

  it('still ends a sentence at a full stop after a number: "it cost 5. then it broke"', () => {
    expect(sentences('it cost 5. then it broke')).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it('still ends a clause at a comma between a number and a word: "it cost 5, then 6"', () => {
    expect(new Set(clauses('it cost 5, then 6')).size).toBe(2);
  });
});
