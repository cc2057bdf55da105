/**
 * Answers an exploratory QA pass found wrong, through the whole turn with the extractive
 * responder, on the help centers it ingested together (a bank, an energy supplier, a store): a
 * question about a PIN answered with the password steps, a customer who says the card is not
 * frozen told to freeze it, the interest rate asked for answered first with what Pots are, and
 * a word of the question not found in a sentence that has it in its "-ing" form ("placed" and
 * "placing": Porter gives back the e, "place", that the "-ing" form has not).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { openQaApp } from './helpers/qa-app.js';
import { TermMatcher } from '../src/rag/search/highlight.js';
import { differentThings, Synonyms } from '../src/rag/search/synonyms.js';

let app: App;
let session = 0;

beforeAll(async () => {
  app = await openQaApp();
});

afterAll(async () => {
  await app.close();
});

async function ask(text: string) {
  session += 1;
  return app.turns.start({ sessionId: `lex${session}`, text }).result;
}

/** The sentence a reply opens its answer with (after the greeting). */
function lead(text: string): string {
  return text.replace(/^Hi[^,\n]*,\s*/, '').split(/(?<=\]\.?)\s/)[0] ?? '';
}

describe('a PIN is no password', () => {
  it('does not answer "I forgot my pin" with the password steps, where no page speaks of PINs', async () => {
    const reply = await ask('I forgot my pin');
    expect(reply.text).not.toMatch(/password|passcode/i);
    expect(reply.sources).toEqual([]);
  });

  it('still answers the password and passcode questions, and a PIN typed wrong with the lock', async () => {
    expect((await ask('I forgot my password')).text).toMatch(/Forgot pass(word|code)/);
    const locked = await ask('typed my pin wrong a bunch of times and now im locked out');
    expect(locked.text).toContain('your account is locked for 30 minutes');
  });

  it('knows them apart, unless the question names both, and a passcode as a password', () => {
    expect(differentThings('I forgot my pin')).toEqual([
      { asked: 'pin', others: expect.arrayContaining(['password']) },
    ]);
    expect(differentThings('is my pin the same as my password?')).toEqual([]);
    const related = Synonyms.default.related('I forgot my passcode').map((r) => r.term);
    expect(related).toContain('password');
  });
});

describe('a state the customer rules out does not lead the answer', () => {
  it('"card isn\'t frozen" is not told to freeze the card', async () => {
    const reply = await ask("I already checked the app, card isn't frozen");
    expect(lead(reply.text)).not.toMatch(/freez|frozen/i);
  });

  it('"card declined but it isn\'t frozen" leads with why else a card is declined', async () => {
    const reply = await ask("card declined but it isn't frozen");
    expect(lead(reply.text)).toContain('A card payment may be declined if');
  });

  it('a card that is frozen is still answered about freezing', async () => {
    const reply = await ask('my card is frozen but spotify still took money out. how??');
    expect(reply.text).toContain("subscriptions you've already set up will still go through");
  });
});

it('asked for a rate, the sentence that states it leads, not what Pots are', async () => {
  const reply = await ask('whats the interest rate on savings');
  expect(lead(reply.text)).toContain('Money in your Pots earns 4.10% APY');
});

describe('a word is found in its "-ing" form, whose stem Porter gives an e back', () => {
  it('matches "placing" for "placed", "driving" for "driving", "timing" for "time"', () => {
    expect(new TermMatcher(['placed']).test('Placing an order')).toBe(true);
    expect(new TermMatcher(['placing']).test('orders already placed')).toBe(true);
    expect(new TermMatcher(['driving']).test('your driving record')).toBe(true);
    expect(new TermMatcher(['time']).test('so the timing may vary')).toBe(true);
    // A noun's plural is no "-ing" of a verb, though Porter joins them.
    expect(new TermMatcher(['places']).test('Placing an order')).toBe(false);
    // A one-letter term makes no empty prefix, which would be found everywhere.
    expect(new TermMatcher(['e']).test('mail')).toBe(false);
  });

  it('answers why the paycheck came on the normal day with when the employer submits payroll', async () => {
    const reply = await ask(
      'got my paycheck early last time but this time it came on the normal day, why',
    );
    expect(reply.text).toContain('depends on when your employer submits payroll');
  });

  it('still answers whether a German driving licence works, on the car-sharing help center', async () => {
    const carshare = await openQaApp(['help-center-carshare']);
    try {
      const reply = await carshare.turns.start({
        sessionId: 'german',
        text: "I'm visiting from Germany for the summer, will my German driving licence work?",
      }).result;
      expect(reply.text).toContain('if you also upload an International Driving Permit');
    } finally {
      await carshare.close();
    }
  });
});
