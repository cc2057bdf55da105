/**
 * A session's per-minute limit on messages, for multipart messages sent with an
 * `Idempotency-Key`: each new one is charged before its body is read (a flood past the limit is
 * refused without its uploads being read), and a retry of a key that holds a stored reply is
 * answered with it, uncharged, whatever the limit says.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createSession, startServer, type Json, type TestServer } from './helpers/http.js';

const LIMIT = 3;

let t: TestServer;
beforeAll(async () => {
  t = await startServer({
    SESSION_MESSAGES_PER_MINUTE: String(LIMIT),
    ATTACHMENT_MAX_FILE_BYTES: '2048',
  });
});
afterAll(() => t.close());

/** A multipart message with `text` and, when given, one file of `fileBytes` bytes. */
function message(text: string, fileBytes = 0): FormData {
  const body = new FormData();
  body.set('text', text);
  if (fileBytes > 0) body.set('file', new Blob([new Uint8Array(fileBytes).fill(0x61)]), 'a.txt');
  return body;
}

async function send(session: { id: string; token: string }, key: string, body: FormData) {
  const response = await fetch(`${t.url}/v1/sessions/${session.id}/messages`, {
    method: 'POST',
    headers: { ...bearer(session.token), 'idempotency-key': key },
    body,
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Json,
  };
}

describe('keyed multipart messages and the per-session limit', () => {
  it('refuses a flood past the limit with 429 before reading the bodies', async () => {
    const session = await createSession(t.url);
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT; i++) {
      statuses.push((await send(session, randomUUID(), message(`Question ${i}?`))).status);
    }
    expect(statuses).toEqual(Array.from({ length: LIMIT }, () => 200));

    for (let i = 0; i < 4; i++) {
      const refused = await send(session, randomUUID(), message(`More ${i}?`));
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('rate_limited');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // Refused by the limit, not by what the body holds: a file over its own limit (413 once
    // read) is not read at all.
    const unread = await send(session, randomUUID(), message('A big file', 4096));
    expect(unread.status).toBe(429);
    expect(Number(unread.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('replays a stored key past the limit, uncharged', async () => {
    const session = await createSession(t.url);
    const stored = randomUUID();
    const first = await send(session, stored, message('When do you open?'));
    expect(first.status).toBe(200);

    // Retries of the stored key take nothing from the limit, before it is reached and after.
    for (let i = 0; i < 5; i++) {
      const again = await send(session, stored, message('When do you open?'));
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
    }
    const counted: number[] = [];
    for (let i = 1; i < LIMIT + 1; i++) {
      counted.push((await send(session, randomUUID(), message(`Next ${i}?`))).status);
    }
    expect(counted).toEqual([...Array.from({ length: LIMIT - 1 }, () => 200), 429]);

    const replayed = await send(session, stored, message('When do you open?'));
    expect(replayed.status).toBe(200);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body).toEqual(first.body);
  });
});
