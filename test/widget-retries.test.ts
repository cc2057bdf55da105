/**
 * A chat widget on a flaky mobile network retries a message with the same Idempotency-Key, as
 * the API asks, through real sockets: the retries of one message are not new messages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  call,
  createSession,
  openSocket,
  type Json,
  type TestServer,
} from './helpers/http.js';
import { startSlowModelServer, type SlowModelServer } from './helpers/slow-model.js';

let slow: SlowModelServer;
let server: TestServer;

beforeAll(async () => {
  // A model that takes about two seconds to answer: the widget retries while it does.
  slow = await startSlowModelServer({ SESSION_MESSAGES_PER_MINUTE: '3' });
  server = slow.server;
});
afterAll(() => slow.close());

/** Sends a message as JSON, with an Idempotency-Key. */
function send(id: string, token: string, text: string, key: string): Promise<Response> {
  return fetch(`${server.url}/v1/sessions/${id}/messages`, {
    method: 'POST',
    headers: { ...bearer(token), 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ text }),
  });
}

describe('retries of one message with its Idempotency-Key', () => {
  it('are not counted as messages: following Retry-After does not use up the session’s limit', async () => {
    const { id, token } = await createSession(server.url);
    const text = 'How do I reset my password?';
    // The first request's connection stays open (the phone lost its answer, not its socket).
    const first = send(id, token, text, 'key-1');
    await new Promise((r) => setTimeout(r, 300));

    // The widget retries, as the 409's Retry-After says, while the first still runs.
    for (let i = 0; i < 3; i++) {
      const retry = await send(id, token, text, 'key-1');
      expect(retry.status).toBe(409);
      expect(retry.headers.get('retry-after')).toBe('1');
      await retry.body?.cancel();
    }
    const original = (await (await first).json()) as { message: { id: string } };

    // Once it has finished, the retry gets the stored reply, not a 429.
    const replay = await send(id, token, text, 'key-1');
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(((await replay.json()) as { message: { id: string } }).message.id).toBe(
      original.message.id,
    );

    // One message was sent: the customer's next one is not refused either.
    const next = await send(id, token, 'And my e-mail address?', 'key-2');
    expect(next.status).toBe(200);
    await next.body?.cancel();

    const history = await call(server.url, 'GET', `/v1/sessions/${id}/messages`, { token });
    expect(history.body.items.map((m: { seq: number; role: string }) => [m.seq, m.role])).toEqual([
      [1, 'user'],
      [2, 'assistant'],
      [3, 'user'],
      [4, 'assistant'],
    ]);
  }, 20_000);
});

describe('a message sent again over a new WebSocket with its idempotencyKey', () => {
  it('gets the stored reply each time, and is not counted again against the session’s limit', async () => {
    const { id, token } = await createSession(server.url);
    const message = {
      type: 'message',
      text: 'How do I reset my password?',
      idempotencyKey: 'ws-1',
    };
    let first: string | undefined;
    // The phone loses its socket after each answer and sends the message again on the next.
    for (let attempt = 0; attempt < 4; attempt++) {
      const ws = await openSocket(server.url, id, token);
      ws.socket.send(JSON.stringify({ ...message, id: `try-${attempt}` }));
      const answer = await answerTo(ws.frames, `try-${attempt}`);
      expect(answer).toMatchObject({ type: 'complete' });
      first ??= answer.message.id;
      expect(answer.message.id).toBe(first);
      ws.socket.close();
      await ws.closed;
    }
    const ws = await openSocket(server.url, id, token);
    ws.socket.send(
      JSON.stringify({ type: 'message', text: 'And my e-mail?', idempotencyKey: 'ws-2', id: 'n' }),
    );
    expect(await answerTo(ws.frames, 'n')).toMatchObject({ type: 'complete' });
    ws.socket.close();
    await ws.closed;

    const history = await call(server.url, 'GET', `/v1/sessions/${id}/messages`, { token });
    expect(history.body.items.map((m: { role: string }) => m.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
  }, 20_000);
});

/** The `complete` or `error` event that answers the frame with `id`, within 8 s. */
async function answerTo(frames: Json[], id: string): Promise<Json> {
  const deadline = Date.now() + 8_000;
  const end = () =>
    frames.find((f) => f.replyTo === id && (f.type === 'complete' || f.type === 'error'));
  while (end() === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return end();
}
