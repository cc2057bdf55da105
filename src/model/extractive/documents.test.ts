import { describe, expect, it } from 'vitest';
import { headingStates, PassageCache, passageDocuments, statesPhoneNumber } from './documents.js';

describe('headingStates', () => {
  it('is true of a heading that states a price, a percentage or a time of day', () => {
    for (const heading of [
      'Core – £34.99 a month',
      'Plus: $9.99 per month',
      'Plans from 9.99 EUR',
      'Save 10% when you pay yearly',
      'Opening hours: 6am to 10pm',
      'Open 06:00 to 22:00',
    ]) {
      expect(headingStates(heading), heading).toBe(true);
    }
  });

  it('is false of a heading that names its section, numbers and all', () => {
    for (const heading of [
      'Refunds',
      '2. Paying by card',
      'Leaving a 12-month commitment early',
      'Children under 13',
      'Changes in 2024',
      'Open 24/7',
    ]) {
      expect(headingStates(heading), heading).toBe(false);
    }
  });
});

describe('statesPhoneNumber', () => {
  it('is true of a sentence that gives a number to call', () => {
    for (const sentence of [
      'Call us on 0330 555 0100, Monday to Friday.',
      'call Support at 1-888-555-0144, available 24 hours a day.',
      'Abroad, call +44 20 7946 0958.',
    ]) {
      expect(statesPhoneNumber(sentence), sentence).toBe(true);
    }
  });

  it('is false of prices, dates, times and short numbers', () => {
    for (const sentence of [
      'A damage fee of up to $1,000 per incident.',
      'Refunds take 5 to 10 business days.',
      'Open from 08:00 to 20:00 on 12/03/2026.',
      'If there is a power cut, call 105 free from any phone.',
      'Text PAC to 65075 from your old phone.',
    ]) {
      expect(statesPhoneNumber(sentence), sentence).toBe(false);
    }
  });
});

describe('PassageCache', () => {
  const chunk = (title: string, headingPath: string[], text = 'Refunds take 5 days.') => ({
    chunkId: 7,
    documentId: 'refunds',
    title,
    headingPath,
    source: 'help/refunds.md',
    url: null,
    text,
    snippet: '',
    score: 1,
  });

  it('keeps the title and headings of a passage read before, and reads new ones again', () => {
    const passages = new PassageCache();
    const [first] = passageDocuments([chunk('Refunds', ['Refunds', 'Card'])], passages);
    const [again] = passageDocuments([chunk('Refunds', ['Refunds', 'Card'])], passages);
    const [renamed] = passageDocuments([chunk('Refunds', ['Refunds', 'PayPal'])], passages);
    expect(first?.heads?.searchText).toBe('refunds \n refunds \n card');
    expect(again?.heads).toBe(first?.heads);
    expect(renamed?.heads?.searchText).toBe('refunds \n refunds \n paypal');
    expect(again?.units).toBe(first?.units);
  });
});

describe('passageDocuments', () => {
  const passage = (text: string) => ({
    chunkId: 8,
    documentId: 'manual',
    title: 'manual',
    headingPath: [],
    source: 'attachment:manual.pdf',
    url: null,
    text,
    snippet: '',
    score: 1,
  });
  const unitsOf = (text: string) => passageDocuments([passage(text)])[0]?.units.map((u) => u.text);

  it('leaves out a first sentence that starts mid-way, as a passage after the first may', () => {
    expect(
      unitsOf('vents and fitted a fresh canister, the mantle is worn.\nKayaks need care.'),
    ).toEqual(['Kayaks need care.']);
  });

  it('keeps a first sentence that starts in capitals, with a name in lower case, or alone', () => {
    expect(unitsOf('Wipe the glass. Kayaks need care.')).toEqual([
      'Wipe the glass.',
      'Kayaks need care.',
    ]);
    expect(unitsOf('eSIM setup takes a minute. Scan the code.')).toEqual([
      'eSIM setup takes a minute.',
      'Scan the code.',
    ]);
    expect(unitsOf('- check the vents\n- fit a canister')).toEqual([
      'check the vents',
      'fit a canister',
    ]);
    expect(unitsOf('fitted with a fresh canister.')).toEqual(['fitted with a fresh canister.']);
  });
});
