/**
 * A widget on a WebSocket shows the customer's message at once (an optimistic bubble) and
 * settles it with the message as stored: its own socket sends it the `customer_message` (id and
 * `seq`) as every other follower gets it. Through a real socket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createSession, openSocket, type Json, type TestServer } from './helpers/http.js';
import { startServer } from './helpers/http.js';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("the sender's own WebSocket", () => {
  it('gets the customer_message of its own message, before its turn, once', async () => {
    const { id, token } = await createSession(server.url);
    const { frames, socket } = await openSocket(server.url, id, token);
    try {
      socket.send(
        JSON.stringify({ type: 'message', text: 'How do I reset my password?', id: 'b1' }),
      );
      await until(() => frames.some((f: Json) => f.type === 'complete'));
      // Anything late would come right after the turn.
      await new Promise((r) => setTimeout(r, 200));
      const mine = frames.filter((f: Json) => f.type === 'customer_message');
      expect(mine).toHaveLength(1);
      const [stored] = mine;
      const start = frames.find((f: Json) => f.type === 'start');
      expect(frames.indexOf(stored)).toBeLessThan(frames.indexOf(start));
      expect(stored.turnId).toBe(start.turnId);
      expect(start.replyTo).toBe('b1');
      expect(stored.message).toMatchObject({
        role: 'user',
        text: 'How do I reset my password?',
        seq: 1,
      });

      const history = await call(server.url, 'GET', `/v1/sessions/${id}/messages`, { token });
      expect(history.body.items[0].id).toBe(stored.message.id);
    } finally {
      socket.close();
    }
  }, 20_000);
});
