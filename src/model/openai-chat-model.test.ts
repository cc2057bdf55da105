import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors/index.js';
import {
  FAULT_CHUNK_TEXT,
  startFakeOpenAi,
  type FakeOpenAi,
} from '../testing/fake-openai-server.js';
import type { ChatDelta, ChatModel, ChatRequest } from './chat-model.js';
import { createOpenAiChatModel } from './openai-chat-model.js';
import { MAX_EVENT_CHARS } from './sse-parser.js';

const KEY = 'sk-test-5ecret-key-do-not-leak';
const ASK: ChatRequest = {
  system: 'You answer questions about orders.',
  messages: [{ role: 'user', content: 'Where is my order?' }],
};

let fake: FakeOpenAi;

beforeEach(async () => {
  fake = await startFakeOpenAi();
});

afterEach(async () => {
  await fake.close();
});

async function collect(model: ChatModel, request: ChatRequest = ASK): Promise<ChatDelta[]> {
  const deltas: ChatDelta[] = [];
  for await (const delta of model.stream(request)) deltas.push(delta);
  return deltas;
}

/** The error `promise` rejects with, checked to be an AppError. */
async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** The deltas yielded before the stream failed, and the failure. */
async function collectUntilFailure(model: ChatModel, request: ChatRequest = ASK) {
  const deltas: ChatDelta[] = [];
  const error = await failure(
    (async () => {
      for await (const delta of model.stream(request)) deltas.push(delta);
    })(),
  );
  return { deltas, error };
}

/** A `fetch` that answers every request with `body` as an event stream. */
function sseFetch(body: string): typeof fetch {
  return async () => new Response(body, { headers: { 'content-type': 'text/event-stream' } });
}

const text = (deltas: ChatDelta[]) => deltas.map((d) => (d.type === 'text' ? d.text : '')).join('');

/** A server on loopback that answers every request with `answer`; `closed` counts aborts. */
async function startServerAnswering(answer: (res: ServerResponse) => void) {
  const held = { requests: 0, closed: 0 };
  const server = createServer((req, res) => {
    req.resume();
    held.requests++;
    res.once('close', () => held.closed++);
    answer(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    held,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

const JSON_COMPLETION = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'It ships today.' }, finish_reason: 'stop' },
  ],
});

