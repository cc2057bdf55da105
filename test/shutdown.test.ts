/**
 * Graceful shutdown of a real `support-agent serve` process: SIGTERM during a streamed turn lets
 * the turn finish, the client gets `complete`, the reply is stored, an idle WebSocket gets a last
 * `shutdown` event, and the process exits 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { startFakeOpenAi, type FakeOpenAi } from '../src/testing/index.js';
import { bearer, createSession, sendStreaming } from './helpers/http.js';
import { startServe, waitFor, type ServeProcess } from './helpers/process.js';
import { REDIS_URL, serviceAvailable, uniqueName } from './helpers/services.js';

let llm: FakeOpenAi;
let server: ServeProcess | undefined;

beforeAll(async () => {
  // A reply that takes about two seconds to stream: SIGTERM lands in the middle of it.
  llm = await startFakeOpenAi({
    chat: {
      text: 'Open Settings, choose Security and press Reset password; the e-mailed link works for a day.',
      chunkSize: 4,
      delayMs: 80,
    },
  });
});
afterAll(async () => {
  if (server?.child.exitCode === null) server.child.kill('SIGKILL');
  await llm.close();
});

describe('SIGTERM', () => {
  it('drains first: /ready answers 503 draining while requests are still served, then it exits 0', async () => {
    server = await startServe({
      SHUTDOWN_DRAIN_MS: '2000',
      SHUTDOWN_GRACE_MS: '1000',
      ADMIN_API_KEY: 'shutdown-test-admin-key',
    });
    const { url } = server;
    const session = await createSession(url);
    expect((await fetch(`${url}/ready`)).status).toBe(200);
    const signalled = Date.now();
    server.child.kill('SIGTERM');
    await waitFor(() => server?.out().includes('"msg":"shutting down"') ?? false, 'draining');

    // A balancer sees the pod leave while a request it still routes here is answered.
    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'draining' });
    const started = await fetch(`${url}/v1/sessions`, { method: 'POST' });
    expect(started.status).toBe(201);
    const message = await fetch(`${url}/v1/sessions/${session.id}/messages`, {
      method: 'POST',
      headers: { ...bearer(session.token), 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'How do I reset my password?' }),
    });
    expect(message.status).toBe(200);
    expect(Date.now() - signalled).toBeLessThan(2_000);

    expect(await server.exited).toBe(0);
    // The drain was waited out; the grace period then had nothing left to wait for.
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(2_000);
    expect(server.out()).toContain('"msg":"stopped"');
  }, 40_000);

  it('lets a streamed turn finish, stores its reply, ends idle streams, and exits 0', async () => {
    server = await startServe({
      LLM_BASE_URL: llm.url,
      LLM_MODEL: 'fake-model',
      SHUTDOWN_GRACE_MS: '15000',
      SHUTDOWN_DRAIN_MS: '0',
      ADMIN_API_KEY: 'shutdown-test-admin-key',
    });
    const { url } = server;
    const session = await createSession(url);
    const idle = await createSession(url);

    const socket = new WebSocket(
      `${url.replace('http', 'ws')}/v1/sessions/${idle.id}/ws?token=${idle.token}`,
    );
    const frames: Array<Record<string, unknown>> = [];
    socket.on('message', (data) =>
      frames.push(JSON.parse(String(data)) as Record<string, unknown>),
    );
    const socketClosed = new Promise<number>((resolve) =>
      socket.once('close', (code) => resolve(code)),
    );
    await new Promise((resolve) => socket.once('open', resolve));
    // An idle live feed, ended by the shutdown.
    const feed = await fetch(`${url}/v1/sessions/${idle.id}/events`, {
      headers: { ...bearer(idle.token), accept: 'text/event-stream', 'x-request-id': 'feed-req-1' },
    });
    expect(feed.status).toBe(200);
    const feedText = feed.text().catch(() => '');

    const response = await sendStreaming(
      url,
      session.id,
      session.token,
      'How do I reset my password?',
    );
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    let signalled = false;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (!signalled && text.includes('event: text')) {
        signalled = true;
        server.child.kill('SIGTERM');
        await waitFor(() => server?.out().includes('"msg":"shutting down"') ?? false, 'draining');
      }
    }
    expect(signalled).toBe(true);
    const events = text
      .split('\n\n')
      .filter((block) => block.includes('event: '))
      .map((block) => /event: (\w+)/.exec(block)?.[1]);
    expect(events[0]).toBe('start');
    expect(events.at(-1)).toBe('complete');
    const completeBlock = text.split('\n\n').find((block) => block.includes('event: complete'));
    const complete = JSON.parse(/data: (.*)/.exec(completeBlock as string)?.[1] as string) as {
      message: { text: string };
    };
    expect(complete.message.text).toContain('Reset password');

    expect(await server.exited).toBe(0);
    expect(await socketClosed).toBe(1001);
    // Sessions live in this process's memory: the restart ends them, and the event says so
    // rather than send the customer back to a token that will be refused.
    expect(frames.at(-1)).toEqual({
      type: 'shutdown',
      resumable: false,
      message:
        'The server is restarting, which ends this conversation. Start a new conversation in a moment if you need more help.',
    });
    const feedBody = await feedText;
    expect(feedBody).toContain('event: shutdown');
    expect(feedBody).toContain('"resumable":false');
    // The feed's request line is written at shutdown, outside its request; it still names it.
    const feedLine = server
      .out()
      .split('\n')
      .find((line) => line.includes(`/v1/sessions/${idle.id}/events`));
    expect(feedLine).toContain('"requestId":"feed-req-1"');

    // The reply is in the database the stopped server left behind.
    const app = createApp(loadConfig({ env: { LOG_LEVEL: 'silent', DATA_DIR: server.dataDir } }));
    try {
      const stored = await app.conversations.messages(session.id);
      expect(stored.map((m) => m.role)).toEqual(['user', 'assistant']);
      expect(stored[1]?.text).toBe(complete.message.text);
    } finally {
      await app.close();
    }
  }, 40_000);

  it('cuts short a turn still running when the grace period ends, and stores what it had', async () => {
    // A reply that would take about ten seconds to stream, against a grace period of half a second.
    const slow = await startFakeOpenAi({
      chat: { text: 'Open Settings and choose Security. '.repeat(40), chunkSize: 4, delayMs: 40 },
    });
    try {
      server = await startServe({
        LLM_BASE_URL: slow.url,
        LLM_MODEL: 'fake-model',
        SHUTDOWN_GRACE_MS: '500',
        SHUTDOWN_DRAIN_MS: '0',
        ADMIN_API_KEY: 'shutdown-test-admin-key',
      });
      const { url } = server;
      const session = await createSession(url);
      const response = await sendStreaming(
        url,
        session.id,
        session.token,
        'How do I reset my password?',
      );
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let text = '';
      let signalled = false;
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done) break;
        text += decoder.decode(value, { stream: true });
        if (!signalled && text.includes('event: text')) {
          signalled = true;
          server.child.kill('SIGTERM');
        }
      }
      expect(await server.exited).toBe(0);
      const cutShort = server
        .out()
        .split('\n')
        .filter((line) => line.includes('turn cut short by shutdown'));
      expect(cutShort).toHaveLength(1);
      expect(cutShort[0]).toContain(`"sessionId":"${session.id}"`);

      // The customer's message and the part of the reply streamed before the cut are kept.
      const streamed = text
        .split('\n\n')
        .filter((block) => block.includes('event: text'))
        .map(
          (block) =>
            (JSON.parse(/data: (.*)/.exec(block)?.[1] as string) as { delta: string }).delta,
        )
        .join('');
      expect(streamed.length).toBeGreaterThan(0);
      const app = createApp(loadConfig({ env: { LOG_LEVEL: 'silent', DATA_DIR: server.dataDir } }));
      try {
        const stored = await app.conversations.messages(session.id);
        expect(stored.map((m) => m.role)).toEqual(['user', 'assistant']);
        expect(stored[1]?.text.startsWith(streamed.slice(0, 40))).toBe(true);
      } finally {
        await app.close();
      }
    } finally {
      await slow.close();
    }
  }, 40_000);
});

describe.runIf(await serviceAvailable('Redis', REDIS_URL, 6379))(
  'SIGTERM with sessions in Redis',
  () => {
    it('tells open streams to reconnect, and the restarted server takes the same token', async () => {
      const env = {
        REDIS_URL,
        REDIS_KEY_PREFIX: `${uniqueName('shutdown')}:`,
        ADMIN_API_KEY: 'shutdown-test-admin-key',
        SHUTDOWN_DRAIN_MS: '0',
      };
      server = await startServe(env);
      const session = await createSession(server.url);
      const socket = new WebSocket(
        `${server.url.replace('http', 'ws')}/v1/sessions/${session.id}/ws?token=${session.token}`,
      );
      const frames: Array<Record<string, unknown>> = [];
      socket.on('message', (data) =>
        frames.push(JSON.parse(String(data)) as Record<string, unknown>),
      );
      const socketClosed = new Promise<number>((resolve) =>
        socket.once('close', (code) => resolve(code)),
      );
      await new Promise((resolve) => socket.once('open', resolve));
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      expect(await socketClosed).toBe(1001);
      expect(frames.at(-1)).toEqual({
        type: 'shutdown',
        resumable: true,
        message: 'The server is restarting; reconnect in a moment to continue this conversation.',
      });

      const again = await startServe({ ...env, DATA_DIR: server.dataDir });
      try {
        const read = await fetch(`${again.url}/v1/sessions/${session.id}`, {
          headers: bearer(session.token),
        });
        expect(read.status).toBe(200);
      } finally {
        again.child.kill('SIGTERM');
        await again.exited;
      }
    }, 40_000);
  },
);
