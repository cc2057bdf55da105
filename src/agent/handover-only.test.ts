import { describe, expect, it } from 'vitest';
import { evaluateEscalation } from '../tools/escalation/policy/index.js';
import { handsOverOnly, withoutRequest } from './handover-only.js';

/** Whether `message`, as the escalation policy reads it, asks nothing but the hand-over. */
function only(message: string): boolean {
  const { reasons } = evaluateEscalation({
    message,
    history: [],
    noKnowledgeStreak: 0,
    noKnowledgeNow: false,
  });
  return handsOverOnly(message, reasons);
}

describe('handsOverOnly', () => {
  it.each([
    'this is ridiculous, let me talk to a real person',
    'I will do a chargeback with my bank if you do not refund me',
    'can I talk to a human?',
    'i want to talk to a person please',
    'could you please get me a manager',
  ])('%j asks nothing but the hand-over', (message) => {
    expect(only(message)).toBe(true);
  });

  it.each([
    'this is ridiculous, let me talk to a real person. how do I return an item?',
    'how long does a chargeback take',
    // Written without stops, the request runs into the question.
    'i want a manager how do i get a refund',
    'how do i get a refund i want a manager',
    'I am going to sue you unless you refund me, how long do refunds take?',
    // No request, no threat: a hand-over for other reasons is not this one's to judge.
    'how do I reset my password?',
  ])('%j asks something besides', (message) => {
    expect(only(message)).toBe(false);
  });
});

describe('withoutRequest', () => {
  it('takes the request out of a message that runs it into the question', () => {
    expect(withoutRequest('i want a manager how do i get a refund')).toBe(
      'i how do i get a refund',
    );
  });

  it('keeps a message that asks for a person and nothing else', () => {
    expect(withoutRequest('can I talk to a human?')).toBe('can I talk to a human?');
  });
});
