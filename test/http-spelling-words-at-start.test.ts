/**
 * The English word list spelling correction needs is read as the server starts serving, in the
 * background once it listens, not by the first customer's question to be corrected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { englishWordsLoaded } from '../src/rag/search/english-words.js';
import { call, createSession, startServer, type TestServer } from './helpers/http.js';

let t: TestServer;
beforeAll(async () => {
  t = await startServer();
});
afterAll(() => t.close());

describe('the word list of spelling correction', () => {
  it('is read once the server starts serving, before the first question', async () => {
    // Listening already, with nothing read: the start does not wait for it.
    expect(englishWordsLoaded()).toBe(false);
    t.app.start();
    await expect.poll(() => englishWordsLoaded(), { timeout: 5_000 }).toBe(true);

    // The first question, misspelt, is corrected with the list already there.
    const { id, token } = await createSession(t.url);
    const reply = await call(t.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      body: { text: 'How do I reset my pasword?' },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.sources[0]).toMatchObject({ title: 'How do I reset my password?' });
  });
});
