import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../errors/index.js';
import {
  DEFAULT_ESCALATION_WEIGHTS,
  EarlierMessages,
  evaluateEscalation,
  type EscalationInput,
  type EscalationPolicyOptions,
} from './index.js';

function decide(
  message: string,
  input: Partial<EscalationInput> = {},
  options?: EscalationPolicyOptions,
) {
  return evaluateEscalation(
    { message, history: [], noKnowledgeStreak: 0, noKnowledgeNow: false, ...input },
    options,
  );
}

describe('evaluateEscalation', () => {
  it('escalates an explicit request alone, with high priority and the human_request queue', () => {
    const decision = decide('Can I talk to a human please?');
    expect(decision).toMatchObject({
      escalate: true,
      confidence: 0.9,
      priority: 'high',
      category: 'human_request',
    });
    expect(decision.reasons).toEqual([
      {
        signal: 'explicit_request',
        weight: 0.9,
        detail: 'asked for a person: "talk to a human"',
      },
    ]);
  });

  it('makes a legal threat with urgency urgent, in the legal queue', () => {
    const decision = decide('Refund me immediately or my lawyer will hear about this.');
    expect(decision.escalate).toBe(true);
    expect(decision.priority).toBe('urgent');
    expect(decision.category).toBe('legal');
    expect(decision.reasons.map((reason) => reason.signal)).toEqual(['legal', 'urgency']);
  });

  it('hands money taken after a cancellation to the people who take payment disputes', () => {
    const decision = decide('I cancelled my membership in March and you are still taking £35.');
    expect(decision).toMatchObject({ escalate: true, priority: 'high', category: 'legal' });
    expect(decision.reasons).toEqual([
      {
        signal: 'legal',
        weight: 0.85,
        detail:
          'money taken after a cancellation: "cancelled my membership in March and you are still taking"',
      },
    ]);
  });

  it('makes an explicit request from a very angry customer urgent, capping confidence at 1', () => {
    const decision = decide('This is the worst service ever, absolutely furious. Get me a human.');
    expect(decision.priority).toBe('urgent');
    expect(decision.confidence).toBe(1);
    expect(decision.category).toBe('human_request');
  });

  it('lists reasons strongest first', () => {
    const decision = decide('URGENT!!! This is ridiculous and unacceptable, I want a real person');
    const weights = decision.reasons.map((reason) => reason.weight);
    expect(weights).toEqual([...weights].sort((a, b) => b - a));
    expect(decision.reasons[0]?.signal).toBe('explicit_request');
  });

  it('escalates strong anger alone as a high-priority complaint', () => {
    const decision = decide("This is ridiculous, worst service ever, I'm furious.");
    expect(decision).toMatchObject({ escalate: true, priority: 'high', category: 'complaint' });
  });

  it('does not escalate urgency alone, or mild annoyance alone', () => {
    const urgent = decide('Please send the invoice asap.');
    expect(urgent).toMatchObject({ escalate: false, priority: 'low', category: 'none' });
    expect(urgent.confidence).toBe(DEFAULT_ESCALATION_WEIGHTS.urgency);
    expect(decide("I'm a bit disappointed with the colour.").escalate).toBe(false);
  });

  it('escalates urgency with anger', () => {
    const decision = decide('I need this fixed immediately, this is terrible.');
    expect(decision.escalate).toBe(true);
    expect(decision.priority).toBe('normal');
  });

  it('needs two turns in a row without knowledge for the no-knowledge signal', () => {
    const once = decide('Do you ship to Iceland?', { noKnowledgeNow: true, noKnowledgeStreak: 0 });
    expect(once.reasons).toEqual([]);
    const before = decide('Do you ship to Iceland?', {
      noKnowledgeNow: false,
      noKnowledgeStreak: 3,
    });
    expect(before.reasons).toEqual([]);
    const twice = decide('Do you ship to Iceland?', { noKnowledgeNow: true, noKnowledgeStreak: 1 });
    expect(twice.reasons.map((reason) => reason.signal)).toEqual(['no_knowledge']);
    expect(twice.escalate).toBe(false);
  });

  it('hands over the third question in a row the knowledge base cannot answer, as unresolved', () => {
    const third = decide('Do you ship to Iceland?', { noKnowledgeNow: true, noKnowledgeStreak: 2 });
    expect(third).toMatchObject({
      escalate: true,
      confidence: 0.7,
      priority: 'normal',
      category: 'unresolved',
    });
    expect(third.reasons).toEqual([
      {
        signal: 'no_knowledge',
        weight: 0.7,
        detail: 'the assistant could not answer 3 questions in a row from the help center',
      },
    ]);
    // Answered, the third question is no failure, however many came before it.
    expect(decide('Do you ship to Iceland?', { noKnowledgeStreak: 2 }).escalate).toBe(false);
  });

  it('reaches a raised threshold a question or so later, and counts a long run at most three times', () => {
    const strict = { threshold: 1 };
    const run = (streak: number) =>
      decide(
        'Do you ship to Iceland?',
        { noKnowledgeNow: true, noKnowledgeStreak: streak },
        strict,
      );
    expect(run(2).escalate).toBe(false);
    expect(run(3)).toMatchObject({ escalate: true, confidence: 1, category: 'unresolved' });
    expect(run(3).reasons[0]?.weight).toBe(1.05);
    expect(run(40).reasons[0]?.weight).toBe(1.05);
  });

  it('does not count a message that only says how the customer feels as nothing found', () => {
    const history = [
      { role: 'user' as const, text: 'Do you sell garden furniture?' },
      { role: 'assistant' as const, text: "I couldn't find this in our help center." },
    ];
    const once = decide("that's stupid", { history, noKnowledgeNow: true, noKnowledgeStreak: 1 });
    expect(once.reasons.map((reason) => reason.signal)).toEqual(['negative_sentiment']);
    expect(once.escalate).toBe(false);
    // Said again, the frustration is no longer one mood: it is handed over.
    const again = decide('this is useless', {
      history: [...history, { role: 'user', text: "that's stupid" }],
      noKnowledgeNow: true,
      noKnowledgeStreak: 2,
    });
    expect(again.reasons.map((reason) => reason.signal)).toEqual([
      'negative_sentiment',
      'worsening_sentiment',
    ]);
    expect(again).toMatchObject({ escalate: true, category: 'complaint' });
  });

  it('escalates a repeated question the knowledge base cannot answer, as unresolved', () => {
    const decision = decide('How do I export my invoices?', {
      history: [{ role: 'user', text: 'How do I export invoices?' }],
      noKnowledgeNow: true,
      noKnowledgeStreak: 1,
    });
    expect(decision).toMatchObject({ escalate: true, priority: 'normal', category: 'unresolved' });
    expect(decision.confidence).toBe(0.75);
  });

  it('sees a conversation that is going sour', () => {
    const decision = decide("I've tried three times and it still fails, this is frustrating.", {
      history: [
        { role: 'user', text: "Thanks, that's great!" },
        { role: 'assistant', text: 'Glad to help.' },
        { role: 'user', text: "Hmm, the link doesn't work." },
      ],
    });
    expect(decision.reasons.map((reason) => reason.signal)).toContain('worsening_sentiment');
    expect(decision.escalate).toBe(true);
  });

  it('honours the threshold option', () => {
    expect(decide('Please send the invoice asap.', {}, { threshold: 0.3 }).escalate).toBe(true);
    expect(decide('Can I talk to a human?', {}, { threshold: 1 }).escalate).toBe(false);
    expect(decide('Can I talk to a human?', {}, { threshold: 0.9 }).escalate).toBe(true);
  });

  it('honours weights, and a weight of 0 turns a signal off', () => {
    const off = decide('Can I talk to a human?', {}, { weights: { explicit_request: 0 } });
    expect(off).toMatchObject({ escalate: false, reasons: [] });
    const loud = decide('Please send it asap.', {}, { weights: { urgency: 0.7 } });
    expect(loud.escalate).toBe(true);
    expect(loud.category).toBe('urgent');
  });

  it('rejects options that can only be a configuration mistake', () => {
    for (const options of [
      { threshold: 0 },
      { threshold: 1.5 },
      { threshold: Number.NaN },
      { weights: { legal: -1 } },
      { weights: { urgency: Number.POSITIVE_INFINITY } },
    ]) {
      let thrown: unknown;
      try {
        decide('hello', {}, options);
      } catch (error) {
        thrown = error;
      }
      expect(isAppError(thrown) && thrown.code === 'config_invalid').toBe(true);
    }
  });

  it('is deterministic and leaves its input alone', () => {
    const input: EscalationInput = {
      message: 'I want a refund right now, this is unacceptable',
      history: [{ role: 'user', text: 'Where is my refund?' }],
      noKnowledgeStreak: 1,
      noKnowledgeNow: true,
    };
    const copy = structuredClone(input);
    expect(evaluateEscalation(input)).toEqual(evaluateEscalation(input));
    expect(input).toEqual(copy);
  });
});

