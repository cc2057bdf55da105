import { describe, expect, it } from 'vitest';
import {
  describeOutcome,
  MAX_SUMMARY_CHARS,
  readOutcome,
  summarizeConversation,
  type TurnOutcome,
} from './summary.js';

const answered = (question: string, source?: string): TurnOutcome => ({
  question,
  answered: true,
  ...(source ? { source } : {}),
});
const missing = (question: string): TurnOutcome => ({ question, answered: false });

describe('summarizeConversation', () => {
  it('says what the customer came for, what was answered and not, who they are and what they want now', () => {
    const summary = summarizeConversation({
      firstMessage: 'Where is my order 4417? It was due on Monday.',
      outcomes: [
        missing('Where is my order 4417? It was due on Monday.'),
        answered('How do I reset my password?', 'Password reset'),
        missing('Do you sell garden gnomes?'),
      ],
      facts: ['Order number: 4417', 'Customer e-mail: jane@example.com'],
      latest: 'Can I get a refund for the order instead?',
    });
    expect(summary).toBe(
      'Main issue: "Where is my order 4417? It was due on Monday." (not found in the help center). ' +
        'Answered: "How do I reset my password?" from "Password reset". ' +
        'Not found in the help center: "Do you sell garden gnomes?". ' +
        'Customer details: Order number: 4417; Customer e-mail: jane@example.com. ' +
        'Latest request: "Can I get a refund for the order instead?".',
    );
  });

  it('has for main issue the message that opened the ticket by a matter of its own', () => {
    const input = {
      firstMessage: 'do you sell gift cards?',
      outcomes: [missing('do you sell gift cards?')],
      facts: [],
      latest: 'my kettle caught fire and burned my hand',
    };
    expect(summarizeConversation({ ...input, latestRaised: true })).toBe(
      'Main issue: "my kettle caught fire and burned my hand". ' +
        'Not found in the help center: "do you sell gift cards?".',
    );
    // A wish for a person is no issue of its own: the first question stays the main one.
    expect(summarizeConversation({ ...input, latest: 'can I talk to someone?' })).toBe(
      'Main issue: "do you sell gift cards?" (not found in the help center). ' +
        'Latest request: "can I talk to someone?".',
    );
  });

  it('has for main issue what the customer is angry about, not the message that vents it', () => {
    const summary = summarizeConversation({
      firstMessage: "My order still hasn't arrived after 3 weeks",
      outcomes: [missing("My order still hasn't arrived after 3 weeks")],
      facts: [],
      latest: 'This is ridiculous, worst service ever, I am furious',
      // The anger opened the ticket, as a complaint.
      latestRaised: true,
    });
    expect(summary).toBe(
      'Main issue: "My order still hasn\'t arrived after 3 weeks" (not found in the help center). ' +
        'Latest request: "This is ridiculous, worst service ever, I am furious".',
    );
    // Venting first, then saying what about: the later message is the issue.
    expect(
      summarizeConversation({
        firstMessage: 'worst customer service I have ever had',
        outcomes: [answered('How do I return my tent?', 'Returns')],
        facts: [],
        latest: 'can I talk to someone?',
      }),
    ).toMatch(/^Main issue: "How do I return my tent\?" \(answered from "Returns"\)\./);
    // Venting alone is still what the customer said.
    expect(
      summarizeConversation({
        firstMessage: 'This is ridiculous, I am furious',
        outcomes: [],
        facts: [],
        latest: 'This is ridiculous, I am furious',
        latestRaised: true,
      }),
    ).toBe('Main issue: "This is ridiculous, I am furious".');
  });

  it('never has for main issue a message that only asks for a person', () => {
    // The ticket opened on the first message: there is no issue yet, only the request.
    expect(
      summarizeConversation({
        firstMessage: 'I need to speak to a human agent now',
        outcomes: [],
        facts: [],
        latest: 'I need to speak to a human agent now',
      }),
    ).toBe('Latest request: "I need to speak to a human agent now".');
    // Once the customer says what it is about, that is the main issue.
    expect(
      summarizeConversation({
        firstMessage: 'Agent please',
        outcomes: [missing('Do you rent kayaks?')],
        facts: [],
        latest: 'hello? anyone?',
      }),
    ).toMatch(/^Main issue: "Do you rent kayaks\?" \(not found in the help center\)\./);
    // A request for a person that says what about is an issue.
    expect(
      summarizeConversation({
        firstMessage: 'let me speak to a manager about my broken tent',
        outcomes: [],
        facts: [],
      }),
    ).toBe('Main issue: "let me speak to a manager about my broken tent".');
  });

  it('on the first turn is the question itself', () => {
    expect(
      summarizeConversation({
        firstMessage: 'How long do refunds take?',
        outcomes: [],
        facts: [],
        latest: 'How long do refunds take?',
      }),
    ).toBe('Main issue: "How long do refunds take?".');
    expect(summarizeConversation({ outcomes: [], facts: [] })).toBe('');
  });

  it('takes a question as the main issue, not an introduction that only gives details', () => {
    expect(
      summarizeConversation({
        firstMessage: "Hi, I'm Jane, my email is jane@example.com",
        outcomes: [{ question: 'Where is my order 4417?', answered: false }],
        facts: ['E-mail address: jane@example.com'],
        latest: 'Can I talk to someone?',
      }),
    ).toMatch(/^Main issue: "Where is my order 4417\?" \(not found in the help center\)\./);
  });

  it('takes the first message that says what it is about as the main issue, not a greeting', () => {
    const summary = summarizeConversation({
      firstMessage: 'Hi!',
      outcomes: [missing('Hi!'), answered('My parcel arrived damaged', 'Damaged items')],
      facts: [],
      latest: 'Thanks',
    });
    expect(summary).toBe(
      'Main issue: "My parcel arrived damaged" (answered from "Damaged items"). ' +
        'Not found in the help center: "Hi!". Latest request: "Thanks".',
    );
  });

  it('keeps the latest outcome of a question asked again', () => {
    const summary = summarizeConversation({
      firstMessage: 'Where is my refund?',
      outcomes: [missing('Can I pay by invoice?'), answered('can I pay by invoice?', 'Payment')],
      facts: [],
    });
    expect(summary).toContain('Answered: "can I pay by invoice?" from "Payment".');
    expect(summary).not.toContain('Not found');
  });

  it('stays short however long the conversation and its messages', () => {
    const outcomes = Array.from({ length: 60 }, (_, i) =>
      i % 2 === 0
        ? answered(`Question ${i} ${'about shipping rates '.repeat(30)}`, `Page ${i}`)
        : missing(`Question ${i} about something else entirely`),
    );
    const facts = Array.from({ length: 20 }, (_, i) => `Order number: ${1000 + i}`);
    const summary = summarizeConversation({
      firstMessage: `My order is late ${'and nobody answers '.repeat(50)}`,
      outcomes,
      facts,
      latest: 'x '.repeat(2_000),
    });
    expect(summary.length).toBeLessThanOrEqual(MAX_SUMMARY_CHARS);
    expect(summary).toMatch(/^Main issue: "My order is late and nobody answers .*…"\./);
    // The newest questions and details, with a count of the rest.
    expect(summary).toContain('"Question 58 about shipping rates');
    expect(summary).toContain('(and 27 earlier)');
    expect(summary).toContain('Order number: 1019');
    expect(summary).toContain('(and 12 more)');
  });

  it('names the files the customer attached apart from what they told us', () => {
    const files = [
      'invoice.pdf',
      'receipt.txt',
      'invoice.pdf',
      ...['a', 'b', 'c', 'd'].map((n) => `${n}.txt`),
    ];
    const summary = summarizeConversation({
      firstMessage: 'What is the late fee on my invoice?',
      outcomes: [],
      facts: ['Order number: 4417'],
      files,
      latest: 'I want to talk to a person',
    });
    expect(summary).toBe(
      'Main issue: "What is the late fee on my invoice?". Customer details: Order number: 4417. ' +
        'Attached files: receipt.txt, a.txt, b.txt, c.txt, d.txt (and 1 more). ' +
        'Latest request: "I want to talk to a person".',
    );
    expect(summarizeConversation({ outcomes: [], facts: [], files, filesCut: true })).toContain(
      '(and at least 1 more).',
    );
  });

  it('puts every message on one line', () => {
    const summary = summarizeConversation({
      firstMessage: 'Line one\nLine two\u0000\ttabbed',
      outcomes: [],
      facts: [],
    });
    expect(summary).toBe('Main issue: "Line one Line two tabbed".');
  });
});

describe('turn outcomes in memory', () => {
  it('are written as readable lines and read back', () => {
    const lines = [
      answered('How do I reset my password?', 'Password "reset"'),
      answered('What is my e-mail?'),
      missing('Do you sell\ngnomes?'),
      { question: 'Where is my refund?', answered: false, searchFailed: true },
    ].map(describeOutcome);
    expect(lines).toEqual([
      `Answered: How do I reset my password? (from "Password 'reset'")`,
      'Answered: What is my e-mail?',
      'Not found: Do you sell gnomes?',
      'Not searched: Where is my refund?',
    ]);
    expect(lines.map(readOutcome)).toEqual([
      { question: 'How do I reset my password?', answered: true, source: "Password 'reset'" },
      { question: 'What is my e-mail?', answered: true },
      { question: 'Do you sell gnomes?', answered: false },
      { question: 'Where is my refund?', answered: false, searchFailed: true },
    ]);
    expect(readOutcome('User: hello')).toBeUndefined();
  });
});
