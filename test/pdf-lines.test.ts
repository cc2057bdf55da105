/**
 * An invoice sent as a PDF made the way most invoices are, one line of text after another: its
 * lines are read as lines, so a question about one of them is answered with that line, as it is
 * from the same invoice sent as a Word document.
 */
import { Paragraph } from 'docx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { makeDocx, makePdf } from './helpers/documents.js';
import { openQaApp } from './helpers/qa-app.js';

const INVOICE_LINES = [
  'Order number: 88231',
  'Date: 3 March 2025',
  'Customer: Jane Doe',
  'Items: 2 x Trail running shoes, $219.00 each',
  'Subtotal: $438.00',
  'Shipping: $12.00',
  'Tax: $27.15',
  'Total charged: $477.15',
  'Paid by card ending 4242 on 3 March 2025.',
];

let app: App;
let session = 0;
const files: Record<string, Uint8Array> = {};

beforeAll(async () => {
  app = await openQaApp();
  files['invoice.pdf'] = await makePdf((doc) => {
    doc.fontSize(12);
    for (const line of INVOICE_LINES) doc.text(line);
  });
  files['invoice.docx'] = await makeDocx(INVOICE_LINES.map((line) => new Paragraph(line)));
});

afterAll(async () => {
  await app.close();
});

/** The reply to `text` sent with the file `name`, in a new session. */
async function askWith(name: string, text: string) {
  session += 1;
  const data = files[name];
  if (!data) throw new Error(`no file ${name}`);
  return app.turns.start({ sessionId: `pdf-lines${session}`, text, attachments: [{ name, data }] })
    .result;
}

describe.each(['invoice.pdf', 'invoice.docx'])('a question sent with %s', (name) => {
  it('"What is the total on my invoice?" is answered with the total line alone', async () => {
    const reply = await askWith(name, 'What is the total on my invoice?');
    expect(reply.text).toContain('Total charged: $477.15 [1]');
    expect(reply.text).not.toContain('Subtotal');
    expect(reply.text).not.toContain('…');
    expect(reply.sources.map((s) => s.title)).toEqual([name]);
  });

  it('"whats the order number on this invoice" is answered with the order number line', async () => {
    const reply = await askWith(name, 'whats the order number on this invoice');
    expect(reply.text).toContain('Order number: 88231 [1]');
    expect(reply.text).not.toContain('Total charged');
    expect(reply.text).not.toContain('…');
  });
});
