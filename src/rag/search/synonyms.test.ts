import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SYNONYMS,
  differentThings,
  IDIOM_WEIGHT,
  RELATED_WEIGHT,
  Synonyms,
} from './synonyms.js';

const terms = (table: Synonyms, question: string) =>
  table.related(question).map(({ term, weight }) => [term, Number(weight.toFixed(3))]);

describe('Synonyms', () => {
  const table = new Synonyms(`
    damaged | broken | faulty
    coupon | voucher => promo
    send back | bring back = return
    2fa | two step => two factor authentication
  `);

  it('adds the other words of a group, matched by stem, at the related weight', () => {
    expect(terms(table, 'My mug arrived BROKEN')).toEqual([
      ['damaged', RELATED_WEIGHT],
      ['faulty', RELATED_WEIGHT],
    ]);
    // "damages" has the stem of "damaged": the question already says it.
    expect(terms(table, 'it damages easily, is it faulty?')).toEqual([['broken', RELATED_WEIGHT]]);
  });

  it('adds only one way for a rule', () => {
    expect(terms(table, 'Can I use a voucher?')).toEqual([['promo', RELATED_WEIGHT]]);
    expect(terms(table, 'Where do I enter a promo?')).toEqual([]);
  });

  it('finds phrases with a few words between, and weighs down the words of an idiom', () => {
    const related = table.related('How do I send the parcel back?');
    expect(related).toEqual([
      { term: 'send', weight: IDIOM_WEIGHT, from: 'send back', own: true },
      { term: 'back', weight: IDIOM_WEIGHT, from: 'send back', own: true },
      { term: 'return', weight: RELATED_WEIGHT, from: 'send back' },
    ]);
    // Stop words between do not count towards the gap: "a pair of shoes" is two words.
    expect(terms(table, 'I want to send a pair of shoes back')).toEqual([
      ['send', IDIOM_WEIGHT],
      ['back', IDIOM_WEIGHT],
      ['return', RELATED_WEIGHT],
    ]);
    // Too far apart: not the phrase.
    expect(table.related('send a message to the team at the back')).toEqual([]);
    expect(table.related('send the pair of shoes I bought back')).toEqual([]);
    // The words of an idiom mean what it means, not what an entry of one of them alone adds.
    const mind = Synonyms.default.related('I changed my mind, can I get out of it?');
    expect(mind.map((r) => r.term)).not.toContain('update');
    expect(mind.map((r) => r.term)).toContain('cancel');
    expect(Synonyms.default.related('how do I change my email').map((r) => r.term)).toContain(
      'update',
    );
    // A rule that is no idiom keeps the question's own words.
    expect(terms(table, 'how do I set up 2fa')).toEqual([
      ['two', RELATED_WEIGHT],
      ['factor', RELATED_WEIGHT],
      ['authentication', RELATED_WEIGHT],
    ]);
  });

  it('reads an idiom made of words of a longer one the question says as the longer one', () => {
    const grid = new Synonyms(`
      goes out | go out = payment taken
      back out = cancel
      goes back out = export
    `);
    // "goes out" and "back out" are both in "goes back out", which means neither.
    expect(terms(grid, 'how much for the power that goes back out')).toEqual([
      ['goes', IDIOM_WEIGHT],
      ['back', IDIOM_WEIGHT],
      ['export', RELATED_WEIGHT],
    ]);
    // Alone, each is read as itself.
    expect(terms(grid, 'when does the money go out')).toEqual([
      ['go', IDIOM_WEIGHT],
      ['payment', RELATED_WEIGHT],
      ['taken', RELATED_WEIGHT],
    ]);
    expect(terms(grid, 'can I back out of the contract')).toEqual([
      ['back', IDIOM_WEIGHT],
      ['cancel', RELATED_WEIGHT],
    ]);
  });

  it('knows its one-word entries: they are words, not misspellings', () => {
    expect(table.knows('faulty')).toBe(true);
    expect(table.knows('broken')).toBe(true);
    expect(table.knows('send')).toBe(false);
    expect(table.knows('fautly')).toBe(false);
  });

  it('refuses a line it cannot read', () => {
    expect(() => new Synonyms('a => b => c')).toThrow(/line 1/);
    expect(() => new Synonyms('a = b => c')).toThrow(/line 1: more than one/);
    expect(() => new Synonyms('a => b = c')).toThrow(/line 1: more than one/);
    expect(() => new Synonyms('\n  broken => ')).toThrow(/line 2: words are needed/);
  });

  it('has a default table of support vocabulary', () => {
    const words = (q: string) => Synonyms.default.related(q).map((r) => r.term);
    expect(words('my package arrived broken')).toContain('damaged');
    expect(words('when do I get my money back?')).toContain('refund');
    expect(words('where is my order?')).toContain('tracking');
    expect(words('the reset e-mail never came')).toEqual(
      expect.arrayContaining(['email', 'arrive']),
    );
    expect(words('how do I close my account')).toContain('delete');
    // A passcode is a password: a help center may say either.
    expect(words('How do I reset my password?')).toEqual(['passcode']);
    // "customer" is no "customs" (Porter stems both "custom"): nothing of duties is added.
    expect(words('how do I contact customer service?')).toEqual([]);
    expect(words('do I pay customs?')).toEqual(expect.arrayContaining(['duties', 'import']));
    // Chat drops apostrophes: "didnt" reads as "didn't".
    expect(words('i didnt get the code')).toContain('arrive');
    expect(words('my card still hasnt showed up')).toContain('arrive');
    // "How much is …" asks a price; "how much notice …" does not.
    expect(words('how much is membership?')).toEqual(
      expect.arrayContaining(['price', 'cost', 'fee']),
    );
    expect(words('how much notice do you need?')).not.toContain('price');
    expect(words('how far ahead can I book?')).toContain('advance');
    expect(words('how much is it per km?')).toEqual(
      expect.arrayContaining(['kilometre', 'charge']),
    );
    expect(words('does the car come with a carseat?')).toContain('child');
    expect(words('my payment bounced')).toEqual(expect.arrayContaining(['failed', 'unpaid']));
    expect(words('when does the money come out?')).toEqual(
      expect.arrayContaining(['payment', 'taken']),
    );
    // "Open" asked of a time is the opening hours; anything else that opens is not.
    for (const q of [
      'when are you open?',
      'what time do you open?',
      'are you guys open on Sundays?',
    ]) {
      expect(words(q), q).toContain('hours');
    }
    // Opening hours are said as the days and times one is there, not as a number of hours.
    for (const q of ['what are your opening hours?', 'what are your business hours']) {
      expect(words(q), q).toEqual(expect.arrayContaining(['available', 'monday', 'friday']));
    }
    for (const q of [
      'how do I open an account',
      'the box arrived open',
      'when I open the app it crashes',
    ]) {
      expect(words(q), q).not.toContain('hours');
    }
    // A supply cut off is disconnected ("We'll never disconnect your supply if …"); a power cut
    // is no disconnection.
    expect(words('are you going to cut me off? im behind')).toContain('disconnect');
    expect(words('will you cut off my gas if I miss a payment')).toContain('disconnect');
    expect(words("there's a power cut on my street")).not.toContain('disconnect');
    // Asked whether at a time of day, the hours something happens answer ("can be delivered only
    // between 8:00 a.m. and 11:00 p.m.", under "Where and when alcohol delivery is available").
    for (const q of [
      'can i get beer brought over at midnight',
      'can I order late at night?',
      'is the helpline answered in the middle of the night?',
    ]) {
      expect(words(q), q).toContain('hours');
    }
  });

  it('says general English variants and phrasings for one another', () => {
    const words = (q: string) => Synonyms.default.related(q).map((r) => r.term);
    expect(words('do my unused minutes carry over?')).toContain('roll');
    // The cheapest way is the one that costs least.
    expect(words("what's the cheapest way to get my order?")).toEqual(
      expect.arrayContaining(['cost', 'price']),
    );
    // What goes in the dryer is tumble dried.
    expect(words('can i put them in the dryer?')).toEqual(
      expect.arrayContaining(['tumble', 'dry']),
    );
    expect(words('the button is greyed out')).toContain('gray');
    expect(words('can I put my plan on hold?')).toEqual(
      expect.arrayContaining(['freeze', 'pause']),
    );
    // Switching a card off is freezing it; "switch" weighs as little as an idiom's own word.
    expect(terms(Synonyms.default, 'can I switch my card off for now?')).toEqual([
      ['switch', IDIOM_WEIGHT],
      ['freeze', RELATED_WEIGHT],
      ['pause', RELATED_WEIGHT],
    ]);
    expect(words('any discount for college kids?')).toContain('student');
    expect(words('signed up yesterday, can I back out?')).toContain('cancel');
    expect(words('I lost my key fob, how much is a new one')).toContain('replacement');
    expect(words('how do I text the driver')).toContain('message');
    expect(words('where is the wifi code')).toContain('password');
    expect(words('how much to use my phone abroad')).toContain('roaming');
    expect(words('what is the interest rate')).toContain('apy');
    expect(words('can I download my data')).toContain('export');
    expect(words('can I make it smaller')).toContain('lower');
    expect(words('the courier went to the wrong house')).toContain('address');
    expect(words('how do I change where it gets delivered')).toContain('address');
    expect(words('can we each pay separately')).toContain('split');
    expect(words('can coworkers order together')).toContain('group');
    // Something that broke is a defect; a bigger size is an exchange; on sale is cheaper.
    expect(words('the zip on my backpack broke')).toContain('defect');
    expect(words('my jacket strap tore')).toContain('defect');
    // Not what splits a bill or rips a customer off.
    expect(words('can we split the bill')).not.toContain('defect');
    expect(words('i feel ripped off')).not.toContain('defect');
    expect(words('can i get a bigger size')).toContain('exchange');
    expect(words('the tent was on sale for 299')).toContain('cheaper');
    // Weekdays are Monday to Friday; the front desk is reception, not a desk at the front.
    expect(words('are you open on weekdays')).toEqual(expect.arrayContaining(['monday', 'friday']));
    expect(terms(Synonyms.default, 'anyone at the front desk?')).toEqual([
      ['front', IDIOM_WEIGHT],
      ['desk', IDIOM_WEIGHT],
      ['reception', RELATED_WEIGHT],
    ]);
    // Reception is no front desk: "poor reception" is a weak signal.
    expect(words('poor reception upstairs')).not.toContain('desk');
    // To ring is to call, asked whom; a ring is still a ring.
    expect(words('who do i ring?')).toEqual(expect.arrayContaining(['call', 'phone']));
    expect(words('can I return a ring I bought?')).toEqual([]);
    // Gone over to another company is leaving, and "gone" is not lost.
    expect(terms(Synonyms.default, "I've gone over to another supplier")).toEqual([
      ['gone', IDIOM_WEIGHT],
      ['switch', RELATED_WEIGHT],
      ['leave', RELATED_WEIGHT],
    ]);
    expect(words('the courier had gone over to the wrong house')).not.toContain('leave');
  });
});

