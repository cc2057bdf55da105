/**
 * Answers a QA pass found wrong, through the whole turn with the extractive responder, on the
 * help centers it ingested together (a bank, an energy supplier, a store), where the words of
 * the question and of the answer did not meet: a wait the customer tells ("ordered 10 days
 * ago") taken for what the question is about, "pay" that never met "due date", and "add" of
 * "add a coupon" that met only "add up to 3 additional users".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { INVOICE, openQaApp } from './helpers/qa-app.js';
import { Synonyms } from '../src/rag/search/synonyms.js';

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
    sessionId: `words${session}`,
    text,
    ...(withInvoice ? { attachments: [{ name: 'invoice.pdf', data: INVOICE }] } : {}),
  }).result;
}

/** The sentences a reply answers with (after the greeting). */
function answer(text: string): string {
  return text.replace(/^Hi[^,\n]*,\s*/, '');
}

describe('a wait the customer tells is not what the question is about', () => {
  it.each([
    'where is my order??? ordered 10 days ago',
    'where is my parcel? ordered it a week ago',
  ])('%j is answered from the page on tracking', async (question) => {
    const reply = await ask(question);
    expect(reply.text).toContain('tracking link');
    expect(reply.sources.map((s) => s.title)).toEqual(['Shipping']);
  });

  it('"ordered 2 weeks ago, still nothing" is not answered with a page\'s "Nothing changes"', async () => {
    const reply = await ask('ordered 2 weeks ago, still nothing');
    expect(reply.text).not.toMatch(/nothing changes/i);
    expect(new Set(reply.sources.map((s) => s.title))).toEqual(new Set(['Shipping']));
  });
});

describe('a question when to pay meets the due date', () => {
  it('"when do I have to pay this by" with an invoice leads with its due date', async () => {
    const reply = await ask('when do I have to pay this by', true);
    expect(answer(reply.text)).toMatch(/^(?:I've read invoice\.pdf\.\s*)?Due date: 14 December/);
    expect(reply.text).not.toContain('Invoice 88231');
  });

  it('paying by card asks no date', () => {
    const related = (q: string) => Synonyms.default.related(q).map((r) => r.term);
    expect(related('when do I have to pay this by')).toEqual(
      expect.arrayContaining(['due', 'date', 'deadline']),
    );
    expect(related('can I pay by card?')).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^(?:due|date|deadline)$/)]),
    );
  });
});

describe('a verb met only where it is done to another thing', () => {
  it.each(['I placed an order, can I still add a coupon?', 'can I add a coupon?'])(
    '%j, where no page speaks of coupons, is not answered with adding users',
    async (question) => {
      const reply = await ask(question);
      expect(reply.text).not.toMatch(/additional users/i);
      expect(reply.sources).toEqual([]);
    },
  );

  it('still answers adding what the page adds, and returning what no page names', async () => {
    expect((await ask('can I add a user to my account?')).text).toContain(
      'You can add up to 3 additional users',
    );
    expect((await ask('how do I return a vase?')).text).toMatch(/return/i);
  });
});

describe('how long a refund takes', () => {
  it.each([
    'how long does a refund take?',
    'let me talk to a real person, how long does a refund take?',
  ])('%j is answered from the page on refunds', async (question) => {
    const reply = await ask(question);
    expect(reply.text).toContain('We refund you within 5 working days');
    expect(reply.sources.map((s) => s.title)).toEqual(['Refunds']);
  });
});
