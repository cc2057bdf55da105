/**
 * Answers a QA pass over real HTTP found wrong, on the help centers it ingested together (a
 * bank, an energy supplier, a store): a question sent with a file, a misspelling two edits from
 * the word, and a request for a person or a threat with no question in it. The extractive
 * responder answers, through the whole turn.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { INVOICE, openQaApp } from './helpers/qa-app.js';

let app: App;
let session = 0;

beforeAll(async () => {
  app = await openQaApp();
});

afterAll(async () => {
  await app.close();
});

async function ask(text: string, withInvoice = false) {
  session += 1;
  return app.turns.start({
    sessionId: `qa${session}`,
    text,
    ...(withInvoice ? { attachments: [{ name: 'invoice.pdf', data: INVOICE }] } : {}),
  }).result;
}

describe('a question sent with a file', () => {
  it.each(['how much do I owe?', 'what does this say'])(
    '%j is answered from the file, not the help center',
    async (question) => {
      const reply = await ask(question, true);
      expect(reply.text).toContain('Amount due: 42.50 GBP');
      expect(reply.sources.map((s) => s.title)).toEqual(['invoice.pdf']);
    },
  );

  it('is answered from the help center when it asks the help center and not the file', async () => {
    const reply = await ask('how do I return an item?', true);
    expect(reply.text).toContain('Return an item');
  });
});

it('corrects a letter doubled in the wrong place, two edits from the word', async () => {
  const reply = await ask('how do i chnage my tarrif');
  expect(reply.text).toContain('Compare tariffs');
});

describe('a request for a person or a threat, with no question in it', () => {
  it.each([
    'this is ridiculous, let me talk to a real person',
    'I will do a chargeback with my bank if you do not refund me',
  ])('%j is handed over without quoting the help center', async (message) => {
    const reply = await ask(message);
    expect(reply.escalation.escalate).toBe(true);
    expect(reply.sources).toEqual([]);
    expect(reply.text).not.toMatch(/\[\d\]/);
  });
});
