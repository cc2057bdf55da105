/**
 * A customer ends the conversation (DELETE) while its last answer still streams, and the widget
 * sends one more message at once, through real sockets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createSession, parseSse, type TestServer, sendStreaming } from './helpers/http.js';
import { startSlowModelServer, type SlowModelServer } from './helpers/slow-model.js';

let slow: SlowModelServer;
let server: TestServer;

beforeAll(async () => {
  // A model that takes about two seconds to answer: the session ends while it does.
  slow = await startSlowModelServer({ SESSION_LOCK_WAIT_MS: '200' });
  server = slow.server;
});
afterAll(() => slow.close());

describe('a message sent right after the session was ended while a turn streams', () => {
  it('is refused at once as sent to an ended session, and the streaming answer comes whole', async () => {
    const { id, token } = await createSession(server.url);
    const streaming = sendStreaming(server.url, id, token, 'How do I reset my password?');
    const response = await streaming;
    await new Promise((r) => setTimeout(r, 300));
    expect((await call(server.url, 'DELETE', `/v1/sessions/${id}`, { token })).status).toBe(200);

    const after = await call(server.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      body: { text: 'One more thing' },
    });
    expect(after.status).toBe(409);
    expect(after.headers.get('retry-after')).toBeNull();
    expect(after.body.error.code).toBe('conflict');
    expect(after.body.error.message).toMatch(/ended/);

    // The answer that was streaming comes whole, then the end; the refused message was never
    // stored.
    const events = parseSse(await response.text()).map((e) => e.event);
    expect(events.slice(-2)).toEqual(['complete', 'ended']);
    const history = await call(server.url, 'GET', `/v1/sessions/${id}/messages`, { token });
    expect(history.body.items.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
  }, 20_000);
});
