/**
 * What a customer attaches stays in their session: it changes nothing of how the help center
 * answers other customers, and no word of it reaches them through a spelling correction. The
 * help center is the store's fixture; attachments go through the attachments tool, questions
 * through the whole turn, as in production.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { ingestPaths, type SearchResult } from '../src/rag/index.js';
import type { AttachmentSummary } from '../src/tools/index.js';

let app: App;
beforeEach(async () => {
  app = createApp(
    loadConfig({ env: { LOG_LEVEL: 'silent', ATTACHMENT_MAX_FILE_BYTES: '2000000' } }),
    { databasePath: ':memory:' },
  );
  const report = await ingestPaths(
    app.knowledge,
    [fileURLToPath(new URL('./fixtures/help-center', import.meta.url))],
    { maxFileBytes: 1024 * 1024, chunk: { size: 1000, overlap: 100 } },
  );
  expect(report.failed).toEqual([]);
});
afterEach(() => app.close());

async function attach(sessionId: string, name: string, text: string): Promise<void> {
  const result = await app.tools.call<AttachmentSummary[]>(
    'attachments',
    { files: [{ name, data: new TextEncoder().encode(text) }] },
    { sessionId },
  );
  expect(result).toMatchObject({ type: 'ok', value: [{ name, ok: true }] });
}

async function search(sessionId: string, query: string): Promise<SearchResult> {
  const result = await app.tools.call<SearchResult>('kb_search', { query }, { sessionId });
  if (result.type !== 'ok') throw new Error(`kb_search failed: ${JSON.stringify(result)}`);
  return result.value;
}

const ask = async (sessionId: string, text: string) =>
  (await app.turns.start({ sessionId, text }).result).text;

describe("another session's attachment", () => {
  it('changes neither the answer nor the ranking of a help-center question', async () => {
    const question = 'How long does a refund take?';
    const answerBefore = await ask('before', question);
    expect(answerBefore).toContain('within 5 business days');
    const ranked = async () =>
      (await search('B', question)).hits.map((hit) => [hit.chunkId, hit.score]);
    const rankingBefore = await ranked();

    // The file of the security review: 788 KB of Markdown, 700 sections that repeat the help
    // center's most asked-about words.
    const sections = Array.from(
      { length: 700 },
      (_, i) => `## Section ${i}\n\n${'password refund email order delivery '.repeat(30)}\n`,
    );
    await attach('A', 'notes.md', sections.join('\n'));

    expect(await ranked()).toEqual(rankingBefore);
    expect(await ask('after', question)).toBe(answerBefore);
  });

  it("is never what another customer's misspelt word is corrected to", async () => {
    await attach('A', 'invoice.txt', 'Invoice from Zendrix Logistics, paid with PayPay.');
    // "zendrex" is one slip from "zendrix", a word of session A's file alone.
    const theirs = await search('B', 'where is my zendrex invoice');
    expect(theirs.spelling ?? []).not.toContainEqual({ from: 'zendrex', to: 'zendrix' });
    expect(theirs.hits.map((hit) => hit.source)).not.toContain('attachment:invoice.txt');
  });
});

describe("a session's own attachment", () => {
  it('keeps its words as written though the help center has one a slip away', async () => {
    // Spelling is corrected with the help center's words, where "PayPay" is one slip from
    // "PayPal"; in session A, whose file has it, it is a word, not a slip.
    await attach('A', 'receipt.txt', 'Receipt 5521: 42 euros paid with PayPay on 3 March.');
    const mine = await search('A', 'I paid with PayPay, how much was it?');
    expect(mine.spelling).toBeUndefined();
    expect(mine.hits[0]?.source).toBe('attachment:receipt.txt');
    const theirs = await search('B', 'I paid with PayPay, how much was it?');
    expect(theirs.spelling).toEqual([{ from: 'paypay', to: 'paypal' }]);
  });
});
