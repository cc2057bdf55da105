import { describe, expect, it } from 'vitest';
import { evaluateEscalation, type ConversationTurn, type EscalationReason } from './index.js';

function repeatReason(message: string, history: ConversationTurn[]): EscalationReason | undefined {
  const decision = evaluateEscalation({
    message,
    history,
    noKnowledgeStreak: 0,
    noKnowledgeNow: false,
  });
  return decision.reasons.find((reason) => reason.signal === 'repeated_question');
}

const user = (text: string): ConversationTurn => ({ role: 'user', text });
const assistant = (text: string): ConversationTurn => ({ role: 'assistant', text });

describe('repeated-question detection', () => {
  it('finds the same question asked again, despite case, punctuation and word forms', () => {
    const history = [user('How do I reset my password?'), assistant('Open Settings.')];
    expect(repeatReason('how do i RESET my password??', history)?.weight).toBe(0.4);
    expect(repeatReason('Resetting passwords: how?', history)).toBeDefined();
  });

  it('finds a question repeated inside a longer complaint, or rephrased with more words', () => {
    const history = [user('When will my refund arrive?')];
    expect(
      repeatReason('I asked before. When will my refund arrive? Please.', history),
    ).toBeDefined();
    const rephrased = [user('Our team cannot log in since this morning.')];
    const longer = 'My whole team is blocked from logging in since this morning, can you check?';
    expect(repeatReason(longer, rephrased)).toBeDefined();
  });

  it('does not take a different question on another topic for a repeat', () => {
    const history = [user('How do I reset my password?')];
    expect(repeatReason('How do I change my billing address?', history)).toBeUndefined();
    expect(repeatReason('Which plans include SSO?', history)).toBeUndefined();
  });

  it('keeps apart the words the search keeps apart: customs are not customers', () => {
    // Porter makes both "custom": the two questions then shared all their words but one.
    const history = [user('Do you charge customs?')];
    expect(repeatReason('Do you charge customers for delivery?', history)).toBeUndefined();
    expect(repeatReason('Do you charge customs on delivery?', history)).toBeDefined();
  });

  it('does not take a question about an order for a repeat of the message that gave its number', () => {
    const history = [
      user("Hi, I'm Dana, my order number is BL-20931"),
      assistant("Hi Dana! I've noted your order number BL-20931. How can I help you today?"),
    ];
    expect(
      repeatReason('can I cancel order BL-20931? I placed it 20 minutes ago', history),
    ).toBeUndefined();
    // The same question about the same order is still a repeat.
    const asked = [user('Can I cancel order BL-20931?')];
    expect(repeatReason('can I cancel order BL-20931??', asked)).toBeDefined();
  });

  it("compares only the customer's own last three messages", () => {
    const assistantSaidIt = [assistant('How do I reset my password?')];
    expect(repeatReason('How do I reset my password?', assistantSaidIt)).toBeUndefined();
    const longAgo = [
      user('How do I reset my password?'),
      user('Which plans include SSO?'),
      user('Do you ship to Norway?'),
      user('Can I pay by invoice?'),
    ];
    expect(repeatReason('How do I reset my password?', longAgo)).toBeUndefined();
  });

  it('does not count greetings or thanks said twice, but does count a one-word question', () => {
    expect(repeatReason('thanks', [user('thanks')])).toBeUndefined();
    expect(repeatReason('Hello?', [user('hello?')])).toBeUndefined();
    expect(repeatReason('refund?', [user('Refund?')])).toBeDefined();
  });

  it('recognises the customer saying so', () => {
    expect(repeatReason('I already asked this, where is my parcel?', [])).toBeDefined();
    expect(repeatReason("That's not what I asked.", [])).toBeDefined();
    expect(repeatReason('You keep sending me the same link', [])).toBeDefined();
    expect(repeatReason('Please try again later', [])).toBeUndefined();
  });

  it('reads "the second time" as a problem that came back unless it speaks of asking', () => {
    const happened = repeatReason('this is the second time my internet has dropped today', []);
    expect(happened?.weight).toBe(0.4);
    expect(happened?.detail).toBe('says it has happened before: "the second time"');
    const asked = repeatReason("This is the third time I'm writing about my router.", []);
    expect(asked?.weight).toBe(0.4);
    expect(asked?.detail).toBe('says it was asked before: "the third time"');
    expect(repeatReason('2nd time asking: where is my parcel?', [])?.detail).toBe(
      'says it was asked before: "2nd time"',
    );
    // Asked before in so many words, the count of times is no problem that came back.
    expect(
      repeatReason('the second time it crashed, and I already asked about it', [])?.detail,
    ).toBe('says it was asked before: "already asked"');
    // An earlier message asking the same makes it a repeated question whatever else it says.
    const history = [user('Why does my internet keep dropping?')];
    expect(
      repeatReason('Why does my internet keep dropping? The second time today.', history)?.detail,
    ).toMatch(/^repeats an earlier question/);
  });

  it('counts a third ask double, so that it escalates by itself', () => {
    const twice = [user('Where is my parcel?'), user('Where is my parcel??')];
    const third = repeatReason('Where is my parcel?', twice);
    expect(third?.weight).toBe(0.8);
    expect(third?.detail).toContain('3 times');
    expect(repeatReason('I have asked you three times about my parcel', [])?.weight).toBe(0.8);
    expect(repeatReason('For the third time: where is my parcel?', [])?.weight).toBe(0.8);
  });

  it('counts a problem still there after what the customer tried as the same problem again', () => {
    const tried = [
      user('the app crashes every time I open the invoices page'),
      assistant('Please reinstall the app.'),
      user('reinstalled like you said, still crashes on invoices'),
      assistant('Sorry to hear that.'),
    ];
    const third = repeatReason('the app still crashes when I open invoices', tried);
    expect(third?.weight).toBe(0.8);
    const sim = [
      user('my new sim says no service'),
      user('restarted the phone, still no service on the sim'),
    ];
    expect(
      repeatReason('that did not work either. my sim still says no service', sim)?.weight,
    ).toBe(0.8);
  });

  it('does not take two things still open on different matters for one problem', () => {
    const history = [user('my refund still has not arrived'), user('the app still crashes')];
    expect(repeatReason('is the gym still open on sunday?', history)).toBeUndefined();
    // One shared word is a topic, not a problem reported again.
    const parcel = [user('still no parcel'), user('the parcel tracking still says pending')];
    expect(repeatReason('is my invoice still pending?', parcel)?.weight).not.toBe(0.8);
  });
});
