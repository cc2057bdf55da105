/**
 * A widget on a flaky network loses its connection while the answer streams, and sends the
 * message again with the same Idempotency-Key: it gets the whole answer, not the part written
 * before it went away. Through real sockets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createSession, readUntil, sendStreaming, type TestServer } from './helpers/http.js';
import { startSlowModelServer, type SlowModelServer } from './helpers/slow-model.js';

let slow: SlowModelServer;
let server: TestServer;

beforeAll(async () => {
  slow = await startSlowModelServer({}, { repeats: 6 });
  server = slow.server;
});
afterAll(() => slow.close());

const QUESTION = 'How do I reset my password?';

describe('a keyed message whose client went away mid-answer', () => {
  it('is answered whole to its retry, and stored once', async () => {
    // The same question, its client staying: the whole answer to compare with.
    const other = await createSession(server.url);
    const whole = await call(server.url, 'POST', `/v1/sessions/${other.id}/messages`, {
      token: other.token,
      body: { text: QUESTION },
    });
    expect(whole.status).toBe(200);

    const { id, token } = await createSession(server.url);
    const key = 'retry-after-drop-1';
    const controller = new AbortController();
    const first = await sendStreaming(server.url, id, token, QUESTION, {
      headers: { 'idempotency-key': key },
      signal: controller.signal,
    });
    await readUntil(first, 'event: text');
    // The network drops while the answer streams.
    controller.abort();

    let retry;
    for (let attempt = 0; attempt < 100; attempt++) {
      retry = await call(server.url, 'POST', `/v1/sessions/${id}/messages`, {
        token,
        headers: { 'idempotency-key': key },
        body: { text: QUESTION },
      });
      if (retry.status !== 409) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(retry?.status).toBe(200);
    expect(retry?.body.message.text).toBe(whole.body.message.text);

    const history = await call(server.url, 'GET', `/v1/sessions/${id}/messages`, { token });
    expect(history.body.items.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    expect(history.body.items[1].text).toBe(whole.body.message.text);
  }, 40_000);
});
