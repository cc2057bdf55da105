import { describe, expect, it } from 'vitest';
import {
  asksHowTo,
  asksItself,
  asksPhoneNumber,
  asksPrice,
  asksQuantity,
  asksSchedule,
  asksTime,
  questionTerms,
  reportsTrouble,
} from './question-terms.js';

describe('what a message asks for', () => {
  it.each([
    "my tracking number doesn't show anything",
    'the code didnt arrive',
    'the reset e-mail never came',
    'my card is broken',
    'I cant log in',
    'there is an error on checkout',
    'my card got declined',
    'internet has been down since this morning',
    'its been 2 days and still no internet',
    'the signal is terrible upstairs',
    // As the search respells "hasnt": the part of "hasn't" it indexes.
    'my card still hasn showed up',
  ])('"%s" tells of a problem', (message) => {
    expect(reportsTrouble(message)).toBe(true);
  });

  it.each([
    'How do I change my payment method?',
    'I want to update my account',
    'When is the next event?',
    'What does the current plan cost?',
  ])('"%s" does not', (message) => {
    expect(reportsTrouble(message)).toBe(false);
  });

  it.each([
    'How do I delete my account?',
    'how can we add a member',
    'where can I download my invoice',
    'I want to change my email',
    'delete my account pls',
  ])('"%s" asks how to do something', (message) => {
    expect(asksHowTo(message)).toBe(true);
  });

  it.each(['What happens to my bookings when I cancel?', 'Is shipping free?', 'why was I charged'])(
    '"%s" does not',
    (message) => {
      expect(asksHowTo(message)).toBe(false);
    },
  );
});

describe('the words of a question', () => {
  const related = [{ to: 'damaged', weight: 0.6, from: 'broken' }];
  const damaged = (question: string, context: string) =>
    questionTerms(question, context, related).find((t) => t.term === 'damaged');

  it('a related word of the message is its own', () => {
    expect(damaged('it came broken, what now?', 'do you ship to Canada?')).toMatchObject({
      fromContext: false,
      weight: 0.6,
      standsFor: ['broken'],
    });
  });

  it('a related word found only for the earlier question is of that question, weighed down', () => {
    expect(damaged('and how long does that take?', 'my mug arrived broken')).toMatchObject({
      fromContext: true,
      weight: 0.3,
    });
  });
});

describe('a word that only talks', () => {
  const weak = (question: string) =>
    questionTerms(question)
      .filter((t) => t.weak)
      .map((t) => t.term);

  it.each([
    ['trying to put money on a betting site and it keeps getting rejected', ['getting']],
    ['whats the interest rate', ['whats']],
    ['im on the core plan, can i swap now', ['im', 'now']],
    ['i think my mate said it was pretty cheap', ['think', 'said', 'pretty']],
  ])('is weak in %j: it finds no sentence by itself', (question, words) => {
    expect(weak(question)).toEqual(expect.arrayContaining(words));
  });

  it('is weak as the count of a span of time the customer tells, not as a price or a name', () => {
    // "10" of "10 days after" found "5 to 10 working days", said of something else.
    expect(weak('changed my mind 10 days after it started, can I still cancel?')).toContain('10');
    expect(weak('a quick 5-minute call')).toContain('5');
    expect(weak('what do i get for the 39 dollar plan')).not.toContain('39');
    expect(weak("where's my 1099")).not.toContain('1099');
  });

  it('is weak as the count told written another way, which the search added for it', () => {
    const terms = (question: string, to: string, from: string) =>
      questionTerms(question, '', [{ to, weight: 0.6, from }]).find((t) => t.term === to);
    // "3" for "three" of "three weeks ago" would find a 3 said of something else ("within 3
    // working days").
    expect(terms('I signed up three weeks ago, can I still cancel?', '3', 'three')).toMatchObject({
      weak: true,
    });
    expect(terms('I ordered 10 days ago and nothing came', 'ten', '10')).toMatchObject({
      weak: true,
    });
    // A number that is what is asked about is another word for it, as strong.
    expect(terms('my meter has 2 lines of numbers', 'two', '2')).toMatchObject({ weak: false });
  });

  it('is weak as an order number with letters, each of its words', () => {
    expect(weak('where is my order BL-77812???')).toEqual(expect.arrayContaining(['bl', '77812']));
  });
});

describe('a question that asks for a price', () => {
  it.each([
    ['how much is a replacement card?', true],
    ['is there a sign up fee', true],
    ['do I have to pay for return shipping?', true],
    ['how much notice do you need?', false],
    ['how much data do I get?', false],
    ['how long does delivery take?', false],
  ])('%j: %s', (question, expected) => {
    expect(asksPrice(question)).toBe(expected);
  });

  // Asked who pays, the answer names who ("The carrier collects them"): the fee is what is paid.
  it.each([
    ['who pays the customs fees?', false],
    ['and who covers the return shipping cost', false],
    ['who do I pay and how much?', true],
  ])('%j, asking who: %s', (question, expected) => {
    expect(asksPrice(question)).toBe(expected);
    expect(asksQuantity(question)).toBe(expected);
  });
});

