import { describe, expect, it } from 'vitest';
import { detectExplicitRequest } from './explicit-request.js';
import { tokenize } from './tokenize.js';

function asksForPerson(text: string): boolean {
  return detectExplicitRequest(text, tokenize(text)) !== undefined;
}

describe('asking to be called', () => {
  it.each([
    'can a staff member at the gym call me about cancelling',
    'please ring me regarding the new contract',
    'could someone phone me about the refund',
    'call me back on 07700 900123',
  ])('asks for a person when it says what the call is about: %s', (text) => {
    expect(asksForPerson(text)).toBe(true);
  });

  it.each([
    'Can you call me by my first name?',
    'please call me Sam',
    "don't call me about upgrades, just email",
  ])('asks for no call when it gives a name, a manner, or declines: %s', (text) => {
    expect(asksForPerson(text)).toBe(false);
  });
});
