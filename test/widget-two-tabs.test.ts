/**
 * One customer in two tabs of the chat widget, through real sockets: a message sent from one tab
 * while the other's turn still runs, and what each tab's live feed shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  bearer,
  call,
  createSession,
  openFeed,
  parseSse,
  type TestServer,
} from './helpers/http.js';
import { startSlowModelServer, type SlowModelServer } from './helpers/slow-model.js';

let slow: SlowModelServer;
let server: TestServer;

beforeAll(async () => {
  // A model that takes about two seconds to answer: the other tab sends while it does.
  slow = await startSlowModelServer({ SESSION_LOCK_WAIT_MS: '200' });
  server = slow.server;
});
afterAll(() => slow.close());

/** Sends a message from a tab, as SSE or JSON. */
function send(id: string, token: string, text: string, sse: boolean): Promise<Response> {
  return fetch(`${server.url}/v1/sessions/${id}/messages`, {
    method: 'POST',
    headers: {
      ...bearer(token),
      'content-type': 'application/json',
      ...(sse ? { accept: 'text/event-stream' } : {}),
    },
    body: JSON.stringify({ text }),
  });
}

describe('a message from a second tab while the first tab’s turn runs', () => {
  it('is refused with a message a widget can show, and a Retry-After, over JSON, SSE and WebSocket', async () => {
    const { id, token } = await createSession(server.url);
    const first = send(id, token, 'How do I reset my password?', true);
    const feed = await openFeed(server.url, id, token);
    try {
      await refusedEverywhere(id, token, first, feed);
    } finally {
      feed.close();
    }
  }, 20_000);
});

async function refusedEverywhere(
  id: string,
  token: string,
  first: Promise<Response>,
  feed: Awaited<ReturnType<typeof openFeed>>,
): Promise<void> {
  await feed.readUntil('event: start');

  for (const sse of [false, true]) {
    const response = await send(id, token, 'And my e-mail address?', sse);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('rejected');
    // The customer's words, not the lock's: no session id, no milliseconds of a lock wait.
    expect(body.error.message).not.toContain(id);
    expect(body.error.message).not.toMatch(/\block|\bms\b/);
    expect(body.error.message).toMatch(/earlier message|previous message/);
  }

  const socket = new WebSocket(`${server.url.replace('http', 'ws')}/v1/sessions/${id}/ws`, {
    headers: bearer(token),
  });
  const frames: Array<Record<string, unknown>> = [];
  socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(JSON.stringify({ type: 'message', text: 'And my e-mail address?', id: 'b1' }));
  const deadline = Date.now() + 3_000;
  while (!frames.some((f) => f.replyTo === 'b1') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const refusal = frames.find((f) => f.replyTo === 'b1');
  expect(refusal).toMatchObject({ type: 'error', code: 'rejected', retryable: true });
  expect(String(refusal?.message)).not.toContain(id);
  expect(String(refusal?.message)).toMatch(/earlier message|previous message/);
  socket.close();

  // The first tab's turn is whole; the refused messages were never stored.
  const events = parseSse(await (await first).text());
  expect(events.at(-1)?.event).toBe('complete');
  await feed.readUntil('event: complete');
  const history = await call(server.url, 'GET', `/v1/sessions/${id}/messages`, { token });
  expect(history.body.items.map((m: { seq: number; role: string }) => [m.seq, m.role])).toEqual([
    [1, 'user'],
    [2, 'assistant'],
  ]);
}
