import { describe, expect, it } from 'vitest';
import { LINEAR_GROWTH_LIMIT, tenfoldGrowth } from '../../../test/helpers/growth.js';
import { givenAside } from './index.js';

describe('givenAside', () => {
  it.each([
    ['How long do refunds take? My name is Bob', 'How long do refunds take?', [['name', 'Bob']]],
    [
      'How long do refunds take? My email is bob@example.com',
      'How long do refunds take?',
      [['email', 'bob@example.com']],
    ],
    [
      'my email is bob@example.com and I want a refund',
      'I want a refund',
      [['email', 'bob@example.com']],
    ],
    ["Hi, I'm Jane, where is my refund?", 'Hi, where is my refund?', [['name', 'Jane']]],
    [
      'this is Jane from Acme, do you ship to France?',
      'do you ship to France?',
      [['name', 'Jane']],
    ],
    [
      'call me on 0612345678 about my broken kettle',
      'about my broken kettle',
      [['phone', '0612345678']],
    ],
  ])('takes the details out of %j', (message, question, given) => {
    const aside = givenAside(message);
    expect(aside.question).toBe(question);
    expect(aside.given.map((d) => [d.kind, d.value])).toEqual(given);
  });

  it('leaves order numbers in: the question is often about them', () => {
    expect(givenAside('where is order 88231?')).toEqual({
      question: 'where is order 88231?',
      given: [],
    });
  });

  it('leaves nothing of a message of details alone', () => {
    expect(givenAside('My email is bob@example.com').question).toBe('');
  });

  const SIZE = 200_000;
  it.each([
    ['e-mail addresses', (n: number) => 'my email is a@b.co and '.repeat(n / 23)],
    ['names', (n: number) => 'my name is Bob, '.repeat(n / 16)],
    ['separators', (n: number) => `${', and '.repeat(n / 6)}my name is Bob`],
  ])('takes linear time on %s', (_name, inputOf) => {
    expect(tenfoldGrowth(inputOf, givenAside, SIZE)).toBeLessThan(LINEAR_GROWTH_LIMIT);
  });
});
