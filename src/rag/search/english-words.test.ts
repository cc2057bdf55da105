import { describe, expect, it } from 'vitest';
import { isEnglishWord, slipsOnly } from './english-words.js';

describe('isEnglishWord', () => {
  it('knows common words and their inflections', () => {
    for (const word of ['meant', 'black', 'noticed', 'house', 'allergic', 'login', 'broadband']) {
      expect(isEnglishWord(word), word).toBe(true);
    }
  });

  it('does not know the slips customers make', () => {
    for (const word of ['pasword', 'recieve', 'shiping', 'acount', 'desease', 'symptons']) {
      expect(isEnglishWord(word), word).toBe(false);
    }
  });

  it('knows no spelling of one dialect alone, which is corrected to the help center’s', () => {
    for (const word of ['colour', 'color', 'centre', 'center', 'organise', 'organize']) {
      expect(isEnglishWord(word), word).toBe(false);
    }
  });

  it('knows no rare word that is more often a slip ("calender")', () => {
    expect(isEnglishWord('calender')).toBe(false);
    expect(isEnglishWord('calendar')).toBe(true);
  });
});

describe('slipsOnly', () => {
  it('keeps the correction of a word that is no common word', () => {
    const fixes = new Map([
      ['pasword', 'password'],
      ['chnage', 'change'],
    ]);
    expect(slipsOnly(fixes)).toEqual(fixes);
  });

  it('drops the correction of a common word to another word', () => {
    const fixes = new Map([
      ['meant', 'means'],
      ['black', 'blank'],
      ['noticed', 'notifications'],
      ['house', 'hours'],
      ['thing', 'think'],
    ]);
    expect(slipsOnly(fixes)).toEqual(new Map());
  });

  it('keeps that of a common word to another form of itself the stemmer keeps apart', () => {
    const fixes = new Map([
      ['allergic', 'allergies'],
      ['shows', 'shown'],
      ['woman', 'women'],
    ]);
    expect(slipsOnly(fixes)).toEqual(fixes);
  });

  it('reads a correction written as a stem, as PostgreSQL writes one', () => {
    expect(slipsOnly(new Map([['allergic', 'allergi']]))).toEqual(
      new Map([['allergic', 'allergi']]),
    );
    expect(slipsOnly(new Map([['meant', 'mean']]))).toEqual(new Map());
  });
});
