import { describe, expect, it } from 'vitest';
import { askedAfterTelling, awaitedThing } from './clauses.js';
import { questionTerms } from './question-terms.js';

type Related = Array<{ to: string; weight: number; from?: string }>;

/** The words of `question` that `read` picks, as the terms of the question name them. */
function picked(
  question: string,
  read: typeof askedAfterTelling,
  related: Related = [],
): string[] | undefined {
  const terms = questionTerms(question, '', related);
  const found = read(question, terms);
  return found && [...found].map((k) => terms[k]?.term ?? '');
}

describe('what a message asks after telling its circumstances', () => {
  it('is the content words of the clause that asks, and those the search added for them', () => {
    expect(
      picked('I received the wrong size, can I swap it', askedAfterTelling, [
        { from: 'swap', to: 'exchange', weight: 0.6 },
      ]),
    ).toEqual(['swap', 'exchange']);
    expect(picked('lost my card again. do I need a new PIN?', askedAfterTelling)).toEqual(['pin']);
  });

  it('ends where a clause of its own begins', () => {
    expect(
      picked(
        'there is a dent on the bumper. should I do something before I drive off?',
        askedAfterTelling,
      ),
    ).toBeUndefined();
  });

  it('is undefined for a message that asks first, or does not ask', () => {
    expect(picked('can I swap it for a bigger size?', askedAfterTelling)).toBeUndefined();
    expect(picked('I received the wrong size', askedAfterTelling)).toBeUndefined();
    expect(picked('my card was stolen and I need a new one', askedAfterTelling)).toBeUndefined();
  });
});

describe('what a message says has not come', () => {
  const related: Related = [
    { from: 'never received', to: 'never', weight: 0.3 },
    { from: 'never received', to: 'received', weight: 0.3 },
    { from: 'never received', to: 'arrive', weight: 0.6 },
    { from: 'never received', to: 'delivery', weight: 0.6 },
  ];

  it('names the thing awaited, and the words that say it has not come', () => {
    const question = 'I never received my refund';
    const terms = questionTerms(question, '', related);
    const awaited = awaitedThing(question, terms);
    const named = (indices: ReadonlySet<number> | undefined) =>
      [...(indices ?? [])].map((k) => terms[k]?.term).sort();
    expect(named(awaited?.thing)).toEqual(['refund']);
    expect(named(awaited?.saying)).toEqual(['arrive', 'delivery', 'never', 'received']);
  });

  it('is read in the clause that says so', () => {
    const thing = (question: string) =>
      picked(question, (q, terms) => awaitedThing(q, terms)?.thing);
    expect(thing('the engineer never turned up and I took the day off work')).toEqual(['engineer']);
    // "yet" says it has not come, with "hasn't arrived": it is no part of what has not.
    expect(thing("my package hasn't arrived yet")).toEqual(['package']);
    // Named by nothing in that clause, or by a word nearly every page has ("my order"), the
    // thing is known only by the words that say it has not come.
    expect(thing("I ordered a blender last week and it still hasn't arrived")).toEqual([]);
    expect(thing("my order hasn't arrived")).toEqual([]);
    expect(thing('how do I get a refund?')).toBeUndefined();
  });

  it('is what the customer says they have been waiting for', () => {
    const thing = (question: string) =>
      picked(question, (q, terms) => awaitedThing(q, terms)?.thing);
    expect(thing("I've been waiting two weeks for my refund")).toEqual(['refund']);
    expect(thing('still waiting on my parcel')).toEqual(['parcel']);
    expect(thing('what am I waiting for?')).toBeUndefined();
  });

  it('is what the customer asks where it is: theirs, which they wait for', () => {
    const thing = (question: string) =>
      picked(question, (q, terms) => awaitedThing(q, terms)?.thing);
    expect(thing('where is my refund?')).toEqual(['refund']);
    expect(thing("where's my parcel")).toEqual(['parcel']);
    // Where a thing of the help center is, not one the customer waits for.
    expect(thing('where is the settings page?')).toBeUndefined();
  });

  it('is read in a negation as the search respells it ("hasnt" as "hasn")', () => {
    const thing = (question: string) =>
      picked(question, (q, terms) => awaitedThing(q, terms)?.thing);
    expect(thing('my card still hasn showed up')).toEqual(['card']);
  });

  it('is not there when nothing but a conversational word says it has not come', () => {
    // "never" and "received" the search weighs down: with nothing named, nothing is read.
    const question = 'I never received it';
    expect(awaitedThing(question, questionTerms(question, '', related.slice(0, 2)))).toBe(
      undefined,
    );
  });
});