describe('createOpenAiChatModel', () => {
  it('streams the text in several deltas, then the usage and the finish', async () => {
    const answer = 'Your order left our warehouse on Monday; it arrives within three days.';
    fake.chatReplies({ text: answer, chunkSize: 5 });
    const model = createOpenAiChatModel({ baseUrl: fake.url, model: 'gpt-test' });

    const deltas = await collect(model);

    expect(deltas.filter((d) => d.type === 'text').length).toBeGreaterThan(5);
    expect(text(deltas)).toBe(answer);
    expect(deltas.slice(-2)).toEqual([
      { type: 'usage', inputTokens: 9, outputTokens: 12 },
      { type: 'finish', reason: 'stop' },
    ]);
    expect(model.name).toBe('gpt-test');
  });

  it('assembles tool calls from their fragments and yields each once, whole', async () => {
    const args = { query: 'refund policy for damaged items', limit: 3 };
    fake.chatReplies({
      toolCalls: [
        { name: 'kb_search', arguments: args },
        { name: 'escalate', arguments: { reason: 'angry customer' } },
      ],
      chunkSize: 3,
    });
    const model = createOpenAiChatModel({ baseUrl: fake.url, model: 'gpt-test' });

    const deltas = await collect(model);

    expect(deltas.filter((d) => d.type !== 'usage')).toEqual([
      {
        type: 'tool_call',
        call: { id: 'call_fake_1_0', name: 'kb_search', arguments: JSON.stringify(args) },
      },
      {
        type: 'tool_call',
        call: {
          id: 'call_fake_1_1',
          name: 'escalate',
          arguments: '{"reason":"angry customer"}',
        },
      },
      { type: 'finish', reason: 'tool_calls' },
    ]);
  });

  it('sends the model, the stream flags, the system prompt first, tools and tool messages', async () => {
    await fake.close();
    fake = await startFakeOpenAi({ apiKey: KEY });
    const model = createOpenAiChatModel({
      baseUrl: `${fake.url}/`,
      model: 'gpt-test',
      apiKey: KEY,
      temperature: 0.2,
      maxTokens: 500,
    });
    const parameters = { type: 'object', properties: { query: { type: 'string' } } };

    await collect(model, {
      system: 'Be brief.',
      messages: [
        { role: 'user', content: 'Refund?' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'call_1', name: 'kb_search', arguments: '{"query":"refund"}' }],
        },
        { role: 'tool', toolCallId: 'call_1', content: 'Refunds take 5 days.' },
      ],
      tools: [{ name: 'kb_search', description: 'Searches the help center.', parameters }],
      maxTokens: 100,
    });

    const request = fake.requests[0];
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request?.headers.accept).toBe('text/event-stream');
    expect(request?.body).toEqual({
      model: 'gpt-test',
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
      max_tokens: 100,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Refund?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'kb_search', arguments: '{"query":"refund"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'Refunds take 5 days.' },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'kb_search', description: 'Searches the help center.', parameters },
        },
      ],
    });
  });

  it('sends no tools, temperature or system message when there are none', async () => {
    const model = createOpenAiChatModel({ baseUrl: fake.url, model: 'gpt-test' });
    await collect(model, { system: '', messages: ASK.messages, tools: [] });
    expect(fake.requests[0]?.body).toEqual({
      model: 'gpt-test',
      stream: true,
      stream_options: { include_usage: true },
      messages: ASK.messages,
    });
    expect(fake.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('refuses a tool result without the id of its call before sending anything', async () => {
    const model = createOpenAiChatModel({ baseUrl: fake.url, model: 'gpt-test' });
    const error = await failure(
      collect(model, { system: '', messages: [{ role: 'tool', content: 'x' }] }),
    );
    expect(error).toMatchObject({ code: 'invalid_input', retryable: false });
    expect(fake.requests).toHaveLength(0);
  });

  it('fails retryably on a 500, and rate-limited with the wait on a 429', async () => {
    const model = createOpenAiChatModel({ baseUrl: fake.url, model: 'gpt-test' });
    fake.failNext(1, { status: 500 });
    fake.failNext(1, { status: 429, retryAfterSeconds: 2 });

    const unavailable = await failure(collect(model));
    expect(unavailable).toMatchObject({
      code: 'upstream_unavailable',
      retryable: true,
      details: { status: 500 },
    });
    expect(unavailable.message).toContain('answered 500: Injected fault: HTTP 500');

    const limited = await failure(collect(model));
    expect(limited).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 2_000 });
  });

  it('fails without retry on a 401, quoting the upstream but never the key', async () => {
    const model = createOpenAiChatModel({ baseUrl: fake.url, model: 'gpt-test', apiKey: KEY });
    fake.failNext(1, {
      status: 401,
      body: { error: { message: `Incorrect API key provided: ${KEY}.`, code: 'invalid_api_key' } },
    });

    const error = await failure(collect(model));

    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: false });
    expect(error.message).toContain('answered 401: Incorrect API key provided: [redacted].');
    expect(error.message).not.toContain(KEY);
    expect(JSON.stringify(error.details)).not.toContain(KEY);
  });

  it('asks again without the usage option a server refuses, and then never asks for it', async () => {
    // As Azure OpenAI answers before api-version 2024-09-01-preview.
    const bodies: Array<Record<string, unknown>> = [];
    const azure = createServer((req, res) => {
      let raw = '';
      req.on('data', (piece: Buffer) => (raw += piece.toString()));
      req.on('end', () => {
        const body = JSON.parse(raw) as Record<string, unknown>;
        bodies.push(body);
        if ('stream_options' in body) {
          res.writeHead(400, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              error: {
                code: null,
                message: 'Unrecognized request argument supplied: stream_options',
                param: null,
                type: 'invalid_request_error',
              },
            }),
          );
          return;
        }
        const chunk = (delta: unknown, finish: string | null) =>
          `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(
          `${chunk({ content: 'It ships today.' }, null)}${chunk({}, 'stop')}data: [DONE]\n\n`,
        );
      });
    });
    await new Promise<void>((resolve) => azure.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = azure.address() as AddressInfo;
      const model = createOpenAiChatModel({
        baseUrl: `http://127.0.0.1:${port}/openai/deployments/gpt-4o?api-version=2024-06-01`,
        model: 'gpt-4o',
      });
      expect(await collect(model)).toEqual([
        { type: 'text', text: 'It ships today.' },
        { type: 'finish', reason: 'stop' },
      ]);
      expect(bodies).toHaveLength(2);
      expect(await collect(model)).toHaveLength(2);
      expect(bodies).toHaveLength(3);
      expect(bodies[2]).not.toHaveProperty('stream_options');
    } finally {
      azure.closeAllConnections();
      await new Promise((resolve) => azure.close(resolve));
    }
  });

  it('fails retryably when the server cannot be reached', async () => {
    const gone = await startFakeOpenAi();
    await gone.close();
    const model = createOpenAiChatModel({ baseUrl: gone.url, model: 'gpt-test', apiKey: KEY });

    const error = await failure(collect(model));

    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: true });
    expect(error.message).toContain('Cannot reach the chat model at');
    expect(error.message).not.toContain(KEY);
  });

  it('fails without retry on a chunk that is not JSON, after the text before it', async () => {
    fake.failNext(1, 'malformed');
    const model = createOpenAiChatModel({ baseUrl: fake.url, model: 'gpt-test' });

    const { deltas, error } = await collectUntilFailure(model);

    expect(deltas).toEqual([{ type: 'text', text: FAULT_CHUNK_TEXT }]);
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: false });
    expect(error.message).toContain('sent a chunk that is not a JSON object: {not json');
  });

  it('fails retryably when the stream ends before the answer is complete', async () => {
    fake.failNext(1, 'cut');
    const model = createOpenAiChatModel({ baseUrl: fake.url, model: 'gpt-test' });

    const { deltas, error } = await collectUntilFailure(model);

    expect(deltas).toEqual([{ type: 'text', text: FAULT_CHUNK_TEXT }]);
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: true });
    expect(error.message).toContain('ended the stream before the answer was complete');
  });

  it('fails retryably when the connection drops mid-stream', async () => {
    const dropping = await startFakeOpenAi();
    dropping.failNext(1, 'stall');
    const model = createOpenAiChatModel({ baseUrl: dropping.url, model: 'gpt-test' });
    const deltas: ChatDelta[] = [];

    const error = await failure(
      (async () => {
        for await (const delta of model.stream(ASK)) {
          deltas.push(delta);
          // Closing the server drops the stalled connection.
          await dropping.close();
        }
      })(),
    );

    expect(deltas).toEqual([{ type: 'text', text: FAULT_CHUNK_TEXT }]);
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: true });
    expect(error.message).toContain('broke off');
  });

  it('stops a stalled stream at once when the signal aborts', async () => {
    fake.failNext(1, 'stall');
    const model = createOpenAiChatModel({ baseUrl: fake.url, model: 'gpt-test' });
    const controller = new AbortController();
    const deltas: ChatDelta[] = [];
    const started = Date.now();

    const error = await failure(
      (async () => {
        for await (const delta of model.stream({ ...ASK, signal: controller.signal })) {
          deltas.push(delta);
          controller.abort();
        }
      })(),
    );

    expect(deltas).toEqual([{ type: 'text', text: FAULT_CHUNK_TEXT }]);
    expect(error).toMatchObject({ code: 'cancelled', retryable: false });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('gives up a stream silent for idleTimeoutMs mid-answer, and aborts its request', async () => {
    fake.failNext(1, 'stall');
    const model = createOpenAiChatModel({
      baseUrl: fake.url,
      model: 'gpt-test',
      idleTimeoutMs: 200,
    });
    const started = Date.now();

    const { deltas, error } = await collectUntilFailure(model);

    expect(deltas).toEqual([{ type: 'text', text: FAULT_CHUNK_TEXT }]);
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
    expect(error.message).toContain('sent nothing for 200 ms');
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect.poll(() => fake.requests[0]?.abandoned).toBe(true);
  });

  it('waits longer than idleTimeoutMs for the answer to begin, and for a consumer slow to read', async () => {
    fake.chatReplies({ text: 'Shipped today.', chunkSize: 4, firstDelayMs: 400 });
    const model = createOpenAiChatModel({
      baseUrl: fake.url,
      model: 'gpt-test',
      idleTimeoutMs: 200,
    });
    let text = '';
    for await (const delta of model.stream(ASK)) {
      if (delta.type !== 'text') continue;
      text += delta.text;
      // The server is not silent while the consumer holds a delta: it is not being read.
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(text).toBe('Shipped today.');
  });

  it.each([
    ['no headers', () => undefined],
    [
      'the headers of a stream alone',
      (res: ServerResponse) =>
        res.writeHead(200, { 'content-type': 'text/event-stream' }).flushHeaders(),
    ],
    [
      'keep-alive comments alone',
      (res: ServerResponse) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const timer = setInterval(() => res.write(': keep-alive\n\n'), 50);
        res.once('close', () => clearInterval(timer));
      },
    ],
    [
      'the headers of a JSON completion alone',
      (res: ServerResponse) =>
        res.writeHead(200, { 'content-type': 'application/json' }).flushHeaders(),
    ],
  ])(
    'gives up an answer not begun within firstTokenTimeoutMs (%s), not to be retried, and aborts its request',
    async (_, answer) => {
      const silent = await startServerAnswering(answer);
      try {
        const model = createOpenAiChatModel({
          baseUrl: silent.url,
          model: 'gpt-test',
          firstTokenTimeoutMs: 300,
          // Comments come more often than this: were they a beginning, it would never fire.
          idleTimeoutMs: 200,
        });
        const started = Date.now();

        const { deltas, error } = await collectUntilFailure(model);

        expect(deltas).toEqual([]);
        expect(error).toMatchObject({ code: 'timeout', retryable: false });
        expect(error.message).toContain('had not begun its answer 300 ms after it was asked');
        expect(Date.now() - started).toBeGreaterThanOrEqual(280);
        expect(Date.now() - started).toBeLessThan(2_000);
        await expect.poll(() => silent.held.closed).toBe(1);
      } finally {
        await silent.close();
      }
    },
  );

  it('holds a chunk of no choice (Azure’s prompt filter results) to the first-token limit, not the idle one', async () => {
    // Azure OpenAI sends it once the prompt is screened, before the model has begun.
    const filterResults = JSON.stringify({
      id: '',
      object: '',
      created: 0,
      model: '',
      choices: [],
      prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }],
    });
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const slowToBegin = await startServerAnswering((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${filterResults}\n\n`);
      const timer = setTimeout(() => {
        res.end(
          `${chunk({ role: 'assistant', content: 'It ships today.' })}${chunk({}, 'stop')}data: [DONE]\n\n`,
        );
      }, 500);
      res.once('close', () => clearTimeout(timer));
    });
    const neverBegins = await startServerAnswering((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${filterResults}\n\n`);
    });
    try {
      const options = { model: 'gpt-test', firstTokenTimeoutMs: 1_500, idleTimeoutMs: 200 };
      const deltas = await collect(createOpenAiChatModel({ ...options, baseUrl: slowToBegin.url }));
      expect(deltas.filter((d) => d.type === 'text').map((d) => d.text)).toEqual([
        'It ships today.',
      ]);
      const { error } = await collectUntilFailure(
        createOpenAiChatModel({ ...options, baseUrl: neverBegins.url }),
      );
      expect(error).toMatchObject({ code: 'timeout', retryable: false });
    } finally {
      await Promise.all([slowToBegin.close(), neverBegins.close()]);
    }
  });

  it('gives up a whole JSON completion silent for idleTimeoutMs mid-body, retryably', async () => {
    const cut = await startServerAnswering((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(JSON_COMPLETION.slice(0, 40));
    });
    try {
      const model = createOpenAiChatModel({
        baseUrl: cut.url,
        model: 'gpt-test',
        firstTokenTimeoutMs: 5_000,
        idleTimeoutMs: 200,
      });
      const started = Date.now();

      const { deltas, error } = await collectUntilFailure(model);

      expect(deltas).toEqual([]);
      expect(error).toMatchObject({ code: 'timeout', retryable: true });
      expect(error.message).toContain('sent nothing for 200 ms');
      expect(Date.now() - started).toBeLessThan(2_000);
      await expect.poll(() => cut.held.closed).toBe(1);
    } finally {
      await cut.close();
    }
  });

  it('reads a whole JSON completion that begins late and trickles in, each piece within the idle limit', async () => {
    const slow = await startServerAnswering((res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).flushHeaders();
      const pieces = JSON_COMPLETION.match(/.{1,20}/gs) ?? [];
      // The first piece after longer than the idle limit; then one every 50 ms, for longer
      // in all than the idle limit.
      let next = 0;
      const write = () => {
        if (res.destroyed) return;
        if (next === pieces.length) return void res.end();
        res.write(pieces[next++]);
        setTimeout(write, 50);
      };
      setTimeout(write, 400);
    });
    try {
      const model = createOpenAiChatModel({
        baseUrl: slow.url,
        model: 'gpt-test',
        firstTokenTimeoutMs: 2_000,
        idleTimeoutMs: 200,
      });

      expect(await collect(model)).toEqual([
        { type: 'text', text: 'It ships today.' },
        { type: 'finish', reason: 'stop' },
      ]);
    } finally {
      await slow.close();
    }
  });

  it('refuses a whole JSON completion larger than any answer rather than hold it all', async () => {
    // Blank space past the largest event a stream may send: no answer is that long.
    let sent = 0;
    const huge: typeof fetch = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            if (sent > MAX_EVENT_CHARS + 64 * 1024) return controller.close();
            sent += 64 * 1024;
            controller.enqueue(new TextEncoder().encode(' '.repeat(64 * 1024)));
          },
        }),
        { headers: { 'content-type': 'application/json' } },
      );
    const model = createOpenAiChatModel({ baseUrl: fake.url, model: 'gpt-test', fetch: huge });

    const error = await failure(collect(model));

    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: true });
    expect(error.message).toContain(`sent an answer of more than ${MAX_EVENT_CHARS} characters`);
    // Not read to its end.
    expect(sent).toBeLessThanOrEqual(MAX_EVENT_CHARS + 2 * 64 * 1024);
  });

  it("throws the signal's reason when it is an AppError, such as the wrapper's timeout", async () => {
    fake.chatReplies({ text: 'a slow answer that never gets read', chunkSize: 1, delayMs: 5 });
    const model = createOpenAiChatModel({ baseUrl: fake.url, model: 'gpt-test' });
    const controller = new AbortController();
    const timeout = new AppError('timeout', 'The model took longer than 10 ms', {
      retryable: true,
    });

    const error = await failure(
      (async () => {
        for await (const delta of model.stream({ ...ASK, signal: controller.signal })) {
          if (delta.type === 'text') controller.abort(timeout);
        }
      })(),
    );

    expect(error).toBe(timeout);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const model = createOpenAiChatModel({ baseUrl: fake.url, model: 'gpt-test' });
    const error = await failure(collect(model, { ...ASK, signal: AbortSignal.abort() }));
    expect(error.code).toBe('cancelled');
    expect(fake.requests).toHaveLength(0);
  });

  it('reads a stream split anywhere, with \\r\\n line ends, comments and multi-byte text', async () => {
    const answer = 'Grüße! Ihre Bestellung ist unterwegs 🚚 — bis bald.';
    fake.chatReplies({ text: answer, chunkSize: 3 });
    // Re-encodes the fake's stream: CRLF line ends, a keep-alive comment, and 5-byte pieces that
    // split events, lines, `\r\n` pairs and UTF-8 characters.
    const splitting: typeof fetch = async (input, init) => {
      const original = await fetch(input, init);
      const body = `: keep-alive\n\n${await original.text()}`.replaceAll('\n', '\r\n');
      const bytes = new TextEncoder().encode(body);
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 5) controller.enqueue(bytes.slice(i, i + 5));
          controller.close();
        },
      });
      return new Response(stream, { headers: original.headers });
    };
    const model = createOpenAiChatModel({ baseUrl: fake.url, model: 'gpt-test', fetch: splitting });

    const deltas = await collect(model);

    expect(text(deltas)).toBe(answer);
    expect(deltas.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
  });

  it('reads one whole JSON completion from a server that ignores `stream: true`', async () => {
    fake.chatReplies({ toolCalls: [{ name: 'kb_search', arguments: { query: 'x' } }] });
    const unstreamed: typeof fetch = (input, init) =>
      fetch(input, {
        ...init,
        body: String(init?.body).replace('"stream":true', '"stream":false'),
      });
    const model = createOpenAiChatModel({
      baseUrl: fake.url,
      model: 'gpt-test',
      fetch: unstreamed,
    });

    expect(await collect(model)).toEqual([
      {
        type: 'tool_call',
        call: { id: 'call_fake_1_0', name: 'kb_search', arguments: '{"query":"x"}' },
      },
      { type: 'usage', inputTokens: 9, outputTokens: 2 },
      { type: 'finish', reason: 'tool_calls' },
    ]);
  });

  it('reads servers that send whole tool calls without index, say stop, and omit [DONE]', async () => {
    const chunk = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;
    const call = { id: 'c9', function: { name: 'lookup', arguments: '{"id":7}' } };
    const body =
      chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: 'Checking.' } }] }) +
      chunk({
        choices: [{ index: 0, delta: { tool_calls: [call] } }],
        usage: { prompt_tokens: 1, completion_tokens: 1 },
      }) +
      chunk({
        choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
        usage: { prompt_tokens: 9, completion_tokens: 4 },
      });
    const model = createOpenAiChatModel({ baseUrl: fake.url, model: 'm', fetch: sseFetch(body) });

    expect(await collect(model)).toEqual([
      { type: 'text', text: 'Checking.' },
      { type: 'tool_call', call: { id: 'c9', name: 'lookup', arguments: '{"id":7}' } },
      { type: 'usage', inputTokens: 9, outputTokens: 4 },
      { type: 'finish', reason: 'tool_calls' },
    ]);
  });

  it("leaves out a reasoning model's thinking that opens its answer, split anywhere", async () => {
    const answer = 'Your order left on Monday. Reply <think> to stop tips.';
    for (const chunkSize of [1, 3, 7]) {
      fake.chatReplies({
        text: `\n<think>\nThe customer asks where the order is. </thin k> no.\n</think>\n\n${answer}`,
        chunkSize,
      });
      const model = createOpenAiChatModel({ baseUrl: fake.url, model: 'qwen3' });
      const deltas = await collect(model);
      expect({ chunkSize, text: text(deltas) }).toEqual({ chunkSize, text: answer });
    }
    // An answer that starts like a tag, and is not one, is kept whole.
    fake.chatReplies({ text: '<thanks> for waiting', chunkSize: 2 });
    const model = createOpenAiChatModel({ baseUrl: fake.url, model: 'qwen3' });
    expect(text(await collect(model))).toBe('<thanks> for waiting');
    // Thinking that never ends is no answer, not one to show.
    fake.chatReplies({ text: '<think>Let me see, the order', chunkSize: 4 });
    expect(text(await collect(model))).toBe('');
  });

  it('fails retryably on an error the server reports mid-stream', async () => {
    const body =
      'data: {"choices":[{"index":0,"delta":{"content":"Hel"}}]}\n\n' +
      'data: {"error":{"message":"The server had an error while processing your request."}}\n\n';
    const model = createOpenAiChatModel({ baseUrl: fake.url, model: 'm', fetch: sseFetch(body) });

    const { deltas, error } = await collectUntilFailure(model);

    expect(deltas).toEqual([{ type: 'text', text: 'Hel' }]);
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: true });
    expect(error.message).toContain('failed mid-answer: The server had an error');
  });

  it('fails retryably, without buffering it all, on an event that never ends', async () => {
    // A server on loopback that sends one `data:` line and never ends it.
    let sent = 0;
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: {"choices":[{"index":0,"delta":{"content":"');
      const piece = 'x'.repeat(64 * 1024);
      const more = () => {
        while (sent < 64 * 1024 * 1024 && response.write(piece)) sent += piece.length;
      };
      response.on('drain', more);
      response.on('close', () => response.off('drain', more));
      more();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const model = createOpenAiChatModel({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm' });
      const { deltas, error } = await collectUntilFailure(model);
      expect(deltas).toEqual([]);
      expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: true });
      expect(error.message).toContain(`sent an event of more than ${MAX_EVENT_CHARS} characters`);
      // It stopped reading soon after the limit, not at the end of the 64 MiB.
      expect(sent).toBeLessThan(32 * 1024 * 1024);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('fails at once on an error whose page never ends, reading only its start', async () => {
    // A proxy's 502 page that goes on and on: the status is known from the first bytes.
    const endless = await startServerAnswering((res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      const page = `<html>${'Bad gateway. '.repeat(8_000)}`;
      const more = () => {
        while (res.write(page));
      };
      res.on('drain', more);
      more();
    });
    try {
      const started = Date.now();
      const { error } = await collectUntilFailure(
        createOpenAiChatModel({
          baseUrl: endless.url,
          model: 'gpt-test',
          firstTokenTimeoutMs: 20_000,
        }),
      );
      // The status's error, not the first-token limit's timeout 20 s later.
      expect(error).toMatchObject({
        code: 'upstream_unavailable',
        retryable: true,
        details: { status: 502 },
      });
      expect(Date.now() - started).toBeLessThan(10_000);
      await expect.poll(() => endless.held.closed).toBe(1);
    } finally {
      await endless.close();
    }
  });

  it('refuses an empty model name or an invalid base URL as configuration errors', () => {
    expect(() => createOpenAiChatModel({ baseUrl: fake.url, model: ' ' })).toThrow(
      expect.objectContaining({ code: 'config_invalid' }),
    );
    expect(() => createOpenAiChatModel({ baseUrl: 'not a url', model: 'm' })).toThrow(
      expect.objectContaining({ code: 'config_invalid' }),
    );
  });
});
