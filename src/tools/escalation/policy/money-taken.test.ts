import { describe, expect, it } from 'vitest';
import { detectMoneyTakenWrongly } from './money-taken.js';
import { tokenize } from './tokenize.js';

function found(text: string): string | undefined {
  return detectMoneyTakenWrongly(text, tokenize(text))?.detail;
}

describe('money taken after a cancellation', () => {
  it.each([
    'I cancelled my membership in March and you are still taking £35 every month.',
    'cancelled my subscription weeks ago but you charged me again today',
    'I closed my account and got a confirmation email, yet another £42 has gone out.',
    'still being billed after cancelling',
    'my free trial was cancelled before it ended and you still charged me £79.99',
  ])('is read: %s', (text) => {
    expect(found(text)).toMatch(/^money taken after a cancellation/);
  });

  it.each([
    'How do I cancel my subscription so I am not charged next month?',
    'if I cancelled today would I still be charged for this month?',
    'I cancelled last week and I was not charged again, thanks',
    'will i still be charged if i pause my membership',
  ])('is not read into a question or a charge that did not happen: %s', (text) => {
    expect(found(text)).toBeUndefined();
  });
});

describe('more taken than due, with a consequence', () => {
  it.each([
    'you charged me twice and now ive gone overdrawn',
    'The direct debit came out twice this month so my mortgage payment bounced.',
    'double charged for my phone bill and now i cant afford to pay my gas',
    'i got billed 3 times for one night and i have no money left',
    'my electric bill is normally £80 and this month its £740. i cannot pay that',
  ])('is read: %s', (text) => {
    expect(found(text)).toMatch(/^more taken than due/);
  });

  it.each([
    'I was charged twice but it was refunded already, thanks',
    'i got double charged last week but the second one has disappeared now so all good',
    'my bill is normally paid on the 1st, can I move it?',
    'will I be charged twice if I cannot pay by the due date?',
  ])('is not read without a consequence, or when nothing was taken: %s', (text) => {
    expect(found(text)).toBeUndefined();
  });
});

describe('a refund overdue', () => {
  it.each([
    'I was promised a refund 6 weeks ago and I still have nothing.',
    'the refund you said would take 5 days has now been 3 weeks',
    'still no refund. its been over a month since you agreed to it',
    'you said it would be refunded by the 1st. It is now the 20th and nothing has arrived',
    'my refund is overdue and i really need the money',
    'refund was promised 6 weeks ago. still nothing.',
  ])('is read: %s', (text) => {
    expect(found(text)).toMatch(/^a refund overdue/);
  });

  it.each([
    'how long do refunds take to show on my card?',
    'I returned the shoes yesterday, when should I expect the refund?',
    'can I get a refund on my 12 month contract within 2 weeks?',
    'the refund came through today, thank you',
    'I bought it 3 weeks ago, can I still get a refund?',
    'we moved in over a month ago, do you offer refunds for unused days?',
  ])('is not read into a question about refunds: %s', (text) => {
    expect(found(text)).toBeUndefined();
  });

  it.each([
    "I've been waiting two weeks for my refund",
    'my refund never came',
    'still no refund after 3 weeks, where is it?',
  ])('is not read into a refund late and nothing more (answered, a person offered): %s', (text) => {
    expect(found(text)).toBeUndefined();
  });
});

describe('a stolen card, and a debt collector', () => {
  it.each([
    'my card has been stolen and someone is using it right now',
    'I think my card details have been cloned, there are payments from another country',
    'someone stole my wallet and spent £200 on my card',
  ])('reads a stolen card that is being spent with: %s', (text) => {
    expect(found(text)).toMatch(/^a stolen card in use/);
  });

  it.each(['My card was stolen, how do I block it?', 'my wallet got nicked, can I freeze my card'])(
    'leaves a stolen card alone to be blocked: %s',
    (text) => {
      expect(found(text)).toBeUndefined();
    },
  );

  it.each([
    'I have had a letter from a debt collection agency about a bill I paid',
    'why have you passed me to debt collectors??',
  ])('reads a debt collector: %s', (text) => {
    expect(found(text)).toMatch(/^debt collection/);
  });
});
