import { describe, expect, it } from 'vitest';
import { tokenize } from './tokenize.js';
import { detectUnauthorisedCharge } from './unauthorised-charge.js';

function disputes(text: string): boolean {
  return detectUnauthorisedCharge(text, tokenize(text)) !== undefined;
}

describe('a charge the customer never agreed to', () => {
  it.each([
    'My card was charged for an order I never placed.',
    'there is a direct debit for £240 i never authorised',
    'I never authorised this payment',
    "i didn't approve these charges, who took them?",
    'we did not agree to the monthly debit you set up',
    'There is a payment of £89.99 to you on my statement that I never agreed to.',
    'i didnt authorise this transaction, who took £240 out of my account??',
    'I did not make these purchases, three payments to a casino',
    'there are 4 contactless payments i didnt make',
    'someone has taken money from my account without my permission',
    'you took £45 from my card for an upgrade i never asked for',
    'these are not my transactions, i dont recognise any of them',
  ])('is disputed whichever comes first, the charge or the refusal: %s', (text) => {
    expect(disputes(text)).toBe(true);
  });

  it.each([
    "I haven't ordered yet so can I pay by debit card?",
    "I didn't sign up yet, is there a charge for the trial?",
    'can I pay the bill by debit card?',
    'I authorised the payment, when will it go through?',
    "I haven't made the payment yet, can I pay by card?",
    'i did not make a purchase yet but will i be charged for the trial?',
  ])('is not read into a question about paying: %s', (text) => {
    expect(disputes(text)).toBe(false);
  });
});