describe('differentThings', () => {
  it('reads a pin pressed with as no PIN', () => {
    expect(differentThings('I pressed the reset hole with a pin')).toEqual([]);
    expect(differentThings('pushed it in using a pin')).toEqual([]);
    expect(differentThings('can I use a safety pin?')).toEqual([]);
    expect(differentThings('I forgot my pin')).toEqual([
      { asked: 'pin', others: expect.arrayContaining(['password']) },
    ]);
    expect(differentThings('can I log in with a pin instead?')).toEqual([
      { asked: 'pin', others: expect.arrayContaining(['password']) },
    ]);
    // A pressing word of another clause presses nothing with the pin.
    for (const question of [
      "I'm stuck, can I sign in with a pin?",
      "I've been on hold for ages, can I log in with a pin instead?",
      "I'm stuck and can't log in with a pin",
    ]) {
      expect(differentThings(question)).toEqual([
        { asked: 'pin', others: expect.arrayContaining(['password']) },
      ]);
    }
    expect(differentThings('I pushed the tiny hole on the hub with a pin')).toEqual([]);
  });
});

describe('DEFAULT_SYNONYMS', () => {
  const words = (question: string) =>
    new Synonyms(DEFAULT_SYNONYMS).related(question).map(({ term }) => term);

  it('reads a small hole as the pinhole, not as a reset: a hole in a thing bought is damage', () => {
    expect(words('I pushed the tiny hole on the hub with a pin')).toContain('reset');
    expect(words('I pressed the little hole on the back with a pin')).toContain('reset');
    expect(words('there is a little hole in the bag I got')).not.toContain('reset');
    expect(words('I pressed the reset hole with a pin')).toContain('pinhole');
  });

  it('reads "let you know" as telling, not as reporting a problem', () => {
    expect(words('can I let you know about a bug?')).not.toContain('report');
    expect(words('how early can i let you know that we are moving out')).not.toContain('report');
    expect(words('is it too late to say something?')).toContain('report');
  });
});
