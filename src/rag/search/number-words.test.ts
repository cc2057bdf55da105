import { describe, expect, it } from 'vitest';
import { ageForms, numberForms } from './number-words.js';

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

const ages = (question: string) => ageForms(question).map((r) => [r.from, r.term]);

describe('ageForms', () => {
  it('searches the words a page states an age in when the question tells one without them', () => {
    expect(ages('im 20, turning 21 in march. can i sign up now')).toEqual([
      ['21', 'age'],
      ['21', 'old'],
    ]);
    expect(ages("I'm 17 and want to join")).toEqual([
      ['17', 'age'],
      ['17', 'old'],
    ]);
    expect(ages('my son is 15 yo, can he come')).toEqual([
      ['15', 'age'],
      ['15', 'old'],
    ]);
  });

  it('reads "is" and a number after someone named as their age', () => {
    expect(ages('my son is 14 and really wants to start lifting, can he join?')).toEqual([
      ['14', 'age'],
      ['14', 'old'],
    ]);
    expect(ages("she's 15, can she use the pool")).toEqual([
      ['15', 'age'],
      ['15', 'old'],
    ]);
    // "is" after a thing says an amount.
    expect(ages('the fee is 15, can I pay it later')).toEqual([]);
    expect(ages('my son is 14 minutes late')).toEqual([]);
  });

  it('leaves alone a number that counts something else, and a question that says "old" or "age"', () => {
    expect(ages("I'm 5 minutes late")).toEqual([]);
    expect(ages('im 20 dollars short on my bill')).toEqual([]);
    expect(ages('I was charged 20 for a late return')).toEqual([]);
    expect(ages('can I bring my 14 yr old nephew in as a guest')).toEqual([]);
    expect(ages('what is the age limit, I am 19')).toEqual([]);
  });
});
