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
  ])('is disputed whichever comes first, the charge or the refusal: %s', (text) => {
    expect(disputes(text)).toBe(true);
  });

  it.each([
    "I haven't ordered yet so can I pay by debit card?",
    "I didn't sign up yet, is there a charge for the trial?",
    'can I pay the bill by debit card?',
    'I authorised the payment, when will it go through?',
  ])('is not read into a question about paying: %s', (text) => {
    expect(disputes(text)).toBe(false);
  });
});
