import { describe, expect, it } from 'vitest';
import { numberForms } from './number-words.js';

const forms = (question: string) => numberForms(question).map((r) => [r.from, r.term]);

describe('numberForms', () => {
  it('writes a small number of the question the other way', () => {
    expect(forms('my meter has 2 lines of numbers, which one do you want')).toEqual([['2', 'two']]);
    expect(forms('can I add three more users?')).toEqual([['three', '3']]);
    expect(forms('is there a limit of 10 or 12 guests')).toEqual([
      ['10', 'ten'],
      ['12', 'twelve'],
    ]);
  });

  it('leaves alone a span of time told, "one", larger numbers and what the question says both ways', () => {
    expect(forms('can I get a refund after 3 weeks?')).toEqual([]);
    expect(forms('I ordered three days ago')).toEqual([]);
    expect(forms('a quick 5 minute call')).toEqual([]);
    expect(forms('still nothing after 5 working days')).toEqual([]);
    expect(forms('which one is cheaper, 1 or 20?')).toEqual([]);
    expect(forms('two or 2 members')).toEqual([]);
  });
});
