/**
 * Answers on the help center of a food delivery app (test/fixtures/help-center-food) that
 * customers found wrong, each through the whole turn, answered by the extractive responder.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { askFresh, openQaApp } from './helpers/qa-app.js';

let food: App;

beforeAll(async () => {
  food = await openQaApp(['help-center-food']);
});

afterAll(async () => {
  await food?.close();
});

const askOf = askFresh('food');
const ask = (text: string) => askOf(food, text);

describe('told the order went to the wrong house', () => {
  it('is told of the refund for a delivery to the wrong address, "house" not read as "hours"', async () => {
    const reply = await ask('my order went to the wrong house, can I get a refund?');
    expect(reply.text).toContain('If your order was left at the wrong address');
    expect(reply.text).toContain('Forkful will refund the full order or send a redelivery');
  });
});

describe('told one thing came in place of another', () => {
  it.each([
    'got chicken instead of my salad, I just want what I paid for',
    'I received a burger instead of the wrap I ordered',
  ])('%j is told what is done for a wrong item', async (question) => {
    const reply = await ask(question);
    expect(reply.text).toContain('For wrong items, you can choose a refund');
  });
});

describe('asking about a friend in other words', () => {
  it('"my buddy" is read as a friend, and told when the referral reward comes', async () => {
    const reply = await ask('my buddy signed up with my link, when do I get my reward');
    expect(reply.text).toContain("once your friend's first order is delivered");
  });
});

describe('asking why it costs more in bad weather', () => {
  it.each([
    "why is delivery more expensive when it's raining?",
    'is there an extra fee when it snows?',
  ])('%j is told of the busy-time fee', async (question) => {
    const reply = await ask(question);
    expect(reply.text).toContain('a busy-time fee of up to $3 may be added');
  });
});

describe('asking what a charge is', () => {
  it('a charge is read as a fee, and the 12% one is the service fee', async () => {
    const reply = await ask('what is this 12% charge on my receipt');
    expect(reply.text).toContain('The service fee is 12% of your subtotal');
  });
});

describe('told a thing of the order "never showed up"', () => {
  it('is read as missing, and told of the refund for a missing item', async () => {
    const reply = await ask('my fries never showed up');
    expect(reply.text).toContain('refunded its full price plus tax');
  });
});

describe('told the food came barely warm', () => {
  it.each(['my soup came lukewarm', 'my pizza was basically ice when it came'])(
    '%j is read as cold food, and told what is refunded',
    async (text) => {
      const reply = await ask(text);
      expect(reply.text).toContain('Cold or poor-quality food is refunded up to 50%');
    },
  );
});

describe('asking for compensation', () => {
  it('is read as a refund or a credit, and told of the credit for a late order', async () => {
    const reply = await ask('is there any compensation for a late order?');
    expect(reply.text).toContain('late delivery credit of $5');
  });
});

describe('asking whether it is too late to complain', () => {
  it('to complain is to report, and the time allowed is told', async () => {
    const reply = await ask('can I still complain about an order from last week?');
    expect(reply.text).toContain('You must report an order issue within 48 hours of delivery');
  });
});

describe('told the store sent another brand', () => {
  it('is read as a substitution, and told approved ones are not refunded', async () => {
    const reply = await ask(
      'they swapped my oat milk for a different brand, I accepted it, can I get my money back?',
    );
    expect(reply.text).toMatch(
      /^Hi,\n\nGrocery substitutions you approved in the app are not eligible for a refund \[1\]\./,
    );
  });
});

describe('asking why everything costs more', () => {
  it('"cost more" asks about a fee, not for the price of the membership', async () => {
    const reply = await ask('why does everything cost more when it snows?');
    expect(reply.text).toMatch(/^Hi,\n\nDuring peak demand, such as bad weather/);
    expect(reply.text).not.toContain('Forkful Plus costs');
  });
});

describe('asking whether others can join an order', () => {
  it('"join in" is a group order, and how many guests is told', async () => {
    const reply = await ask('can my colleagues join in on the order?');
    expect(reply.text).toContain('Up to 15 guests can add items to a group order');
  });
});

describe('asking to order now for a day next week', () => {
  it('"next friday" is an order scheduled in advance', async () => {
    const reply = await ask('can I order now for next friday?');
    expect(reply.text).toMatch(/^Hi,\n\nYou can schedule an order up to 7 days in advance/);
  });

  it('"can I set that up today?" asks to do it to what was just said, not to "today"', async () => {
    const reply = await ask('we want pizza at the office next friday, can I set that up today?');
    expect(reply.text).toContain('You can schedule an order up to 7 days in advance');
  });
});
