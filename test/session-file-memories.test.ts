/**
 * The files a customer attaches are remembered so that later questions can be asked of them,
 * but they are not details the customer gave: a ticket's summary lists them apart from the
 * customer's details, and however many there are, they never push those details out.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { FakeClock } from '../src/testing/index.js';
import { sessionContact } from '../src/tools/memory/index.js';
import { seedKnowledge } from './helpers/http.js';

let app: App;

beforeEach(async () => {
  app = createApp(loadConfig({ env: { LOG_LEVEL: 'silent', TOOL_RETRY_ATTEMPTS: '1' } }), {
    databasePath: ':memory:',
    clock: new FakeClock(Date.now()),
  });
  await seedKnowledge(app);
});
afterEach(() => app.close());

const text = (words: string) => new TextEncoder().encode(words);

describe("a customer's attached files", () => {
  it("are listed apart from the customer's details in the ticket's summary", async () => {
    await app.turns.start({
      sessionId: 'f1',
      text: 'My order number is 4417 and my email is jane@example.com',
    }).result;
    await app.turns.start({
      sessionId: 'f1',
      text: 'Here is my invoice, what is the late fee?',
      attachments: [{ name: 'invoice.pdf.txt', data: text('Late payment fee: $15.') }],
    }).result;
    const last = await app.turns.start({ sessionId: 'f1', text: 'I want to talk to a human now' })
      .result;
    expect(last.escalation.ticketId).toBeDefined();
    const ticket = await app.conversations.ticketOf('f1');
    const summary = ticket?.summary ?? '';
    const details = /Customer details: ([^.]*(?:\.[^ ][^.]*)*)\./.exec(summary)?.[1] ?? '';
    expect(details).toContain('Order number: 4417');
    expect(details).not.toMatch(/Attached file|invoice/);
    expect(summary).toContain('Attached files: invoice.pdf.txt.');
  });

  it("never push out the customer's details, however many there are", async () => {
    await app.turns.start({
      sessionId: 'f2',
      text: 'My name is Jane Doe, my order number is 4417 and my email is jane@example.com',
    }).result;
    // Three messages of 15 files: more files than the details a session keeps.
    for (let m = 0; m < 3; m++) {
      const receipts = Array.from({ length: 15 }, (_, i) => ({
        name: `receipt-${m * 15 + i + 1}.txt`,
        data: text(`Receipt ${m * 15 + i + 1}: paid $${i + 10} by card.`),
      }));
      await app.turns.start({ sessionId: 'f2', text: 'My receipts', attachments: receipts }).result;
    }

    // A later question still knows the order number…
    const later = await app.turns.start({
      sessionId: 'f2',
      text: 'Can I get a refund for my order?',
    }).result;
    expect(later.text).toContain('4417');
    // …and so do the staff: how to reach the customer, and the ticket's details.
    expect(await sessionContact(app.conversations, 'f2')).toEqual({
      name: 'Jane Doe',
      email: 'jane@example.com',
      phone: null,
    });
    await app.turns.start({ sessionId: 'f2', text: 'I want to talk to a human now' }).result;
    const summary = (await app.conversations.ticketOf('f2'))?.summary ?? '';
    expect(summary).toContain(
      'Customer details: Customer name: Jane Doe; Order number: 4417; Customer e-mail: jane@example.com.',
    );
    expect(summary).not.toContain('Attached file:');
    // The files are named apart: the newest, with a count of the others.
    expect(summary).toContain(
      'Attached files: receipt-41.txt, receipt-42.txt, receipt-43.txt, receipt-44.txt, receipt-45.txt (and at least 35 more).',
    );
  });

  it('are still asked of by a later question', async () => {
    await app.turns.start({
      sessionId: 'f3',
      text: 'Here is my invoice',
      attachments: [{ name: 'invoice.txt', data: text('Invoice 88. Amount due: $120 by 3 May.') }],
    }).result;
    const later = await app.turns.start({ sessionId: 'f3', text: 'When is the invoice due?' })
      .result;
    expect(later.text).toContain('3 May');
  });
});
