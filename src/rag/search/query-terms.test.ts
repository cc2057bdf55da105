import { describe, expect, it } from 'vitest';
import { queryTerms } from './query-terms.js';

describe('queryTerms: contractions', () => {
  it('searches a negation as its first part, not the "t" after the apostrophe', () => {
    expect(queryTerms("I don't have the app").terms).toEqual(['app', 'i', 'don', 'have', 'the']);
    expect(queryTerms('Why can’t I log in?').terms).not.toContain('t');
  });

  it('reads a negation without its apostrophe the same way', () => {
    expect(queryTerms('dont have the app').terms).toEqual(['app', 'don', 'have', 'the']);
    expect(queryTerms('it wont let me in').terms).not.toContain('t');
  });

  it('leaves out the other ends of contractions but "s"', () => {
    const { terms } = queryTerms("we're moving, I'd like to know when you'll need it, I'm out");
    for (const end of ['re', 'd', 'll', 'm']) expect(terms).not.toContain(end);
    expect(terms).toEqual(expect.arrayContaining(['we', 'i', 'you', 'moving', 'need']));
    expect(queryTerms("what's my bill's total").terms).toContain('s');
  });

  it('keeps a letter that stands alone, as a size or a grade', () => {
    expect(queryTerms('do you have it in size M or grade D?').contentTerms).toEqual([
      'size',
      'grade',
    ]);
    expect(queryTerms('do you have it in size M or grade D?').terms).toEqual(
      expect.arrayContaining(['m', 'd']),
    );
  });
});
