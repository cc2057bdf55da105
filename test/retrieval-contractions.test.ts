/**
 * Contractions in customers' questions, searched on the energy supplier's help center of
 * test/fixtures, whose article "Why can't I log in to my account?" has a "t" in the title of
 * every one of its passages.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { ingestPaths } from '../src/rag/index.js';

let app: App;
beforeAll(async () => {
  app = createApp(loadConfig({ env: { LOG_LEVEL: 'silent' } }), { databasePath: ':memory:' });
  const report = await ingestPaths(
    app.knowledge,
    [fileURLToPath(new URL('./fixtures/help-center-energy', import.meta.url))],
    { maxFileBytes: 1024 * 1024, chunk: { size: 1000, overlap: 100 } },
  );
  expect(report.failed).toEqual([]);
});
afterAll(async () => {
  await app.close();
});

it('finds how to send a reading for "dont have the app", not the page on logging in', async () => {
  const { hits } = await app.retriever.search(
    'can i just send my numbers by sms? dont have the app',
  );
  expect(hits[0]?.headingPath.at(-1)).toBe('Sending your reading');
  expect(hits[0]?.text).toContain('text');
});
