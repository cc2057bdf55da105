import { describe, expect, it } from 'vitest';
import { stem } from './search-text.js';
import { allowedEdits, editDistance, nearestTerm, type KnownTerm } from './spelling.js';

describe('editDistance', () => {
  it.each([
    ['password', 'password', 0],
    ['pasword', 'password', 1],
    ['refnud', 'refund', 1],
    ['delivry', 'delivery', 1],
    ['subscripton', 'subscription', 1],
    ['cancelation', 'cancellation', 1],
    ['adress', 'address', 1],
    ['recieve', 'receive', 1],
    ['kitten', 'sitting', 3],
  ])('%s → %s is %i edits', (a, b, distance) => {
    expect(editDistance(a, b, 3)).toBe(distance);
    expect(editDistance(b, a, 3)).toBe(distance);
  });

  it('stops at the bound', () => {
    expect(editDistance('kitten', 'sitting', 1)).toBe(2);
    expect(editDistance('a', 'abcdef', 2)).toBe(3);
  });
});

describe('allowedEdits', () => {
  it('allows none under five letters, one from five, two from nine', () => {
    expect([4, 5, 8, 9, 12].map(allowedEdits)).toEqual([0, 1, 1, 2, 2]);
  });
});

describe('nearestTerm', () => {
  // "hasn't" is indexed as "hasn" and "t": "hasnt" was one edit from it, "wasnt" from "want".
  const words = ['hasn', 'want', 'their', 'password', 'tariff', 'tarot', 'commit', 'cash'];
  const terms = new Map<string, KnownTerm>(words.map((w) => [stem(w), { chunks: 3, word: w }]));
  const nearest = (word: string) =>
    nearestTerm(
      word,
      stem(word),
      (s) => terms.get(s),
      (initial) => [...terms].filter(([term]) => term.startsWith(initial)),
    );

  it('corrects a slip to the word the help center has', () => {
    expect(nearest('pasword')).toBe('password');
  });

  it.each(['hasnt', 'wasnt', 'theyre', 'whats', 'youre'])(
    'leaves %j, a contraction without its apostrophe, as it is',
    (word) => {
      expect(nearest(word)).toBeNull();
    },
  );

  it('corrects a letter doubled in the wrong place, two edits from the word', () => {
    expect(nearest('tarrif')).toBe('tariff');
    expect(nearest('comitt')).toBe('commit');
  });

  it('takes a word one edit away before one that differs only in its doubled letters', () => {
    // "taroot" is one edit from "tarot"; it is not read as a "tariff" with other letters.
    expect(nearest('taroot')).toBe('tarot');
  });

  it('makes no word one of four letters or fewer, where most neighbours are words', () => {
    // "how much am i on the hook for if i crash" was searched as "… if i cash".
    expect(nearest('crash')).toBeNull();
    expect(nearest('cashs')).toBeNull();
  });

  it('leaves a word two edits from every term, not only in its doubled letters, as it is', () => {
    expect(nearest('tarrof')).toBeNull();
  });
});
