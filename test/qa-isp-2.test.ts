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
