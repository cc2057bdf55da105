/**
 * WebSocket pings: a client's keepalive is answered as ever, while one that floods the server
 * with pings is closed with a close frame that says why (1008), not cut off without a word
 * (1006), and the server goes on serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { WS_MAX_PINGS, WS_PING_WINDOW_MS } from '../src/http/routes/ws.js';
import { FakeClock } from '../src/testing/index.js';
import { call, createSession, openSocket, startServer, type TestServer } from './helpers/http.js';

let t: TestServer;
beforeAll(async () => {
  t = await startServer();
});
afterAll(() => t.close());

/** How a socket was closed: its code and reason, as the client got them. */
const closing = (socket: WebSocket) =>
  new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );

/** Sends a ping and waits for its pong. */
const pinged = (socket: WebSocket, data: string) =>
  new Promise<string>((resolve) => {
    socket.once('pong', (payload) => resolve(String(payload)));
    socket.ping(data);
  });

describe('WebSocket pings', () => {
  it('are answered, one by one, for a client that pings now and then', async () => {
    const { id, token } = await createSession(t.url);
    const { socket, frames } = await openSocket(t.url, id, token);
    for (let i = 0; i < 20; i++)
      expect(await pinged(socket, `keepalive ${i}`)).toBe(`keepalive ${i}`);
    // The socket still carries the conversation.
    socket.send(JSON.stringify({ type: 'message', text: 'How do I reset my password?' }));
    await expect
      .poll(() => frames.some((f) => f.type === 'complete'), { timeout: 5_000 })
      .toBe(true);
    expect(socket.readyState).toBe(socket.OPEN);
    const closed = closing(socket);
    socket.close();
    expect((await closed).code).toBe(1005);
  });

  it(`close a socket that floods them with 1008 and a reason, and the server goes on`, async () => {
    const { id, token } = await createSession(t.url);
    const { socket } = await openSocket(t.url, id, token);
    const closed = closing(socket);
    let pongs = 0;
    socket.on('pong', () => (pongs += 1));
    for (let i = 0; i < 5_000 && socket.readyState === socket.OPEN; i++) socket.ping();
    expect(await closed).toEqual({
      code: 1008,
      reason: `too many pings (at most ${WS_MAX_PINGS} in ${WS_PING_WINDOW_MS / 1000} s)`,
    });
    // Those within the bound were answered before the close.
    expect(pongs).toBe(WS_MAX_PINGS);

    expect((await call(t.url, 'GET', '/health')).status).toBe(200);
    const again = await openSocket(t.url, id, token);
    expect(await pinged(again.socket, 'still there')).toBe('still there');
    again.socket.close();
  });

  it('are bounded in any span of the window, not in fixed windows: a burst across an edge is closed too', async () => {
    const clock = new FakeClock();
    const timed = await startServer({}, { clock });
    try {
      const { id, token } = await createSession(timed.url);
      const { socket } = await openSocket(timed.url, id, token);
      const closed = closing(socket);
      const half = WS_MAX_PINGS / 2;
      const burst = async (n: number, tag: string) => {
        for (let i = 0; i < n; i++) expect(await pinged(socket, `${tag} ${i}`)).toBe(`${tag} ${i}`);
      };
      await burst(half, 'first');
      await clock.advance(WS_PING_WINDOW_MS - 100);
      // The bound's other half, just before the window's end.
      await burst(half, 'second');
      await clock.advance(200);
      // The first half is now older than the window: as many again are answered, and no more.
      await burst(half, 'third');
      expect(socket.readyState).toBe(socket.OPEN);
      socket.ping('one too many');
      const stillOpen = new Promise((resolve) => setTimeout(() => resolve('still open'), 2_000));
      expect(await Promise.race([closed, stillOpen])).toEqual({
        code: 1008,
        reason: `too many pings (at most ${WS_MAX_PINGS} in ${WS_PING_WINDOW_MS / 1000} s)`,
      });
    } finally {
      await timed.close();
    }
  });
});
