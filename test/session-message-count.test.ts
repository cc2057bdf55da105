/**
 * A session's `messageCount` counts the customer's messages as they are stored, not as their
 * answers complete: a widget that shows the count, or ends the session while an answer streams,
 * sees the same number as the transcript holds. Through real sockets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createSession, openFeed, type TestServer, sendStreaming } from './helpers/http.js';
import { startSlowModelServer, type SlowModelServer } from './helpers/slow-model.js';

let slow: SlowModelServer;
let server: TestServer;

beforeAll(async () => {
  slow = await startSlowModelServer({ SESSION_LOCK_WAIT_MS: '200' });
  server = slow.server;
});
afterAll(() => slow.close());

describe("a session's messageCount", () => {
  it('counts the message while its answer still streams, and an end then reports it', async () => {
    const { id, token } = await createSession(server.url);
    const feed = await openFeed(server.url, id, token);
    const streaming = sendStreaming(server.url, id, token, 'How do I reset my password?');
    // The customer's message is stored: the session counts it before its answer is done.
    await feed.readUntil('event: customer_message');
    const during = await call(server.url, 'GET', `/v1/sessions/${id}`, { token });
    expect(during.body.messageCount).toBe(1);
    expect(during.body.lastMessageAt).not.toBeNull();

    const ended = await call(server.url, 'DELETE', `/v1/sessions/${id}`, { token });
    expect(ended.status).toBe(200);
    expect(ended.body.messageCount).toBe(1);

    const response = await streaming;
    const body = await response.text();
    expect(body).toContain('event: complete');
    feed.close();
    const history = await call(server.url, 'GET', `/v1/sessions/${id}/messages`, { token });
    const customer = history.body.items.filter((m: { role: string }) => m.role === 'user');
    const after = await call(server.url, 'GET', `/v1/sessions/${id}`, { token });
    expect(after.body.messageCount).toBe(customer.length);
    expect(after.body.messageCount).toBe(1);
  }, 20_000);

  it('equals the messages stored after several turns', async () => {
    const { id, token } = await createSession(server.url);
    for (const text of ['Hello', 'How do I reset my password?']) {
      const sent = await call(server.url, 'POST', `/v1/sessions/${id}/messages`, {
        token,
        body: { text },
      });
      expect(sent.status).toBe(200);
    }
    const session = await call(server.url, 'GET', `/v1/sessions/${id}`, { token });
    expect(session.body.messageCount).toBe(2);
  }, 30_000);
});
