/**
 * Answers on the help center of an internet provider (test/fixtures/help-center-isp) that
 * customers found wrong, each through the whole turn, answered by the extractive responder; and
 * the reason the staff see on a ticket for a problem that came back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { askFresh, openQaApp } from './helpers/qa-app.js';

let isp: App;

beforeAll(async () => {
  isp = await openQaApp(['help-center-isp']);
});

afterAll(async () => {
  await isp?.close();
});

const askOf = askFresh('isp-2');
const ask = (text: string) => askOf(isp, text);

describe('asked how much it costs to leave early', () => {
  it.each([
    'how much does it cost to leave my contract early?',
    'how much is the fee if I leave early?',
  ])('%j is told the fee first, then where it is shown', async (question) => {
    const reply = await ask(question);
    expect(reply.text).toMatch(
      /^Hi,\n\nThe early termination fee is 80% of the monthly charges left in your minimum term \[1\]\./,
    );
  });
});

describe('told the Wi-Fi does not reach a part of the home', () => {
  it.each([
    "my wifi doesn't reach upstairs",
    'the wifi is weak in the other rooms',
    'there are wifi dead spots all over the house',
  ])('%j is told about the Wi-Fi Booster', async (text) => {
    const reply = await ask(text);
    expect(reply.text).toContain('may need a Lumenet Wi-Fi Booster');
    expect(reply.sources.map((s) => s.title)).toEqual(['Your Lumenet Hub and Wi-Fi']);
  });
});

describe('told only that the engineer did not come', () => {
  it.each(['the engineer never turned up', 'the engineer never came'])(
    '%j is told first of the credit for a missed appointment, not of the fee',
    async (text) => {
      const reply = await ask(text);
      expect(reply.text).toMatch(
        /^Hi,\n\nIf our engineer misses your installation appointment, we credit £30 to your account/,
      );
    },
  );
});

describe('told in a first message that a problem happened again', () => {
  it('is not said on the ticket to have asked before', async () => {
    const reply = await ask('this is the second time my internet has dropped today');
    const reasons = reply.escalation.reasons ?? [];
    expect(reasons).toContain('says it has happened before: "the second time"');
    expect(reasons.join(' ')).not.toContain('asked before');
  });
});

describe('naming their own router by its make', () => {
  it.each([
    'can I use my Linksys with your fibre?',
    "I'd rather use my Netgear than the box you sent",
  ])('%j is told a router of their own may be used', async (question) => {
    const reply = await ask(question);
    expect(reply.text).toContain('You can use your own router instead of the Lumenet Hub');
  });
});

describe('told the data "ran out"', () => {
  it('is read as data that runs out, and told what happens then and what to buy', async () => {
    const reply = await ask('I ran out of data, what now?');
    expect(reply.text).toMatch(
      /^Hi,\n\nWhen your data allowance runs out, mobile data stops until your next bill date \[1\]\./,
    );
    expect(reply.text).toContain('5GB Data Add-on for £4');
  });
});

describe('asking about watching while on holiday', () => {
  it('is told first that the app works away from home only within the country', async () => {
    const reply = await ask("does the TV app work when I'm on holiday in Spain?");
    expect(reply.text).toMatch(
      /^Hi,\n\nThe Lumenet TV app works away from home, but only within the UK \[1\]\./,
    );
  });
});

describe('naming a city abroad, not its country', () => {
  it('"Toronto" is read as Canada, and the price of roaming there is told first', async () => {
    const reply = await ask("I'm off to Toronto next month, how much will my phone cost there?");
    expect(reply.text).toMatch(/^Hi,\n\nRoaming in the USA, Canada and Australia costs £5 a day/);
  });
});

describe('told there has been no broadband for days', () => {
  it('is told of the compensation for each day without service', async () => {
    const reply = await ask("we've had no broadband for 3 days, do we get money back?");
    expect(reply.text).toContain('automatic compensation of £9.76 for each calendar day');
  });
});

describe('naming a city in the USA', () => {
  it('"Miami" is read as the USA: told the price there, not that of other countries', async () => {
    const reply = await ask('how much does roaming cost in Miami?');
    expect(reply.text).toMatch(/^Hi,\n\nRoaming in the USA, Canada and Australia costs £5 a day/);
    expect(reply.text).not.toContain('In all other countries');
  });

  it('using the phone "over there" is roaming', async () => {
    const reply = await ask(
      'going to Miami next month, what will it cost to use my phone over there?',
    );
    expect(reply.text).toMatch(/^Hi,\n\nRoaming in the USA, Canada and Australia costs £5 a day/);
  });
});

describe('told they pressed the reset hole with a pin', () => {
  it('is told what a factory reset does, the pin read as no PIN', async () => {
    const reply = await ask('I pushed the tiny hole on the hub with a pin, what did that do?');
    expect(reply.text).toContain('returns your Wi-Fi name and password to the ones on the sticker');
  });
});

describe('telling what was tried, and what the router shows', () => {
  it('"the internet light is off" is the trouble, not a step tried: told what the light means', async () => {
    const reply = await ask('I already restarted the router and the internet light is off');
    expect(reply.text).not.toContain('nothing beyond what you');
    expect(reply.text).toContain('turns solid white when it is connected to the internet');
  });
});

describe('asked whether something is allowed', () => {
  it.each([
    'can I use my own router instead of yours, is that allowed?',
    "I'd rather keep using my Asus than the box you sent, is that allowed?",
  ])('%j is not answered from the data allowance', async (question) => {
    const reply = await ask(question);
    expect(reply.text).toContain('You can use your own router instead');
    expect(reply.text).not.toContain('data allowance');
  });

  it('"data allowances" still finds the data allowance', async () => {
    const reply = await ask('how do the data allowances work on mobile?');
    expect(reply.text).toMatch(/data allowance (resets|runs out)/);
  });
});

describe('told the connection drops, after restarting the Hub', () => {
  it.each([
    "my internet keeps dropping out, I've tried turning it off and on",
    'my internet keeps dropping out, I already switched it off and back on again',
    'my internet keeps dropping out, tried unplugging it and plugging it back in',
    "my internet keeps dropping out, I've already restarted the hub",
  ])('%j is told what comes after a restart, not to restart', async (text) => {
    const reply = await ask(text);
    expect(reply.text).toMatch(/^Hi,\n\nTest your speed at lumenet\.co\.uk\/speedtest/);
    expect(reply.text).not.toMatch(/restart the Hub/i);
  });
});
