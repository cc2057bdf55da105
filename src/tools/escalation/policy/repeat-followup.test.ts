import { describe, expect, it } from 'vitest';
import { evaluateEscalation, type ConversationTurn, type EscalationDecision } from './index.js';

const user = (text: string): ConversationTurn => ({ role: 'user', text });
const assistant = (text: string): ConversationTurn => ({ role: 'assistant', text });

/** The decision on `message` after the customer sent `earlier`, each answered. */
function decide(earlier: string[], message: string): EscalationDecision {
  const history = earlier.flatMap((text) => [
    user(text),
    assistant('Express delivery costs £6.95.'),
  ]);
  return evaluateEscalation({ message, history, noKnowledgeStreak: 0, noKnowledgeNow: false });
}

const repeatOf = (decision: EscalationDecision) =>
  decision.reasons.find((reason) => reason.signal === 'repeated_question');

const EXPRESS = Array.from(
  { length: 6 },
  (_, n) => `question ${n + 1}: how much is express shipping`,
);

describe('a follow-up that asks something new', () => {
  it.each(['and overnight?', 'what about sunday?', 'How about overnight?'])(
    '%j after the same question six times is no repeat',
    (message) => {
      const decision = decide(EXPRESS, message);
      expect(repeatOf(decision)).toBeUndefined();
      expect(decision.escalate).toBe(false);
    },
  );

  it.each([
    'and how much is express shipping on sunday?',
    'what about express shipping on a sunday, how much is it?',
  ])('%j, the earlier question and something new, is no repeat', (message) => {
    const asked = ['how much is express shipping', 'How much is express shipping?'];
    expect(repeatOf(decide(asked, message))).toBeUndefined();
  });

  it('is a repeat when it adds nothing new: the earlier question, or itself again', () => {
    const asked = ['how much is express shipping', 'How much is express shipping?'];
    expect(repeatOf(decide(asked, 'and how much is express shipping?'))?.detail).toContain(
      'asked 3 times',
    );
    expect(repeatOf(decide(['and overnight?', 'and overnight??'], 'and overnight?'))).toBeDefined();
  });
});

describe('the same question asked three times in other words', () => {
  it.each([
    ['where is my refund', "where's my refund??", "I still don't have my refund"],
    ["I still don't have my refund", 'where is my refund', "where's my refund??"],
    ["where's my refund??", "I still don't have my refund", 'where is my refund'],
  ])('%j, %j, then %j opens a ticket', (first, second, third) => {
    const decision = decide([first, second], third);
    expect(repeatOf(decision)?.detail).toContain('asked 3 times or more');
    expect(decision.escalate).toBe(true);
  });

  it('still leaves a one-word remark said again alone', () => {
    expect(repeatOf(decide(['great', 'great'], 'great'))).toBeUndefined();
  });
});
