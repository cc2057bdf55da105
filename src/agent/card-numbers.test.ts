import { describe, expect, it } from 'vitest';
import { hideCardNumbers, luhnValid } from './card-numbers.js';

describe('card numbers in what a customer writes', () => {
  it('hides a card number written together, in groups of four or as Amex writes it, keeping the last four digits', () => {
    expect(hideCardNumbers('my card 4242 4242 4242 4242 was charged twice')).toEqual({
      text: 'my card [card number hidden, ending 4242] was charged twice',
      hidden: 1,
    });
    expect(hideCardNumbers('5105-1051-0510-5100 and 3782 822463 10005.').text).toBe(
      '[card number hidden, ending 5100] and [card number hidden, ending 0005].',
    );
    expect(hideCardNumbers('card:4000056655665556').hidden).toBe(1);
  });

  it('leaves numbers that are not card numbers: failing Luhn, too short or long, inside a word, amounts, phones, tracking numbers', () => {
    for (const text of [
      'order 4242424242424241',
      'order 1234567890123',
      'account 424242424242',
      'id 42424242424242424242',
      'abc4242424242424242',
      'a total of 4242424242424242.50',
      'call +44 20 7946 0958',
      'tracking 1Z999AA10123456784',
      'reference 9400111899223197428490',
    ]) {
      expect(hideCardNumbers(text), text).toEqual({ text, hidden: 0 });
    }
  });

  it('checks digits as the Luhn algorithm does', () => {
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
    expect(luhnValid('4111111111111111')).toBe(true);
  });
});
