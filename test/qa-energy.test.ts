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

describe('customers’ words for what the pages call otherwise', () => {
  it('"getting nowhere… who else can i go to" is a complaint taken further, to the ombudsman', async () => {
    const reply = await ask(
      'been going back and forth with you for 2 months and getting nowhere. who else can i go to',
    );
    expect(reply.text).toContain('you can take it to the Energy Ombudsman');
  });

  it('bills "sent in the post" are paper bills', async () => {
    const reply = await ask(
      "can i have my bills sent in the post please, I don't really use email",
    );
    expect(reply.text).toContain('you can switch them on in Account > Preferences');
  });

  it('a meter "running fast" is one to test for accuracy', async () => {
    const reply = await ask(
      'i reckon my meter is running fast. can someone test it and do i have to pay for that',
    );
    expect(reply.text).toContain("We'll carry out an accuracy test free of charge");
  });

  it('"lost my job… cant afford" is job loss and struggling to pay', async () => {
    const reply = await ask(
      'lost my job and i genuinely cant afford my energy right now. what can you do',
    );
    expect(reply.text).toContain('pause or reduce your payments for up to 3 months');
  });

  it('a fixed deal that "finishes" is a fixed tariff that ends', async () => {
    const reply = await ask(
      'my fixed deal finishes in november, what happens after that if i dont do anything',
    );
    expect(reply.text).toContain("you'll move onto Flex Variable automatically");
  });

  it('a meter "nearly empty" is credit running low, and to "borrow" is to take credit', async () => {
    const reply = await ask(
      'no money till thursday and the meter is nearly empty, is there any way to borrow a bit',
    );
    expect(reply.text).toContain('you can use up to £15 of emergency credit');
  });

  it('"without electric" is a power cut, and "do we get anything" asks for compensation', async () => {
    const reply = await ask(
      'we were without electric for nearly a whole day after the storm. do we get anything for that?',
    );
    expect(reply.text).toContain(
      'you may be entitled to compensation of £95 from your network operator',
    );
  });
});

describe('what customers say of their meter', () => {
  it('"will my electric go off when they put the new meter in" asks of the power during installation', async () => {
    const reply = await ask(
      'will my electric go off when they put the new meter in? I work from home',
    );
    expect(reply.text).toContain('Your power will be switched off for about 30 minutes');
  });
});

describe('bills that are higher in the cold', () => {
  it('"cold weather" is winter, "cost more" a higher bill, and "always" no word to answer on', async () => {
    const reply = await ask('it always seems to cost a lot more in cold weather, how come');
    expect(reply.text).toContain('Most homes use up to twice as much gas in winter');
  });

  it('"always" of the complaint does not bring a sentence that says "always" of something else', async () => {
    const reply = await ask('it always costs so much more in cold weather, why is that');
    expect(reply.text).toContain('Most homes use up to twice as much gas in winter');
    expect(reply.text).not.toContain("We'll always tell you");
  });
});
