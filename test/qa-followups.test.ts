/**
 * Answers a QA pass found wrong over a whole conversation, on the help centers it ingested
 * together (a bank, an energy supplier, a store): a follow-up answered from another help center's
 * page, a message that asks for a person and asks a question too, and a question about an
 * attached invoice. The extractive responder answers, through the whole turn.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { INVOICE, openQaApp } from './helpers/qa-app.js';
import { isFollowUp, namedApart } from '../src/agent/follow-up.js';
import { withoutRequest } from '../src/agent/handover-only.js';

let app: App;
let session = 0;

beforeAll(async () => {
  app = await openQaApp();
});

afterAll(async () => {
  await app.close();
});

/** The replies to `messages`, sent one after another in one new session. */
async function conversation(messages: string[], withInvoice = false) {
  session += 1;
  const replies = [];
  for (const text of messages) {
    const run = app.turns.start({
      sessionId: `followup${session}`,
      text,
      ...(withInvoice ? { attachments: [{ name: 'invoice.pdf', data: INVOICE }] } : {}),
    });
    replies.push(await run.result);
  }
  return replies;
}

/** The reply to the last of `messages`. */
async function last(...messages: string[]) {
  const replies = await conversation(messages);
  return replies.at(-1) as (typeof replies)[number];
}

describe('a follow-up leans on the question before', () => {
  it('"how many days do I have" after a returns question asks how long returns take', async () => {
    const reply = await last('how do I return an item?', 'how many days do I have');
    expect(reply.text).toContain('within 30 days of delivery');
    expect(reply.sources.map((s) => s.title)).toEqual(['Returns and exchanges']);
  });

  it.each(["I don't like the colour, can I exchange it?", 'can I exchange it?'])(
    '%j after a delivery question is searched for what it names',
    async (message) => {
      const reply = await last('how long does delivery take?', message);
      expect(reply.text).toContain('We do not offer exchanges');
      expect(new Set(reply.sources.map((s) => s.title))).toEqual(
        new Set(['Returns and exchanges']),
      );
    },
  );

  it('one that names nothing new is still answered from the question before', async () => {
    const reply = await last('how long does delivery take?', 'how much does it cost?');
    expect(reply.text).toContain('Standard delivery costs £3.95');
  });
});

describe('what a follow-up is', () => {
  it('"how many days", "how much time" ask only how long, as "how long" does', () => {
    for (const message of ['how many days do I have', 'how much time do I have?']) {
      expect(isFollowUp(message), message).toBe(true);
    }
    expect(isFollowUp('how many days do I have to return shoes?')).toBe(false);
  });

  it('names apart what the question before did not', () => {
    expect(
      namedApart("I don't like the colour, can I exchange it?", 'how long does delivery take?'),
    ).toEqual(['colour', 'exchange']);
    expect(namedApart('and for deliveries?', 'how long does delivery take?')).toEqual([]);
  });
});

describe('a message that asks for a person and asks a question', () => {
  it.each([
    'this is ridiculous, let me talk to a real person. how do I return an item?',
    'I am so annoyed, let me talk to a real person. how do I return shoes?',
  ])('%j gets the answer to the question as well as the hand-over', async (message) => {
    const reply = await last(message);
    expect(reply.escalation.escalate).toBe(true);
    expect(reply.escalation.ticketId).toBeDefined();
    expect(reply.text).toContain('Return an item');
    expect(reply.text).toContain('A member of our support team will follow up');
    expect(reply.sources.map((s) => s.title)).toEqual(['Returns and exchanges']);
  });

  it('is searched and answered without the words that ask for the person', () => {
    expect(
      withoutRequest('this is ridiculous, let me talk to a real person. how do I return an item?'),
    ).toBe('this is ridiculous, let me . how do I return an item?');
    // Nothing asked besides: the message stays whole, and is handed over alone.
    expect(withoutRequest('can I talk to a human?')).toBe('can I talk to a human?');
    expect(withoutRequest('how do I return an item?')).toBe('how do I return an item?');
  });

  it('gets the hand-over alone when the help center has nothing on the question', async () => {
    const reply = await last('let me talk to a real person. can I pay with bitcoin?');
    expect(reply.escalation.escalate).toBe(true);
    expect(reply.sources).toEqual([]);
    expect(reply.text).not.toMatch(/\[\d\]/);
  });
});
