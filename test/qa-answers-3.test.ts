/**
 * Answers that a pass of customers' questions found wrong on the outdoor-shop help center
 * (test/fixtures/help-center-outdoor), through the whole turn, answered by the extractive
 * responder: details given alone are noted, not searched; an invoice's labelled line answers
 * before its headings; who pays customs is answered from the page on customs.
 */
import { Paragraph } from 'docx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { makeDocx, makePdf } from './helpers/documents.js';
import { openQaApp } from './helpers/qa-app.js';

let app: App;
let session = 0;
const files: Record<string, Uint8Array> = {};

/** An invoice as most shops print one: the shop's name large, "Invoice", then its lines. */
const SHOP = 'Acme Store';
const TITLE = 'Invoice';
const INVOICE_LINES = [
  'Order number: 88231',
  'Date: 3 March 2025',
  'Customer: Jane Doe',
  'Items: 2 x Trail running shoes, $219.00 each',
  'Subtotal: $438.00',
  'Shipping: $12.00',
  'Tax: $27.15',
  'Total charged: $477.15',
];

beforeAll(async () => {
  app = await openQaApp(['help-center-outdoor']);
  files['invoice.pdf'] = await makePdf((doc) => {
    doc.fontSize(24).text(SHOP);
    doc.fontSize(16).text(TITLE);
    doc.fontSize(12);
    for (const line of INVOICE_LINES) doc.text(line);
  });
  files['invoice.docx'] = await makeDocx(
    [SHOP, TITLE, ...INVOICE_LINES].map((line) => new Paragraph(line)),
  );
});

afterAll(async () => {
  await app.close();
});

/** The reply to `text`, in a new session; with the file `name` when given. */
async function ask(text: string, name?: string) {
  session += 1;
  const data = name === undefined ? undefined : files[name];
  if (name !== undefined && !data) throw new Error(`no file ${name}`);
  return app.turns.start({
    sessionId: `answers3-${session}`,
    text,
    ...(name !== undefined && data ? { attachments: [{ name, data }] } : {}),
  }).result;
}

describe('a message that only gives the customer details', () => {
  it('an e-mail address and a phone number written with dashes are noted, not searched', async () => {
    const reply = await ask('my email is jane.doe@example.com and phone 555-123-4567');
    expect(reply.text).toContain(
      "I've noted your e-mail address jane.doe@example.com and phone number 555 123 4567.",
    );
    expect(reply.text).toContain('How can I help');
    expect(reply.text).not.toContain('[1]');
    expect(reply.sources).toEqual([]);
  });

  it('"It\'s about order 88123" notes the order number and asks what the customer needs', async () => {
    const reply = await ask("It's about order 88123");
    expect(reply.text).toContain("I've noted your order number 88123");
    expect(reply.text).toContain('How can I help');
    expect(reply.text).not.toContain("couldn't find");
    expect(reply.sources).toEqual([]);
  });
});

describe.each(['invoice.pdf', 'invoice.docx'])('an invoice %s headed by the shop name', (name) => {
  it('"whats the order number on this invoice" is answered with the order number line', async () => {
    const reply = await ask('whats the order number on this invoice', name);
    expect(reply.text).toContain('Order number: 88231 [1]');
    expect(reply.text).not.toContain('Acme Store [1]');
    expect(reply.text).not.toContain('Total charged');
  });

  it('"What is the total on my invoice?" is still answered with the total line', async () => {
    const reply = await ask('What is the total on my invoice?', name);
    expect(reply.text).toContain('Total charged: $477.15 [1]');
    expect(reply.text).not.toContain('Acme Store [1]');
  });
});

it('"who pays the customs fees?" opens with the customs sentence, not paying in instalments', async () => {
  const reply = await ask('who pays the customs fees?');
  // After the greeting, the answer's first sentence.
  const first = reply.text.split('\n\n')[1]?.split(' [')[0] ?? '';
  expect(first).toMatch(
    /Customs duties and import taxes are not included|The carrier collects them/,
  );
  expect(reply.text).not.toContain('instalments');
});
