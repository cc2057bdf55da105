import { describe, expect, it } from 'vitest';
import { evaluateEscalation } from './evaluate-escalation.js';

const PROMISE =
  'If tracking has not changed for 7 days, contact us and we will send a replacement or refund you [1].';

function decide(message: string, reply: string) {
  return evaluateEscalation({
    message,
    history: [
      { role: 'user', text: "my order 77812 never arrived, tracking hasn't updated in 9 days" },
      { role: 'assistant', text: reply },
    ],
    noKnowledgeStreak: 0,
    noKnowledgeNow: false,
  });
}

describe('asked to do what the reply says staff do once contacted', () => {
  it.each(['can you just send a new one?', 'could you refund me then?', 'please send it again'])(
    '%j is handed to a person',
    (message) => {
      const decision = decide(message, PROMISE);
      expect(decision.escalate).toBe(true);
      expect(decision.category).toBe('human_request');
    },
  );

  it('is not when the reply promises nothing once contacted', () => {
    const decision = decide(
      'can you just send a new one?',
      'As soon as your order ships, we send you an email with a tracking number [1].',
    );
    expect(decision.escalate).toBe(false);
  });

  it('is not when the message asks for another thing', () => {
    expect(decide('can you tell me how tracking works?', PROMISE).escalate).toBe(false);
  });

  it('is not when the message asks nothing of us', () => {
    expect(decide('ok, the replacement will be sent then', PROMISE).escalate).toBe(false);
  });
});
