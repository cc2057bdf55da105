import { describe, expect, it } from 'vitest';
import {
  acceptsOffer,
  announcedSubject,
  offersPerson,
  readShortReply,
  type ShortReply,
} from './short-replies.js';

const OFFER =
  "I couldn't find this in our help center. Would you like me to connect you with a member of our support team?";

describe('readShortReply', () => {
  const cases: Array<[string, ShortReply]> = [
    ['Hi', 'greeting'],
    ['hello there!', 'greeting'],
    ['Good morning 😊', 'greeting'],
    ['hey team, how are you?', 'greeting'],
    ['is anyone there??', 'greeting'],
    ['thanks', 'thanks'],
    ['Thank you so much!!', 'thanks'],
    ['ok thanks', 'thanks'],
    ['thx, that helped', 'thanks'],
    ['Much appreciated.', 'thanks'],
    ['thanks, that worked', 'thanks'],
    ['That did the trick, cheers!', 'thanks'],
    ['I love your shop, thank you so much!', 'thanks'],
    ["you're the best", 'thanks'],
    ['bye', 'farewell'],
    ['ok, thanks, bye!', 'farewell'],
    ["That's all, have a nice day", 'farewell'],
    ['ok', 'acknowledgement'],
    ['Got it.', 'acknowledgement'],
    ['sounds good', 'acknowledgement'],
    ['yes', 'yes'],
    ['Yes please', 'yes'],
    ['sure, go ahead', 'yes'],
    ['yes thanks', 'yes'],
    ['yep, that would be great', 'yes'],
    ['no', 'no'],
    ['No thank you', 'no'],
    ["nope, I'm good", 'no'],
    ['Hi there, I have a question', 'help'],
    ['Hi there, I have a question about my order', 'help'],
    ['quick question regarding a refund?', 'help'],
    ['can you help me?', 'help'],
    ['I need some help please', 'help'],
    ['What can you do?', 'capabilities'],
    ['hi, are you a bot?', 'capabilities'],
    ["that's stupid", 'complaint'],
    ['this is useless!', 'complaint'],
    ['ugh', 'complaint'],
    ["no, that's ridiculous", 'complaint'],
  ];
  it.each(cases)('reads %j as %s', (message, kind) => {
    expect(readShortReply(message)).toBe(kind);
  });

  it.each([
    'Hi, where is my order?',
    'thanks but it did not work',
    'No, my parcel never arrived',
    'ok so how do I return it',
    'I need help with my refund',
    'I have a question about why my refund is so late',
    'question about my order: where is it?',
    'yesterday',
    'thank you for nothing',
    "that didn't work",
    // The step given did not work: what comes next is asked.
    'no luck',
    'still broken',
    'this is useless, where is my refund?',
    'it worked yesterday but not today',
    'I love your shop but where is my order?',
    'Hello, my name is Jane',
    'goodbye forever, I am cancelling my account',
    '',
    '   ',
    '!!!',
    'hi '.repeat(50),
  ])('is undefined for %j, which says more (or nothing)', (message) => {
    expect(readShortReply(message)).toBeUndefined();
  });
});

describe('announcedSubject', () => {
  it.each([
    ['I have a question about my order', 'my order'],
    ['Hi there, I have a question regarding a refund.', 'a refund'],
    ['quick question about Plus membership', 'Plus membership'],
    ['I have a question', undefined],
    // A question asked, not announced.
    ['I have a question about why my refund is so late', undefined],
    ['question about my order: where is it?', undefined],
  ])('%j: %j', (message, subject) => {
    expect(announcedSubject(message)).toBe(subject);
  });
});

describe('introductions', () => {
  it('reads a message of only details the customer gave, with the words around them', () => {
    expect(readShortReply("I'm Jane", ['Jane'])).toBe('introduction');
    expect(readShortReply('Hello, my name is Jane Doe', ['Jane Doe'])).toBe('greeting');
    expect(readShortReply('my order number is 44170.', ['44170'])).toBe('introduction');
    expect(
      readShortReply('This is Jane, my e-mail is jane@example.com', ['Jane', 'jane@example.com']),
    ).toBe('introduction');
    expect(readShortReply("I'm Jane, thanks!", ['Jane'])).toBe('thanks');
  });

  it('reads the ways of saying how to reach the customer as giving details', () => {
    const phone = ['07700 900123'];
    expect(readShortReply('you can reach me on 07700 900123', phone)).toBe('introduction');
    expect(readShortReply('call me on 07700 900123', phone)).toBe('introduction');
    expect(readShortReply('Please ring me on 07700 900123', phone)).toBe('introduction');
    expect(readShortReply('best number is 07700 900123', phone)).toBe('introduction');
    expect(
      readShortReply('text me on 07700 900123 or email me at jane@example.org', [
        ...phone,
        'jane@example.org',
      ]),
    ).toBe('introduction');
    expect(readShortReply('yes please, my number is 07700 900123', phone)).toBe('yes');
    // A question beside them is still a question.
    expect(
      readShortReply('you can reach me on 07700 900123, is my refund on its way?', phone),
    ).toBeUndefined();
    expect(readShortReply('call me on 07700 900123 about the broken boiler', phone)).toBe(
      undefined,
    );
  });

  it('is undefined when the message says more than the details, or has none of them', () => {
    expect(readShortReply('my order 44170 is late', ['44170'])).toBeUndefined();
    expect(readShortReply("I'm Jane, how do I reset my password?", ['Jane'])).toBeUndefined();
    // Without the details found in it, the same words are not an introduction.
    expect(readShortReply('my order number is 44170')).toBeUndefined();
    expect(readShortReply('my order number is', ['44170'])).toBeUndefined();
  });
});

describe('corrections', () => {
  it('reads details that correct ones given before, with the words that say so', () => {
    const email = ['jane@example.org'];
    expect(readShortReply('sorry, my email is actually jane@example.org', email)).toBe(
      'correction',
    );
    expect(readShortReply('oops, typo: it should be jane@example.org', email)).toBe('correction');
    expect(readShortReply('I meant jane@example.org', email)).toBe('correction');
    expect(readShortReply('my new e-mail is jane@example.org', email)).toBe('correction');
  });

  it('is undefined when the message says more, or gives no details', () => {
    expect(
      readShortReply('sorry, my email jane@example.org is not working', ['jane@example.org']),
    ).toBeUndefined();
    expect(readShortReply('sorry, actually')).toBeUndefined();
  });
});

describe('offers of a person', () => {
  it("knows the agent's offer, and a language model's in other words", () => {
    expect(offersPerson(OFFER)).toBe(true);
    expect(offersPerson('Shall I transfer you to a human agent?')).toBe(true);
    expect(offersPerson('Would you like to speak to one of our specialists?')).toBe(true);
    expect(offersPerson('Refunds take 5 business days [1].')).toBe(false);
    expect(offersPerson('A member of our support team will follow up (ticket T-1).')).toBe(false);
  });

  it('takes a yes or an ok after an offer as accepting it, and nothing else', () => {
    expect(acceptsOffer('yes please', OFFER)).toBe(true);
    expect(acceptsOffer('OK', OFFER)).toBe(true);
    expect(acceptsOffer('sure, go ahead', OFFER)).toBe(true);
    expect(acceptsOffer('no thanks', OFFER)).toBe(false);
    expect(acceptsOffer('thanks', OFFER)).toBe(false);
    expect(acceptsOffer('yes, but where is my refund?', OFFER)).toBe(false);
    expect(acceptsOffer('yes please', 'Refunds take 5 business days [1].')).toBe(false);
    expect(acceptsOffer('yes please', undefined)).toBe(false);
  });
});