describe('a verb of price', () => {
  const terms = (question: string) =>
    Object.fromEntries(questionTerms(question).map((t) => [t.term, t.asks === true]));

  it('says what is asked beside what the question is about', () => {
    expect(terms('Do you charge VAT?')).toEqual({ charge: true, vat: false });
    expect(terms('do I have to pay import tax?')).toMatchObject({ pay: true, import: false });
    expect(terms('will I be charged for a late return?')).toMatchObject({ charged: true });
  });

  it('is what it is about when it is a noun of price, or all the question says', () => {
    expect(terms('is there a sign up fee')).toMatchObject({ fee: false });
    expect(terms('what is this charge on my card?')).toMatchObject({ charge: false });
    expect(terms('why did you charge me?')).toEqual({ charge: false });
  });
});

describe("a question that asks for the help center's phone number", () => {
  it.each([
    ["what's your phone number?", true],
    ['what is the customer service number', true],
    ['is there a helpline', true],
    ['how can I call you?', true],
    ['what number do I call to report a fault?', true],
    ['my phone number has changed', false],
    ['how do I change the phone number on my account?', false],
    ['what is my account number', false],
    // Asked when, the answer is the hours someone answers.
    ['when can I call you?', false],
    ['what time can I phone you?', false],
  ])('%j: %s', (question, expected) => {
    expect(asksPhoneNumber(question)).toBe(expected);
  });
});

describe('a word that makes a question word of "how"', () => {
  const weakness = (question: string) =>
    Object.fromEntries(questionTerms(question).map((t) => [t.term, t.weak]));

  it('names nothing: "how late", "how far"', () => {
    expect(weakness('how late can someone cancel on me?')).toEqual({ late: true, cancel: false });
    expect(weakness('how far ahead can i book spin')).toMatchObject({ far: true, spin: false });
  });

  it('names nothing: "what time"', () => {
    expect(weakness('what time do you close on saturday')).toEqual({
      time: true,
      close: false,
      saturday: false,
    });
  });

  it('names something where the message also says it elsewhere, or without "how"', () => {
    expect(weakness('heard you get paid early with pennyfold, how early?')).toMatchObject({
      early: false,
    });
    expect(weakness('my delivery is late')).toMatchObject({ late: false });
  });
});

describe('"I want to …"', () => {
  const termsOf = (question: string) => questionTerms(question).map((t) => t.term);

  it('says what the customer wants done: "want" is no word to look for', () => {
    expect(termsOf('I want to return a pair of shoes')).toEqual(['return', 'pair', 'shoes']);
    expect(termsOf('we just wanna cancel')).toEqual(['cancel']);
  });

  it('is looked for where the message says it otherwise, or again', () => {
    expect(termsOf("I don't want to pay the higher price")).toContain('want');
    expect(termsOf('I want to know what you want from me')).toContain('want');
  });
});

describe('a follow-up that asks in words of its own', () => {
  it.each(['and do I get the shipping back?', "what if it's late?", 'what else do you sell?'])(
    '"%s" asks itself',
    (message) => {
      expect(asksItself(message)).toBe(true);
    },
  );

  it.each(['and to Canada?', 'what about express?', 'same for gift cards', 'How about the UK'])(
    '"%s" only names what to ask about',
    (message) => {
      expect(asksItself(message)).toBe(false);
    },
  );
});

describe('a question that asks for a time', () => {
  it.each([
    'when will I get my money back?',
    "When's the next delivery",
    'When does the money come out each month?',
    'my refund arrives when?',
    'how long does shipping take',
    'how much notice do you need before I move',
    'how many days do I have to return it?',
  ])('"%s" asks when', (message) => {
    expect(asksTime(message)).toBe(true);
    expect(asksQuantity(message)).toBe(true);
  });

  it.each([
    'can I take my internet with me when I move',
    'When I cancel, do I keep my bookings?',
    'what happens to my plan when my card expires',
  ])('"%s" does not: "when" starts a clause', (message) => {
    expect(asksTime(message)).toBe(false);
    expect(asksQuantity(message)).toBe(false);
  });

  it.each([
    "Moving to a village you don't cover. Am I stuck paying until my contract ends?",
    'can I switch it off for now until I go back and check?',
  ])('"%s" does not: "until" ends a span it tells of', (message) => {
    expect(asksTime(message)).toBe(false);
  });

  it('"until when …?" does', () => {
    expect(asksTime('until when can I cancel?')).toBe(true);
    expect(asksTime('how long until my refund comes through?')).toBe(true);
  });
});

describe('a question that asks when something is open', () => {
  it.each([
    'what are your opening hours',
    'What are your business hours?',
    'when is customer service open?',
    'what time do you close on saturday',
    'are you open on Sundays?',
    'hours of operation?',
    // When the customer can reach someone is when they are there.
    'when can I call you?',
    'what time can we speak to someone?',
  ])('"%s" asks for a timetable', (message) => {
    expect(asksSchedule(message)).toBe(true);
  });

  it.each([
    'how long is the reset link valid?',
    "the app won't open",
    'how do I open an account?',
    'how many hours does delivery take',
    'can I call you to cancel my order?',
  ])('"%s" does not', (message) => {
    expect(asksSchedule(message)).toBe(false);
  });
});

describe('a question that asks for a number', () => {
  it.each([
    'can I use two promo codes?',
    'can I link multiple calendars',
    'is there a limit on transfers?',
    'how much is express shipping',
    // A rate is a number: "4.10% APY".
    'whats the interest rate on savings',
    "what's the exchange rate for euros?",
  ])('"%s" asks for a quantity', (message) => {
    expect(asksQuantity(message)).toBe(true);
  });

  it.each(['can I use a promo code?', 'where do I enter my code'])('"%s" does not', (message) => {
    expect(asksQuantity(message)).toBe(false);
  });
});
