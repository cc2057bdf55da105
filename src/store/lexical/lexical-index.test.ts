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
      headings: ['Money', 'Refunds'],
      source: 's',
      url: null,
    });
    expect(hit?.score).toBeGreaterThan(0);
  });

  it('ranks on the chunks of the searched scopes alone, as an index of only them would', () => {
    const kb = [
      chunk('a', 'delivery delivery takes three days'),
      chunk('c', 'returns are free'),
      chunk('d', 'refunds take five days, delivery is not refunded'),
    ];
    const mine = chunk('b', 'my delivery is late', 'session:1');
    const poison = Array.from({ length: 30 }, (_, i) =>
      chunk(`p${i}`, 'delivery refunds delivery days', 'session:2'),
    );
    const everything = new LexicalIndex();
    for (const c of [kb[0], poison[0], mine, kb[1], ...poison.slice(1), kb[2]]) {
      if (c) everything.add(c);
    }
    const helpCenter = new LexicalIndex();
    for (const c of kb) helpCenter.add(c);
    const withMine = new LexicalIndex();
    for (const c of [kb[0], mine, kb[1], kb[2]]) if (c) withMine.add(c);

    const q = search(['delivery', 'refunds', 'days'], { postingBudget: 3 });
    expect(everything.search(q)).toEqual(helpCenter.search(q));
    expect(everything.search(q).map((m) => m.documentId)).toEqual(['d', 'a']);
    const both = { ...q, scopes: ['kb', 'session:1'], postingBudget: 500 };
    expect(everything.search(both)).toEqual(withMine.search(both));
    expect(everything.search(both).map((m) => m.documentId)).toContain('b');
    // Once a session's last chunk is gone, nothing of it is left to search or count.
    for (const c of poison) everything.removeDocument(c.documentId);
    expect(everything.search({ ...q, scopes: ['session:2'] })).toEqual([]);
    expect(everything.search(both)).toEqual(withMine.search(both));
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
    expect(index.correct(['pasword', 'refnud', 'reset'], ['kb'])).toEqual(
      new Map([
        ['pasword', 'password'],
        ['refnud', 'refunds'],
      ]),
    );
    // Two edits only from nine letters; none under five; none for words with digits.
    expect(index.correct(['pasrowd', 'mask', 'passw0rd', 'charactrs'], ['kb'])).toEqual(
      new Map([['charactrs', 'characters']]),
    );
    // Nothing near: left alone.
    expect(index.correct(['spain'], ['kb'])).toEqual(new Map());
    // A word whose stem is short is held to the stem's length: "morning" is "morn", one edit
    // from "more", and stays as it is.
    index.add(chunk('d5', 'Read more about your card.'));
    expect(index.correct(['morning'], ['kb'])).toEqual(new Map());
  });

  it('corrects a slip the stemmer reads as an ending, and an adverb to its adjective', () => {
    const index = new LexicalIndex();
    index.add(chunk('d1', 'Express delivery takes 2 days. International orders take 7 days.'));
    // "expres" stems to "expr", too short to correct as a stem; as a word it is one edit away.
    // "internationally" stems to "internation", "international" to "intern".
    expect(index.correct(['expres', 'internationally'], ['kb'])).toEqual(
      new Map([
        ['expres', 'express'],
        ['internationally', 'international'],
      ]),
    );
  });

  it("corrects against the searched scopes' words alone", () => {
    const index = new LexicalIndex();
    index.add(chunk('d1', 'Our parcels travel by courier.'));
    index.add(chunk('d2', 'Invoice from Zendrix Logistics for the shipment.', 'session:1'));
    index.add(chunk('d3', 'Zendrix zendrix zendrix.', 'session:2'));
    // "zendrex" is one edit from a word of the two sessions' files, none of the help center's.
    expect(index.correct(['zendrex', 'courrier'], ['kb'])).toEqual(
      new Map([['courrier', 'courier']]),
    );
    expect(index.correct(['zendrex'], ['kb', 'session:1'])).toEqual(
      new Map([['zendrex', 'zendrix']]),
    );
    // A word of the searched session's own file is no typo, whatever the help center has.
    expect(index.correct(['zendrix', 'courrier'], ['kb', 'session:1'])).toEqual(
      new Map([['courrier', 'courier']]),
    );
    expect(index.correct(['courrier'], ['session:1'])).toEqual(new Map());
    expect(index.correct(['courrier'], ['session:unknown'])).toEqual(new Map());
  });

  it('forgets its corrections when the index changes', () => {
    const index = new LexicalIndex();
    index.add(chunk('d1', 'Our parcels travel by courier.'));
    expect(index.correct(['courrier'], ['kb'])).toEqual(new Map([['courrier', 'courier']]));
    index.add(chunk('d2', 'A courrier is what some customers write.'));
    expect(index.correct(['courrier'], ['kb'])).toEqual(new Map());
    index.removeDocument('d2');
    expect(index.correct(['courrier'], ['kb'])).toEqual(new Map([['courrier', 'courier']]));
  });
});