describe('evaluateEscalation: earlier messages kept between turns', () => {
  it('decides as without them, as a conversation goes on', () => {
    // Room for two messages only: messages are forgotten and read again along the way.
    const earlierMessages = new EarlierMessages(2);
    const messages = [
      'Where is my refund?',
      'I am a bit disappointed, where is my refund',
      'Hello?',
      'Where is my refund? This is ridiculous.',
      'I asked about my refund three times now. Where is my refund?',
      'Let me talk to a person, this is the worst service ever',
    ];
    const history: EscalationInput['history'] = [];
    for (const message of messages) {
      const input = { message, history: [...history], noKnowledgeStreak: 0, noKnowledgeNow: false };
      expect(evaluateEscalation(input, { earlierMessages })).toEqual(evaluateEscalation(input));
      history.push({ role: 'user', text: message }, { role: 'assistant', text: 'Sorry.' });
    }
    const again = {
      message: 'Where is my refund?',
      history: [...history, { role: 'user' as const, text: 'Where is my refund?' }],
      noKnowledgeStreak: 0,
      noKnowledgeNow: false,
    };
    const decision = evaluateEscalation(again, { earlierMessages });
    expect(decision).toEqual(evaluateEscalation(again));
    expect(decision.reasons.map((r) => r.signal)).toContain('repeated_question');
  });
});
