import { describe, expect, it } from 'vitest';
import { signalsOf } from '../../../../test/helpers/signals-of.js';
import { tokenize } from './tokenize.js';

describe('tokenize', () => {
  it('keeps apostrophes inside words and folds typographic ones', () => {
    expect(tokenize('I don’t know, it\'s "fine"').map((token) => token.word)).toEqual([
      'i',
      "don't",
      'know',
      "it's",
      'fine',
    ]);
  });

  it('splits hyphenated words and counts clauses and sentences', () => {
    const tokens = tokenize('A rip-off, really. Yes');
    expect(tokens.map((token) => token.word)).toEqual(['a', 'rip', 'off', 'really', 'yes']);
    expect(tokens.map((token) => token.clause)).toEqual([0, 0, 0, 1, 2]);
    expect(tokens.map((token) => token.sentence)).toEqual([0, 0, 0, 0, 1]);
  });

  it('marks shouted words and keeps offsets into the original text', () => {
    const text = 'Fix it NOW İstanbul';
    const tokens = tokenize(text);
    expect(tokens.map((token) => token.shouted)).toEqual([false, false, true, false]);
    expect(tokens.map((token) => text.slice(token.start, token.end))).toEqual([
      'Fix',
      'it',
      'NOW',
      'İstanbul',
    ]);
  });
});

describe('whole-word matching', () => {
  it('never finds "now" inside "know" or "snow", nor in a plain "now"', () => {
    expect(signalsOf('I know how to reset it')).toEqual([]);
    expect(signalsOf('We were snowed in, snow everywhere')).toEqual([]);
    expect(signalsOf('I know how it works now')).toEqual([]);
    expect(signalsOf('Fix it right now')).toContain('urgency');
    expect(signalsOf('Fix it NOW')).toContain('urgency');
  });

  it('never finds "sue" inside "pursue" or "sueded", nor Sue the colleague', () => {
    expect(signalsOf('I want to pursue the premium plan')).toEqual([]);
    expect(signalsOf('Do you sell sueded shoes?')).toEqual([]);
    expect(signalsOf('Can I talk to Sue from billing about my invoice?')).toEqual([]);
    expect(signalsOf("I'm going to sue you")).toContain('legal');
  });

  it('never finds "agent" inside "agenda", nor in "the agent field"', () => {
    expect(signalsOf("What's on the agenda?")).toEqual([]);
    expect(signalsOf('How do I fill in the agent field?')).toEqual([]);
    expect(signalsOf('Talk to an agent')).toContain('explicit_request');
  });

  it('never finds "court" inside "courtesy", nor a tennis court', () => {
    expect(signalsOf('Thanks for your courtesy')).toEqual([]);
    expect(signalsOf('Can I book time in court 3?')).toEqual([]);
    expect(signalsOf('See you in court')).toContain('legal');
  });

  it('finds a bank one turns to with a charge, not a card or an account money goes to', () => {
    expect(signalsOf('and to my card?')).toEqual([]);
    expect(signalsOf('Can the refund go to my card instead?')).toEqual([]);
    expect(signalsOf('Can I get a refund to my bank account?')).toEqual([]);
    expect(signalsOf("I'm going to my bank")).toContain('legal');
    expect(signalsOf('I will report this to my bank')).toContain('legal');
    expect(signalsOf("I'll call my credit card company")).toContain('legal');
  });

  it('finds no bank turned to where money goes to the bank: a refund goes, a customer turns', () => {
    expect(signalsOf('Will my refund go to my bank?')).toEqual([]);
    expect(signalsOf('Does the money go straight to my bank?')).toEqual([]);
    expect(signalsOf('will it go to my bank account?')).toEqual([]);
    expect(signalsOf('Is the refund going to my bank or to my card?')).toEqual([]);
    expect(signalsOf('If this is not sorted I will go to my bank')).toContain('legal');
    expect(signalsOf('This is going straight to my bank')).toContain('legal');
    expect(signalsOf("I'll take it to my bank")).toContain('legal');
  });

  it('does not match a phrase across punctuation', () => {
    expect(signalsOf('It felt real, person to person')).toEqual([]);
    expect(signalsOf('I want a real person')).toContain('explicit_request');
  });

  it('skips negated requests but not complaints of being unable to reach a person', () => {
    expect(signalsOf("I don't need a human, just tell me the price")).toEqual([]);
    expect(signalsOf("I'm not asking for a human")).toEqual([]);
    expect(signalsOf('No need to escalate, I found it')).toEqual([]);
    expect(signalsOf("I can't reach anyone on your phone line")).toContain('explicit_request');
    expect(signalsOf("Why can't I talk to a person?")).toContain('explicit_request');
  });

  it('treats questions about what the assistant is as curiosity', () => {
    expect(signalsOf('Are you a real person?')).toEqual([]);
    expect(signalsOf('Am I talking to a human?')).toEqual([]);
    expect(signalsOf('Are you a bot? I want to talk to a real person.')).toContain(
      'explicit_request',
    );
  });

  it('skips urgency that is negated', () => {
    expect(signalsOf("It's not urgent")).toEqual([]);
    expect(signalsOf('This is not an emergency')).toEqual([]);
  });
});
