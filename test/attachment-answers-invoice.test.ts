/**
 * An invoice the customer attached as a plain text file, its lines longer than a heading's:
 * each line is read as a line of its own, and asked what is owed, the reply quotes the total.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { openQaApp } from './helpers/qa-app.js';

let app: App;

beforeAll(async () => {
  app = await openQaApp(['help-center-outdoor']);
});

afterAll(async () => {
  await app.close();
});

const INVOICE = new TextEncoder().encode(
  [
    'Invoice INV-20931 for order PO-88213, issued 2 November 2026',
    'Bill to: Maria Lopez, 12 Elm Street, Apartment 4B, Portland OR 97201',
    'Ridgeline 2P Tent    qty 1    unit price $289.00    $289.00',
    'Alpine Down Sleeping Bag    qty 1    unit price $219.00    $219.00',
    'Shipping: Express delivery in 2 business days, $19.95',
    'Total due $527.95',
    'Please pay within 30 days of the invoice date',
    '',
  ].join('\n'),
);

it('asked what is owed after sending it, the reply quotes the total line alone', async () => {
  const sent = await app.turns.start({
    sessionId: 'invoice1',
    text: 'here is my invoice',
    attachments: [{ name: 'invoice.txt', data: INVOICE }],
  }).result;
  // The opening, a line at a time: not the invoice run together.
  expect(sent.text).toContain('issued 2 November 2026 [1]. Bill to: Maria Lopez');
  const owed = await app.turns.start({ sessionId: 'invoice1', text: 'how much do I owe?' }).result;
  expect(owed.text).toBe('Total due $527.95 [1].');
  expect(owed.sources.map((s) => s.title)).toEqual(['invoice.txt']);
});

it('asked with the invoice what is owed, the reply quotes the total line', async () => {
  const reply = await app.turns.start({
    sessionId: 'invoice2',
    text: 'how much do I owe?',
    attachments: [{ name: 'invoice.txt', data: INVOICE }],
  }).result;
  expect(reply.text).toContain('Total due $527.95 [1].');
  expect(reply.text).not.toContain('Bill to');
});
