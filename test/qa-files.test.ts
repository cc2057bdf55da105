/**
 * Questions about the customer's files, through the whole turn on the help centers a QA pass
 * ingested together (a bank, an energy supplier, a store): one asked in a later message of the
 * session than the file's, and one sent with the file that asks what the file says though it
 * does not point at it. The extractive responder answers.
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

/** Sends the messages in one new session, the invoice with those marked; the last reply. */
async function conversation(...messages: Array<{ text: string; invoice?: boolean }>) {
  session += 1;
  let reply;
  for (const { text, invoice } of messages) {
    reply = await app.turns.start({
      sessionId: `files${session}`,
      text,
      ...(invoice ? { attachments: [{ name: 'invoice.pdf', data: INVOICE }] } : {}),
    }).result;
  }
  if (!reply) throw new Error('no message sent');
  return reply;
}

const invoiceSent = { text: 'here is my invoice', invoice: true };

describe('a question about a file sent in an earlier message', () => {
  it.each(['how much do I owe?', 'what does it say?', 'what does the document say?'])(
    '%j just after it is answered from the file',
    async (question) => {
      const reply = await conversation(invoiceSent, { text: question });
      expect(reply.text).toContain('Amount due: 42.50 GBP');
      expect(reply.sources.map((s) => s.title)).toEqual(['invoice.pdf']);
    },
  );

  it('"when do I have to pay it by?" just after it is answered from the file, not the help center', async () => {
    const reply = await conversation(invoiceSent, { text: 'when do I have to pay it by?' });
    expect(reply.text).toContain('Due date: 14 December');
    expect(reply.sources.map((s) => s.title)).toEqual(['invoice.pdf']);
  });

  it('is answered from the file when it names the file, messages later', async () => {
    const reply = await conversation(
      invoiceSent,
      { text: 'thanks' },
      { text: 'how much do I owe on the invoice?' },
    );
    expect(reply.text).toContain('Amount due: 42.50 GBP');
  });

  it('is answered from the help center when it asks how to do something', async () => {
    const reply = await conversation(invoiceSent, { text: 'how do I return an item?' });
    expect(reply.text).toContain('Return an item');
  });

  it('is not asked of the file when another question came between and it names no file', async () => {
    const reply = await conversation(
      invoiceSent,
      { text: 'how do I set up a direct debit?' },
      { text: 'how much is it?' },
    );
    expect(reply.sources.map((s) => s.title)).not.toContain('invoice.pdf');
  });
});

describe('a question sent with a file that does not point at it', () => {
  it('asks what the file says when the file has what it asks ("pay": "Late payment fee")', async () => {
    const reply = await conversation({ text: 'when do I have to pay by?', invoice: true });
    expect(reply.sources.map((s) => s.title)).toEqual(['invoice.pdf']);
    expect(reply.text).toContain('Due date: 14 December');
  });

  it('asks the help center when the file has nothing of what it asks', async () => {
    const reply = await conversation({ text: 'when will I get my refund?', invoice: true });
    expect(reply.sources.map((s) => s.title)).toEqual(['Refunds']);
  });
});
