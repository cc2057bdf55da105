import { describe, expect, it } from 'vitest';
import { evaluateEscalation, type EscalationSignal } from './index.js';
import { tokenize } from './tokenize.js';

function signals(message: string): EscalationSignal[] {
  const decision = evaluateEscalation({
    message,
    history: [],
    noKnowledgeStreak: 0,
    noKnowledgeNow: false,
  });
  return decision.reasons.map((reason) => reason.signal);
}

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
    expect(signals('I know how to reset it')).toEqual([]);
    expect(signals('We were snowed in, snow everywhere')).toEqual([]);
    expect(signals('I know how it works now')).toEqual([]);
    expect(signals('Fix it right now')).toContain('urgency');
    expect(signals('Fix it NOW')).toContain('urgency');
  });

  it('never finds "sue" inside "pursue" or "sueded", nor Sue the colleague', () => {
    expect(signals('I want to pursue the premium plan')).toEqual([]);
    expect(signals('Do you sell sueded shoes?')).toEqual([]);
    expect(signals('Can I talk to Sue from billing about my invoice?')).toEqual([]);
    expect(signals("I'm going to sue you")).toContain('legal');
  });

  it('never finds "agent" inside "agenda", nor in "the agent field"', () => {
    expect(signals("What's on the agenda?")).toEqual([]);
    expect(signals('How do I fill in the agent field?')).toEqual([]);
    expect(signals('Talk to an agent')).toContain('explicit_request');
  });

  it('never finds "court" inside "courtesy", nor a tennis court', () => {
    expect(signals('Thanks for your courtesy')).toEqual([]);
    expect(signals('Can I book time in court 3?')).toEqual([]);
    expect(signals('See you in court')).toContain('legal');
  });

  it('finds a bank one turns to with a charge, not a card or an account money goes to', () => {
    expect(signals('and to my card?')).toEqual([]);
    expect(signals('Can the refund go to my card instead?')).toEqual([]);
    expect(signals('Can I get a refund to my bank account?')).toEqual([]);
    expect(signals("I'm going to my bank")).toContain('legal');
    expect(signals('I will report this to my bank')).toContain('legal');
    expect(signals("I'll call my credit card company")).toContain('legal');
  });

  it('finds no bank turned to where money goes to the bank: a refund goes, a customer turns', () => {
    expect(signals('Will my refund go to my bank?')).toEqual([]);
    expect(signals('Does the money go straight to my bank?')).toEqual([]);
    expect(signals('will it go to my bank account?')).toEqual([]);
    expect(signals('Is the refund going to my bank or to my card?')).toEqual([]);
    expect(signals('If this is not sorted I will go to my bank')).toContain('legal');
    expect(signals('This is going straight to my bank')).toContain('legal');
    expect(signals("I'll take it to my bank")).toContain('legal');
  });

  it('does not match a phrase across punctuation', () => {
    expect(signals('It felt real, person to person')).toEqual([]);
    expect(signals('I want a real person')).toContain('explicit_request');
  });

  it('skips negated requests but not complaints of being unable to reach a person', () => {
    expect(signals("I don't need a human, just tell me the price")).toEqual([]);
    expect(signals("I'm not asking for a human")).toEqual([]);
    expect(signals('No need to escalate, I found it')).toEqual([]);
    expect(signals("I can't reach anyone on your phone line")).toContain('explicit_request');
    expect(signals("Why can't I talk to a person?")).toContain('explicit_request');
  });

  it('treats questions about what the assistant is as curiosity', () => {
    expect(signals('Are you a real person?')).toEqual([]);
    expect(signals('Am I talking to a human?')).toEqual([]);
    expect(signals('Are you a bot? I want to talk to a real person.')).toContain(
      'explicit_request',
    );
  });

  it('skips urgency that is negated', () => {
    expect(signals("It's not urgent")).toEqual([]);
    expect(signals('This is not an emergency')).toEqual([]);
  });
});
