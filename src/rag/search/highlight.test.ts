import { describe, expect, it } from 'vitest';
import { snippet, TermMatcher } from './highlight.js';

describe('TermMatcher', () => {
  it('matches the words that share a term’s stem, as the index does', () => {
    const matcher = new TermMatcher(['reset', 'policy']);
    expect(matcher.test('Resetting takes a minute.')).toBe(true);
    expect(matcher.test('See our POLICIES page')).toBe(true);
    expect(matcher.test('our policy.')).toBe(true);
    // Inside a word is not the start of one.
    expect(matcher.test('Use the preset button')).toBe(false);
    expect(matcher.test('unresettable')).toBe(false);
  });

  it('matches a whole word with the same stem only, not any word that starts like it', () => {
    const matcher = new TermMatcher(['car', '2', 'use']);
    expect(matcher.test('Park your car here')).toBe(true);
    expect(matcher.test('Cars are welcome')).toBe(true);
    expect(matcher.test('Pay by card or cardboard voucher')).toBe(false);
    expect(matcher.test('Ready in 24 hours')).toBe(false);
    expect(matcher.test('Ready in 2 hours')).toBe(true);
    expect(matcher.test('The user usually')).toBe(false);
    expect(matcher.test('Used items')).toBe(true);
    expect(matcher.mark('card, car, cars')).toBe('card, <mark>car</mark>, <mark>cars</mark>');
  });

  it('keeps apart the words Porter joins that mean different things: customer and customs', () => {
    const customer = new TermMatcher(['customer']);
    expect(customer.test('Customer service hours')).toBe(true);
    expect(customer.test('Our customers')).toBe(true);
    expect(customer.test('Customs duties are paid by the recipient')).toBe(false);
    expect(new TermMatcher(['customs']).test('Customer service hours')).toBe(false);
    expect(new TermMatcher(['customs']).test('Customs duties')).toBe(true);
  });

  it('keeps apart savings and save: money put by is not a button to press', () => {
    const savings = new TermMatcher(['savings']);
    expect(savings.test('set money aside for savings goals')).toBe(true);
    expect(savings.test('To open a Pot, tap Save > New Pot.')).toBe(false);
    expect(savings.test('Round-ups help you save faster')).toBe(false);
    const save = new TermMatcher(['save']);
    expect(save.test('Save your changes')).toBe(true);
    expect(save.test('set money aside for savings goals')).toBe(false);
  });

  it('keeps apart evenings and even: a time of day is no "even if"', () => {
    const evening = new TermMatcher(['evenings']);
    expect(evening.test('Open late on weekday evenings')).toBe(true);
    expect(evening.test('Every evening from 18:00')).toBe(true);
    expect(evening.test('Report any injury straight away, even if it seems minor')).toBe(false);
    expect(new TermMatcher(['even']).test('Open late on weekday evenings')).toBe(false);
  });

  it('treats any letter or digit before the stem as part of the same word', () => {
    const matcher = new TermMatcher(['card']);
    expect(matcher.test('card')).toBe(true);
    expect(matcher.test('(card)')).toBe(true);
    expect(matcher.test('gift-card')).toBe(true);
    expect(matcher.test('2card')).toBe(false);
    expect(matcher.test('écard')).toBe(false);
    // A letter outside the Basic Multilingual Plane, written as a surrogate pair.
    expect(matcher.test('\u{1d400}card')).toBe(false);
    expect(matcher.test('🙂card')).toBe(true);
  });

  it('matches words in any script and ignores terms that cannot start a word', () => {
    expect(new TermMatcher(['café']).test('Le Café est ouvert')).toBe(true);
    expect(new TermMatcher(['доставка']).test('Сроки: Доставка 3 дня')).toBe(true);
    const odd = new TermMatcher(['e-mail', '']);
    expect(odd.empty).toBe(true);
    expect(odd.test('e-mail us')).toBe(false);
  });

  it('marks the matching words and escapes the rest', () => {
    const matcher = new TermMatcher(['refund']);
    expect(matcher.mark('<b>Refunds</b>')).toBe('&lt;b&gt;<mark>Refunds</mark>&lt;/b&gt;');
  });
});
describe('snippet', () => {
  it('shows the passage around the matches, with the matches marked', () => {
    const filler = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    const text = `${filler} Refunds reach your card in 5 days. ${filler}`;
    const result = snippet(text, new TermMatcher(['refund', 'card']));
    expect(result).toContain('<mark>Refunds</mark> reach your <mark>card</mark>');
    expect(result.startsWith('… ')).toBe(true);
    expect(result.endsWith(' …')).toBe(true);
  });

  it('keeps a match far into the text in view, and fills the window near its end', () => {
    const words = Array.from({ length: 100 }, (_, i) => `w${i}`);
    words[97] = 'refund';
    const result = snippet(words.join(' '), new TermMatcher(['refund']), 10);
    expect(result).toBe('… w90 w91 w92 w93 w94 w95 w96 <mark>refund</mark> w98 w99');
  });

  it('marks the right words after letters that lowercase to two characters', () => {
    expect(snippet('İİ İstanbul refunds, not prefunds', new TermMatcher(['refund']))).toBe(
      'İİ İstanbul <mark>refunds</mark>, not prefunds',
    );
  });

  it('makes any white space between words one space, and escapes what is between matches', () => {
    const text = 'Tom & Jerry\n\n  get   a <refund>\tand\u00a0"a card"  \n';
    expect(snippet(text, new TermMatcher(['refund', 'card']))).toBe(
      'Tom &amp; Jerry get a &lt;<mark>refund</mark>&gt; and &quot;a <mark>card</mark>&quot;',
    );
  });

  it('starts at the beginning when nothing matches', () => {
    const text = Array.from({ length: 50 }, (_, i) => `w${i}`).join(' ');
    expect(snippet(text, new TermMatcher(['refund']), 3)).toBe('w0 w1 w2 …');
    expect(snippet('a <b> c', new TermMatcher([]))).toBe('a &lt;b&gt; c');
  });
});
