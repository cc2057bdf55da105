/**
 * Answers on the help center of a chain of fitness clubs (test/fixtures/help-center-gym) that
 * customers found wrong, each through the whole turn, answered by the extractive responder.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { askFresh, openQaApp } from './helpers/qa-app.js';

let gym: App;

beforeAll(async () => {
  gym = await openQaApp(['help-center-gym']);
});

afterAll(async () => {
  await gym?.close();
});

const askOf = askFresh('gym');
const ask = (text: string) => askOf(gym, text);

const NOT_FOUND = "I couldn't find this in our help center";

describe('asking how long to do something', () => {
  it('is told the time the page states, though it does not repeat the verb asked', async () => {
    const reply = await ask('how long should i sit in the sauna for');
    expect(reply.text).toContain('Stay in for no more than 15 minutes at a time');
  });
});

describe('asking of a kind of thing the help center never names', () => {
  it('"the wifi password" is not answered with how to reset the app password', async () => {
    const reply = await ask('whats the wifi password');
    expect(reply.text).toContain(NOT_FOUND);
    expect(reply.text).not.toContain('Forgot password');
  });

  it('the app password itself is still answered', async () => {
    const reply = await ask('i forgot my password');
    expect(reply.text).toContain('Tap Forgot password on the login screen');
  });
});

describe('asking when someone is at the front desk', () => {
  it('the front desk is reception, and weekdays Monday to Friday', async () => {
    const reply = await ask(
      'is there actually anyone at the front desk in the evenings on weekdays or is it empty',
    );
    expect(reply.text).toContain('Staff are at reception from 07:00 to 21:00 Monday to Friday');
  });

  it('"evenings" is not read as "even"', async () => {
    const reply = await ask('is anyone at reception in the evenings');
    expect(reply.text).not.toContain('even if it seems minor');
  });
});

describe('telling what they carry in their own words', () => {
  it('"my stuff" is not corrected to "staff"', async () => {
    const reply = await ask(
      'can i rent a locker long term so i dont have to carry my stuff every day',
    );
    expect(reply.text).toContain('permanent lockers to rent for £8 a month');
    expect(reply.text).not.toContain('a member of staff can open the locker');
  });
});
