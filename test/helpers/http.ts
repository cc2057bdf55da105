// A real server on a loopback port for HTTP tests, and small clients for its API.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createApp, openApp, type App, type AppOverrides } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { buildServer, type SupportServer } from '../../src/http/index.js';
import type { TurnEvent } from '../../src/protocol/index.js';

/** The admin key test servers are started with. */
export const ADMIN_KEY = 'test-admin-key-0123456789';

export interface TestServer {
  app: App;
  server: SupportServer;
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

/** Starts an app and its server on 127.0.0.1 with a free port: SQLite in memory, or Postgres when `DATABASE_URL` is given. */
export async function startServer(
  env: Record<string, string> = {},
  overrides: AppOverrides = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'support-agent-http-'));
  const config = loadConfig({
    env: {
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      ADMIN_API_KEY: ADMIN_KEY,
      TOOL_RETRY_ATTEMPTS: '1',
      // Every test's sessions come from 127.0.0.1: the limit on new ones has a test of its own.
      SESSION_STARTS_PER_MINUTE: '100000',
      ...env,
    },
  });
  const app = config.databaseUrl
    ? await openApp(config, overrides)
    : createApp(config, { databasePath: ':memory:', ...overrides });
  await seedKnowledge(app);
  const server = await buildServer(app);
  await server.listen({ host: '127.0.0.1', port: 0 });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    server,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    async close() {
      await server.close();
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Two help-center articles every test server knows. */
export async function seedKnowledge(app: App): Promise<void> {
  await app.knowledge.replaceSource('kb', '/help/faq.json', 'h', [
    {
      docKey: '0',
      title: 'How do I reset my password?',
      format: 'faq_json',
      contentHash: 'a',
      chunks: [
        {
          ordinal: 0,
          headingPath: [],
          text: 'Open Settings and choose Security. Press Reset password and follow the link we e-mail you. The link works for 24 hours.',
        },
      ],
    },
    {
      docKey: '1',
      title: 'What is your refund policy?',
      format: 'faq_json',
      contentHash: 'b',
      chunks: [
        {
          ordinal: 0,
          headingPath: [],
          text: 'You can get a refund within 30 days of purchase. Gift cards cannot be refunded.',
        },
      ],
    },
  ]);
}

/** Creates a session over HTTP. */
export async function createSession(url: string): Promise<{ id: string; token: string }> {
  const response = await fetch(`${url}/v1/sessions`, { method: 'POST' });
  if (response.status !== 201) throw new Error(`POST /v1/sessions: ${response.status}`);
  return (await response.json()) as { id: string; token: string };
}

/** `Authorization` header of a token. */
export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/**
 * Sends a customer message as JSON and asks for its turn as SSE; the response is the stream.
 * `headers` are sent too (an `Idempotency-Key`); `signal` drops the connection when aborted.
 */
export function sendStreaming(
  url: string,
  id: string,
  token: string,
  text: string,
  options: { headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Response> {
  return fetch(`${url}/v1/sessions/${id}/messages`, {
    method: 'POST',
    headers: {
      ...bearer(token),
      'content-type': 'application/json',
      accept: 'text/event-stream',
      ...options.headers,
    },
    body: JSON.stringify({ text }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/**
 * Reads a streamed response until its text so far includes `wanted` (an event's name, say), and
 * returns that text; the rest of the stream is left unread. Throws when the stream ends first.
 */
export async function readUntil(response: Response, wanted: string): Promise<string> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let seen = '';
  while (!seen.includes(wanted)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended before "${wanted}"`);
    seen += decoder.decode(value, { stream: true });
  }
  reader.releaseLock();
  return seen;
}

/** A parsed JSON body, read loosely in assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read arbitrary fields
export type Json = any;

/** Sends a JSON request and returns status, headers and parsed body. */
export async function call(
  url: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: Json }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? bearer(options.token) : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  return { status: response.status, headers: response.headers, body };
}

/** Parses a whole Server-Sent Events body into `{event, data}` pairs. */
export function parseSse(text: string): Array<{ event: string; data: TurnEvent }> {
  const events: Array<{ event: string; data: TurnEvent }> = [];
  for (const block of text.split('\n\n')) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length > 0) events.push({ event, data: JSON.parse(data.join('\n')) as TurnEvent });
  }
  return events;
}

/** A session's live feed (`GET /v1/sessions/:id/events`), read as it arrives. */
export interface Feed {
  /** Reads until `marker` (e.g. `event: complete`) has arrived or the stream ended. */
  readUntil(marker: string): Promise<void>;
  /** Everything received so far. */
  text(): string;
  close(): void;
  /** The headers of the feed's response. */
  headers: Headers;
}

/**
 * Gives a session a customer message dated `daysAgo` days back, as its last: for the retention
 * sweep to find it past `RETENTION_DAYS`.
 */
export async function addOldMessage(app: App, sessionId: string, daysAgo: number): Promise<void> {
  await app.conversations.appendMessage({
    id: randomUUID(),
    sessionId,
    role: 'user',
    text: 'Where is my parcel?',
    turnId: 't',
    requestId: null,
    metadata: {},
    createdAt: new Date(Date.now() - daysAgo * 86_400_000).toISOString(),
  });
}

/** Opens a session's live feed over SSE. */
export async function openFeed(url: string, id: string, token: string): Promise<Feed> {
  const controller = new AbortController();
  const response = await fetch(`${url}/v1/sessions/${id}/events`, {
    headers: { ...bearer(token), accept: 'text/event-stream' },
    signal: controller.signal,
  });
  if (response.status !== 200) throw new Error(`the feed answered ${response.status}`);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  return {
    async readUntil(marker) {
      while (!text.includes(marker)) {
        const { done, value } = await reader.read();
        if (done) return;
        text += decoder.decode(value, { stream: true });
      }
    },
    text: () => text,
    close: () => controller.abort(),
    headers: response.headers,
  };
}

/** A ticket system's webhook receiver on loopback, and the settings that point a server at it. */
export interface WebhookReceiver {
  /** `ESCALATION_WEBHOOK_URL` and `ESCALATION_WEBHOOK_SECRET` for {@link startServer}. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts a webhook receiver that answers each delivery with the status `answer` gives for it
 * (its request and its whole body).
 */
export async function startWebhookReceiver(
  answer: (request: IncomingMessage, body: string) => number,
): Promise<WebhookReceiver> {
  const receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => response.writeHead(answer(request, body)).end());
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;
  return {
    env: {
      ESCALATION_WEBHOOK_URL: `http://127.0.0.1:${port}/hook`,
      ESCALATION_WEBHOOK_SECRET: 'a-webhook-secret-0123456789',
    },
    close: () => new Promise((resolve) => receiver.close(() => resolve())),
  };
}

/** A session's WebSocket, open, with what it received and how it was closed. */
export async function openSocket(
  url: string,
  id: string,
  token: string,
): Promise<{ frames: Json[]; closed: Promise<number>; socket: WebSocket }> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/v1/sessions/${id}/ws`, {
    headers: bearer(token),
  });
  const frames: Json[] = [];
  socket.on('message', (data) => frames.push(JSON.parse(String(data))));
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { frames, closed, socket };
}
