/**
 * A live feed or WebSocket that opens while a turn runs gets nothing of that turn (no `complete`
 * without its `start`), and the next turn whole. Through real sockets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createSession,
  openFeed,
  openSocket,
  parseSse,
  type Json,
  type TestServer,
} from './helpers/http.js';
import { startSlowModelServer, type SlowModelServer } from './helpers/slow-model.js';

let slow: SlowModelServer;
let server: TestServer;

beforeAll(async () => {
  slow = await startSlowModelServer({}, { repeats: 4 });
  server = slow.server;
});
afterAll(() => slow.close());

async function until(check: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a stream opened while a turn runs', () => {
  it('gets nothing of that turn, and the next one whole', async () => {
    const { id, token } = await createSession(server.url);
    const before = await openFeed(server.url, id, token);
    const first = call(server.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      body: { text: 'How do I reset my password?' },
    });
    // The turn is streaming its reply when the late streams open.
    await before.readUntil('event: text');
    const late = await openFeed(server.url, id, token);
    const ws = await openSocket(server.url, id, token);
    try {
      expect((await first).status).toBe(200);
      await before.readUntil('event: complete');
      await new Promise((r) => setTimeout(r, 300));
      expect(ws.frames).toEqual([]);

      const second = await call(server.url, 'POST', `/v1/sessions/${id}/messages`, {
        token,
        body: { text: 'And how do I change my email?' },
      });
      expect(second.status).toBe(200);
      await late.readUntil('event: complete');
      await until(() => ws.frames.some((f: Json) => f.type === 'complete'));
      const feedTypes = parseSse(late.text()).map((e) => e.event);
      const wsTypes = ws.frames.map((f: Json) => f.type as string);
      for (const types of [feedTypes.filter((t) => t !== 'ready'), wsTypes]) {
        expect(types[0]).toBe('customer_message');
        expect(types[1]).toBe('start');
        expect(types.filter((t) => t === 'complete')).toHaveLength(1);
        expect(types.at(-1)).toBe('complete');
      }
      const turnIds = new Set(ws.frames.filter((f: Json) => f.turnId).map((f: Json) => f.turnId));
      expect(turnIds).toEqual(new Set([second.body.turnId]));
    } finally {
      before.close();
      late.close();
      ws.socket.close();
    }
  }, 30_000);
});
