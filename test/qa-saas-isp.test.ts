/**
 * Answers on the help centers of a scheduling app (test/fixtures/help-center-saas) and of an
 * internet provider (test/fixtures/help-center-isp) that customers found wrong: each through the
 * whole turn, answered by the extractive responder.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { askFresh, openQaApp } from './helpers/qa-app.js';

let saas: App;
let isp: App;

beforeAll(async () => {
  [saas, isp] = await Promise.all([
    openQaApp(['help-center-saas']),
    openQaApp(['help-center-isp']),
  ]);
});

afterAll(async () => {
  await Promise.all([saas?.close(), isp?.close()]);
});

const ask = askFresh('saas-isp');

describe('asked for a refund some time after paying', () => {
  it.each(['can I get a refund after 3 weeks?', 'can I get a refund after three weeks?'])(
    '%j is told the refund window and what applies after it, not "I couldn\'t find this"',
    async (question) => {
      const reply = await ask(saas, question);
      expect(reply.text).toContain('If you cancel within 14 days of your first paid charge');
      expect(reply.text).toContain('After 14 days, payments are non-refundable');
      expect(reply.text).not.toContain('three plans');
    },
  );

  it('told it was 3 weeks ago, is told what applies after the 14 days too', async () => {
    const reply = await ask(saas, 'I bought it 3 weeks ago, can I still get a refund?');
    expect(reply.text).toContain(
      'If you cancel within 14 days of your first paid charge, you can request a full refund by contacting support [1]. After 14 days, payments are non-refundable',
    );
  });
});

describe('told the engineer did not come', () => {
  it.each([
    "the engineer didn't show up for my installation",
    'The guy never turned up for my install yesterday. What now??',
  ])('%j is told first what happens when the engineer misses the appointment', async (text) => {
    const reply = await ask(isp, text);
    expect(reply.text).toMatch(
      /^Hi,\n\nIf our engineer misses your installation appointment, we credit £30 to your account/,
    );
  });
});

describe('asked whether they may let the app know of a bug', () => {
  it('is not told who may view usage reports', async () => {
    const reply = await ask(saas, 'Can I let you know about a bug?');
    expect(reply.text).not.toContain('usage reports');
  });
});
