import { describe, expect, it } from 'vitest';
import { LexicalIndex, type LexicalSearch } from './lexical-index.js';

let nextId = 1;
function chunk(documentId: string, text: string, scope = 'kb', title = 'Help') {
  return {
    chunkId: nextId++,
    documentId,
    scope,
    title,
    headingPath: '',
    text,
    source: 's',
    url: null,
  };
}

const search = (terms: string[], overrides: Partial<LexicalSearch> = {}): LexicalSearch => ({
  terms,
  scopes: ['kb'],
  titleWeight: 3,
  limit: 10,
  postingBudget: 500,
  ...overrides,
});

describe('LexicalIndex', () => {
  it('finds nothing in an empty index, and forgets documents it never had', () => {
    const index = new LexicalIndex();
    expect(index.search(search(['refund']))).toEqual([]);
    index.removeDocument('unknown');
    expect(index.size).toBe(0);
  });

  it('matches word forms, accents and case, and gives every field of the chunk but its text', () => {
    const index = new LexicalIndex();
    index.add({ ...chunk('d1', 'Refunds reach the café card'), headingPath: 'Money › Refunds' });
    const [hit] = index.search(search(['REFUNDED', 'cafe']));
    expect(hit).toMatchObject({
      documentId: 'd1',
      title: 'Help',
      headingPath: 'Money › Refunds',
      source: 's',
      url: null,
    });
    expect(hit?.score).toBeGreaterThan(0);
  });

  it('ranks with the statistics of every scope, and returns only the wanted ones', () => {
    const index = new LexicalIndex();
    index.add(chunk('a', 'delivery delivery takes three days'));
    index.add(chunk('b', 'delivery is free', 'session:1'));
    index.add(chunk('c', 'returns are free'));
    const kb = index.search(search(['delivery']));
    expect(kb.map((m) => m.documentId)).toEqual(['a']);
    const both = index.search(search(['delivery'], { scopes: ['kb', 'session:1'] }));
    expect(both.map((m) => m.documentId)).toEqual(['a', 'b']);
    // The score of 'a' is the same whichever scopes are asked for.
    expect(both[0]?.score).toBe(kb[0]?.score);
  });

  it('gives ties to the older chunk and keeps to the limit', () => {
    const index = new LexicalIndex();
    for (const id of ['x', 'y', 'z']) index.add(chunk(id, 'same words here'));
    expect(index.search(search(['words'], { limit: 2 })).map((m) => m.documentId)).toEqual([
      'x',
      'y',
    ]);
  });

  it('counts a word given twice twice, and leaves out common words past the budget', () => {
    const index = new LexicalIndex();
    for (let i = 0; i < 20; i++) index.add(chunk(`common${i}`, 'account settings'));
    index.add(chunk('rare', 'account password reset'));
    const once = index.search(search(['password']))[0]?.score ?? 0;
    const twice = index.search(search(['password', 'passwords']))[0]?.score ?? 0;
    expect(twice).toBeCloseTo(2 * once, 12);
    // 'account' brings in 21 chunks: past a budget of 5 it is left out, and only the rare
    // word's chunk is found.
    const budgeted = index.search(search(['account', 'password'], { postingBudget: 5 }));
    expect(budgeted.map((m) => m.documentId)).toEqual(['rare']);
    expect(index.search(search(['account', 'password'])).length).toBe(10);
  });
});

describe('LexicalIndex spelling', () => {
  it('corrects a word no chunk has to the nearest word one has, the most common of equals', () => {
    const index = new LexicalIndex();
    index.add(chunk('d1', 'Reset your password from the sign-in page.'));
    index.add(chunk('d2', 'Refunds reach your card in 5 days. Refund requests need an order.'));
    index.add(chunk('d3', 'A refunded order shows in your account.'));
    index.add(chunk('d4', 'Passwords must have 12 characters.'));
    expect(index.correct(['pasword', 'refnud', 'reset'])).toEqual(
      new Map([
        ['pasword', 'password'],
        ['refnud', 'refunds'],
      ]),
    );
    // Two edits only from nine letters; none under five; none for words with digits.
    expect(index.correct(['pasrowd', 'mask', 'passw0rd', 'charactrs'])).toEqual(
      new Map([['charactrs', 'characters']]),
    );
    // Nothing near: left alone.
    expect(index.correct(['spain'])).toEqual(new Map());
    // A word whose stem is short is held to the stem's length: "morning" is "morn", one edit
    // from "more", and stays as it is.
    index.add(chunk('d5', 'Read more about your card.'));
    expect(index.correct(['morning'])).toEqual(new Map());
  });

  it('corrects a slip the stemmer reads as an ending, and an adverb to its adjective', () => {
    const index = new LexicalIndex();
    index.add(chunk('d1', 'Express delivery takes 2 days. International orders take 7 days.'));
    // "expres" stems to "expr", too short to correct as a stem; as a word it is one edit away.
    // "internationally" stems to "internation", "international" to "intern".
    expect(index.correct(['expres', 'internationally'])).toEqual(
      new Map([
        ['expres', 'express'],
        ['internationally', 'international'],
      ]),
    );
  });

  it('forgets its corrections when the index changes', () => {
    const index = new LexicalIndex();
    index.add(chunk('d1', 'Our parcels travel by courier.'));
    expect(index.correct(['courrier'])).toEqual(new Map([['courrier', 'courier']]));
    index.add(chunk('d2', 'A courrier is what some customers write.'));
    expect(index.correct(['courrier'])).toEqual(new Map());
    index.removeDocument('d2');
    expect(index.correct(['courrier'])).toEqual(new Map([['courrier', 'courier']]));
  });
});
