import { describe, expect, it } from 'vitest';
import { evaluateEscalation } from './index.js';

function decide(message: string) {
  return evaluateEscalation({ message, history: [], noKnowledgeStreak: 0, noKnowledgeNow: false });
}

describe('a vulnerable customer', () => {
  it.each([
    'my dad has dementia and keeps buying things on your website, can you stop it',
    'I rely on oxygen at home and you have sent a letter about cutting off the power',
    'I cannot afford to eat this week because you took the payment twice',
    "can't afford to heat the flat, is there any help with the bill",
    'I can no longer afford food after the price rise',
    'we use a food bank now so please can the payment date move',
    'my husband passed away last month, how do I close his account',
  ])('is handed to the safety team, calm as it may be: %s', (message) => {
    const decision = decide(message);
    expect(decision.escalate).toBe(true);
    expect(decision.category).toBe('safety');
    expect(decision.harmed).toBeUndefined();
    // No one is in danger: the reply is to say nothing of the emergency services.
    expect(decision.vulnerable).toBe(true);
    expect(decision.reasons[0]?.detail).toMatch(/^vulnerable customer: /);
  });

  it.each([
    "honestly i don't see the point anymore",
    'i feel suicidal since the debt letters started',
    "I can't go on like this",
  ])('in crisis is a danger, for the emergency services first: %s', (message) => {
    const decision = decide(message);
    expect(decision.escalate).toBe(true);
    expect(decision.category).toBe('safety');
    expect(decision.vulnerable).toBeUndefined();
    expect(decision.reasons[0]?.detail).toMatch(/^customer in crisis: /);
  });

  it('does not hide a danger reported with it', () => {
    const decision = decide('my mum has dementia and left the gas on, I can smell gas');
    expect(decision.category).toBe('safety');
    expect(decision.vulnerable).toBeUndefined();
  });

  it.each([
    "I'm not on oxygen, the medical form was filled in by mistake",
    'what happens to the account if the holder passed away?',
    'can I afford the premium plan on a student budget?',
    "I don't see the point of the new dashboard, where is the old one?",
    'do you sell oxygen masks or other medical equipment?',
    'can I donate to a food bank through your app?',
    'with the cashback I can afford to eat out more',
    'does the membership include a homeless charity donation?',
    'what time does the gym open on sunday',
  ])('is not read into a message that declines or supposes it: %s', (message) => {
    expect(decide(message).escalate).toBe(false);
  });
});
