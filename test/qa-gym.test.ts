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

describe('customers’ words for what the club rules call otherwise', () => {
  it('to train "barefoot" is to train in bare feet', async () => {
    const reply = await ask('is it ok to train barefoot');
    expect(reply.text).toContain('Bare feet are allowed only in studio classes');
  });

  it('a discount through "my work" is a corporate discount', async () => {
    const reply = await ask('does my work get a discount? how do i find out');
    expect(reply.text).toContain('enter your work email address on the Corporate page');
  });

  it('to book a class and "not turn up" is a no-show, told its fee', async () => {
    const reply = await ask('whats the charge if i book a class and just dont turn up');
    expect(reply.text).toContain('No-show (you booked but did not check in): £5');
  });
});

describe('a child’s age told as "my son is 14"', () => {
  it('is read as an age, and told the membership for that age', async () => {
    const reply = await ask('my son is 14 and really wants to start lifting, can he join?');
    expect(reply.text).toContain('join with a Teen membership for £19.99 a month');
  });
});

describe('more of customers’ words', () => {
  it('a bag left "overnight" is told what happens to lockers every night', async () => {
    const reply = await ask('left my bag in a locker overnight by accident, where would it be now');
    expect(reply.text).toContain('lockers are cleared every night at 03:00');
  });

  it('a mate who would "come with me" is a guest brought along', async () => {
    const reply = await ask('can my mate come with me? im only on core');
    expect(reply.text).toContain('you can buy a guest day pass for £10');
  });

  it('to swap to "someone else" is to switch to a different trainer', async () => {
    const reply = await ask(
      'my trainer isnt really a good fit for me, can i swap to someone else or do i lose my sessions',
    );
    expect(reply.text).toContain('switch to a different trainer at any time');
  });
});

describe('leaving a job, and moving to another country', () => {
  it('"i left my job" is leaving an employer, told what becomes of the work discount', async () => {
    const reply = await ask('i left my job, do i lose the work discount');
    expect(reply.text).toContain('Your discount ends and you move to the standard price');
  });

  it('moving to a country by name is moving abroad, told how to end a contract for it', async () => {
    const reply = await ask(
      'moving to spain in august but im stuck in a 12 month contract. what can i do',
    );
    expect(reply.text).toContain('proof of your new overseas address');
  });
});

describe('asking whether the club is always open', () => {
  it.each(['is the gym always open', 'are you open all the time?'])(
    '%j is told the clubs open 24 hours: "always" of opening is the whole day',
    async (question) => {
      const reply = await ask(question);
      expect(reply.text).toMatch(/open 24 hours a day|24-hour clubs stay open/);
    },
  );
});
