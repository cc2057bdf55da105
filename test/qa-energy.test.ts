/**
 * Answers on the help center of a gas and electricity supplier (test/fixtures/help-center-energy)
 * that customers found wrong, each through the whole turn, answered by the extractive responder.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { askFresh, openQaApp } from './helpers/qa-app.js';

let energy: App;

beforeAll(async () => {
  energy = await openQaApp(['help-center-energy']);
});

afterAll(async () => {
  await energy?.close();
});

const askOf = askFresh('energy');
const ask = (text: string) => askOf(energy, text);

describe('asking who to ring', () => {
  it('"who do i ring" is read as who to call, and told the number for a power cut', async () => {
    const reply = await ask('all the lights have gone off on our whole street, who do i ring');
    expect(reply.text).toContain('call 105 free from any phone');
  });
});

describe('telling they have gone over to another supplier', () => {
  it('is read as leaving, and told not to cancel the Direct Debit before the final bill', async () => {
    const reply = await ask(
      "I've gone over to octopus. should I cancel the direct debit with my bank now?",
    );
    expect(reply.text).toContain("please don't cancel it with your bank before then");
  });
});

describe('a number in digits where the page writes it in words', () => {
  it('"2 lines of numbers" finds "two rows of numbers", and is told to give both', async () => {
    const reply = await ask(
      'my electric meter has got 2 lines of numbers on it, which one do u want',
    );
    expect(reply.text).toContain('two rows of numbers');
    expect(reply.text).toContain("you'll need to give us both");
  });
});
