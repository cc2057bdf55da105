import { afterEach, describe, expect, it } from 'vitest';
import {
  FAULT_CHUNK_TEXT,
  hashEmbedding,
  startFakeOpenAi,
  type FakeOpenAi,
} from './fake-openai-server.js';

let fake: FakeOpenAi | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${fake?.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('startFakeOpenAi', () => {
  it('embeds a string or a list of strings the way OpenAI answers, and records the request', async () => {
    fake = await startFakeOpenAi();
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);

    const one = await post('/embeddings', { model: 'm', input: 'Reset your password' });
    expect(one.status).toBe(200);
    expect(JSON.parse(one.text)).toEqual({
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: hashEmbedding('Reset your password') }],
      model: 'm',
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });

    const many = JSON.parse((await post('/embeddings', { model: 'm', input: ['a b', 'c'] })).text);
    expect(many.data.map((d: { index: number }) => d.index)).toEqual([0, 1]);
    expect(many.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });

    expect(fake.requests[1]).toMatchObject({
      method: 'POST',
      path: '/v1/embeddings',
      body: { model: 'm', input: ['a b', 'c'] },
      headers: { 'content-type': 'application/json' },
    });
  });

  it('gives a deterministic unit vector that is closer for texts sharing words', () => {
    const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);
    const a = hashEmbedding('refund my order');
    expect(a).toHaveLength(64);
    expect(dot(a, a)).toBeCloseTo(1);
    expect(hashEmbedding('refund my order')).toEqual(a);
    expect(dot(a, hashEmbedding('refund the order'))).toBeGreaterThan(
      dot(a, hashEmbedding('shipping takes two days')),
    );
  });

  it('uses a custom embed function with the requested model', async () => {
    fake = await startFakeOpenAi({ embed: (text, model) => [text.length, model.length] });
    const answer = JSON.parse((await post('/embeddings', { model: 'abc', input: ['hello'] })).text);
    expect(answer.data[0].embedding).toEqual([5, 3]);
  });

  it('lists models, and answers unknown routes and bad bodies with OpenAI-style errors', async () => {
    fake = await startFakeOpenAi();
    const models = await fetch(`${fake.url}/models`);
    expect(models.status).toBe(200);
    expect(((await models.json()) as { data: unknown[] }).data[0]).toMatchObject({
      object: 'model',
    });

    const unknown = await post('/nothing', {});
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text).error).toMatchObject({ type: 'invalid_request_error' });

    const noInput = await post('/embeddings', { model: 'm', input: [] });
    expect(noInput.status).toBe(400);
    expect(JSON.parse(noInput.text).error.message).toContain('input');
  });

  it('refuses a wrong API key with 401 and does not repeat the key', async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-right' });
    const wrong = await post(
      '/embeddings',
      { model: 'm', input: 'x' },
      { authorization: 'Bearer sk-wrong' },
    );
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.text).error.code).toBe('invalid_api_key');
    expect(wrong.text).not.toContain('sk-wrong');

    const right = await post(
      '/embeddings',
      { model: 'm', input: 'x' },
      { authorization: 'Bearer sk-right' },
    );
    expect(right.status).toBe(200);
  });

  it('fails the next requests as told, then answers normally again', async () => {
    fake = await startFakeOpenAi();
    fake.failNext(2, { status: 429, retryAfterSeconds: 3 });
    fake.failNext(1, { status: 400, body: { error: { message: 'too long' } } });
    fake.failNext(1, 'malformed');

    for (let i = 0; i < 2; i++) {
      const limited = await post('/embeddings', { model: 'm', input: 'x' });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('3');
    }
    expect(JSON.parse((await post('/embeddings', { model: 'm', input: 'x' })).text)).toEqual({
      error: { message: 'too long' },
    });
    const malformed = await post('/embeddings', { model: 'm', input: 'x' });
    expect(malformed.status).toBe(200);
    expect(() => JSON.parse(malformed.text)).toThrow();
    expect((await post('/embeddings', { model: 'm', input: 'x' })).status).toBe(200);
    expect(fake.requests).toHaveLength(5);
  });

  it('holds a stalled request until close(), which ends it', async () => {
    fake = await startFakeOpenAi();
    fake.failNext(1, 'stall');
    const pending = fetch(`${fake.url}/models`);
    await expect.poll(() => fake?.requests.length).toBe(1);

    await fake.close();
    fake = undefined;
    await expect(pending).rejects.toThrow();
  });
});

/** The `data` of each event of an SSE body, JSON-parsed except `[DONE]` and invalid JSON. */
function events(text: string): unknown[] {
  return text
    .split('\n\n')
    .filter((event) => event !== '')
    .map((event) => {
      const data = event.replace(/^data: /, '');
      try {
        return JSON.parse(data) as unknown;
      } catch {
        return data;
      }
    });
}

interface Chunk {
  choices: Array<{
    delta: {
      role?: string;
      content?: string | null;
      tool_calls?: Array<{
        index: number;
        id?: string;
        function: { name?: string; arguments: string };
      }>;
    };
    finish_reason: string | null;
  }>;
  usage?: unknown;
}

const chat = (messages: unknown[], extra: Record<string, unknown> = {}) =>
  post('/chat/completions', { model: 'gpt-test', messages, ...extra });

describe('startFakeOpenAi chat completions', () => {
  it('streams a scripted text in chunks, then the finish, the usage and [DONE]', async () => {
    fake = await startFakeOpenAi();
    fake.chatReplies({ text: 'Refunds take five days.', chunkSize: 8 });

    const answer = await chat([{ role: 'user', content: 'How long do refunds take?' }], {
      stream: true,
      stream_options: { include_usage: true },
    });

    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/event-stream');
    const all = events(answer.text);
    expect(all.at(-1)).toBe('[DONE]');
    const chunks = all.slice(0, -1) as Chunk[];
    expect(chunks[0]).toMatchObject({
      object: 'chat.completion.chunk',
      model: 'gpt-test',
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
      usage: null,
    });
    const texts = chunks.flatMap((c) => c.choices.map((choice) => choice.delta.content ?? ''));
    expect(texts.filter((t) => t !== '')).toEqual(['Refunds ', 'take fiv', 'e days.']);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 },
    });
  });

  it('streams tool calls as a first fragment with id and name, then the arguments in pieces', async () => {
    fake = await startFakeOpenAi();
    fake.chatReplies({ toolCalls: [{ name: 'kb_search', arguments: { query: 'refund' } }] });

    const answer = await chat([{ role: 'user', content: 'refund?' }], { stream: true });

    const chunks = events(answer.text).slice(0, -1) as Chunk[];
    const fragments = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(fragments[0]).toMatchObject({
      index: 0,
      id: 'call_fake_1_0',
      type: 'function',
      function: { name: 'kb_search', arguments: '' },
    });
    expect(fragments.length).toBeGreaterThan(3);
    expect(fragments.map((f) => f.function.arguments).join('')).toBe('{"query":"refund"}');
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(chunks.some((c) => 'usage' in c)).toBe(false);
  });

  it('answers with one JSON completion when not streaming', async () => {
    fake = await startFakeOpenAi();
    fake.chatReplies({ toolCalls: [{ name: 'escalate', arguments: '{"reason":' }] });

    const answer = JSON.parse((await chat([{ role: 'user', content: 'a human please' }])).text);

    expect(answer).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-test',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_fake_1_0',
                type: 'function',
                function: { name: 'escalate', arguments: '{"reason":' },
              },
            ],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 3 },
    });
  });

  it('uses queued replies in order, gives function scripts the request, then echoes', async () => {
    fake = await startFakeOpenAi();
    const seen: unknown[] = [];
    fake.chatReplies({ text: 'first' }, (request) => {
      seen.push(request);
      return { text: `tools: ${request.tools?.length ?? 0}` };
    });
    const messages = [
      { role: 'user', content: 'Where is my order?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1' }] },
      { role: 'tool', tool_call_id: 'c1', content: 'shipped' },
    ];
    const text = async () =>
      JSON.parse((await chat(messages, { tools: [{ type: 'function' }] })).text).choices[0].message
        .content as string;

    expect(await text()).toBe('first');
    expect(await text()).toBe('tools: 1');
    expect(await text()).toBe('Echo: Where is my order?');
    expect(seen).toEqual([
      {
        model: 'gpt-test',
        messages: [
          { role: 'user', content: 'Where is my order?' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'c1' }] },
          { role: 'tool', content: 'shipped', tool_call_id: 'c1' },
        ],
        tools: [{ type: 'function' }],
      },
    ]);
    expect(fake.requests.map((r) => r.path)).toEqual(Array(3).fill('/v1/chat/completions'));
  });

  it('answers with the default script of the options, and a 500 when a script throws', async () => {
    fake = await startFakeOpenAi({ chat: { text: 'always this' } });
    const answer = JSON.parse((await chat([{ role: 'user', content: 'x' }])).text);
    expect(answer.choices[0].message.content).toBe('always this');

    fake.chatReplies(() => {
      throw new Error('script bug');
    });
    const failed = await chat([{ role: 'user', content: 'x' }]);
    expect(failed.status).toBe(500);
    expect(failed.text).toContain('script bug');

    const bad = await chat([]);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error.message).toContain('messages');
  });

  it('breaks a streamed answer after one valid chunk as told, keeping the queued reply', async () => {
    fake = await startFakeOpenAi();
    fake.chatReplies({ text: 'the real answer' });
    fake.failNext(1, 'malformed');
    fake.failNext(1, 'cut');
    fake.failNext(1, { status: 429, retryAfterSeconds: 1 });
    const ask = () => chat([{ role: 'user', content: 'x' }], { stream: true });

    const malformed = events((await ask()).text);
    expect(malformed).toHaveLength(2);
    expect((malformed[0] as Chunk).choices[0]?.delta.content).toBe(FAULT_CHUNK_TEXT);
    expect(malformed[1]).toBe('{not json');

    const cut = events((await ask()).text);
    expect(cut).toHaveLength(1);
    expect((cut[0] as Chunk).choices[0]?.finish_reason).toBeNull();

    const limited = await ask();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');

    const chunks = events((await ask()).text).slice(0, -1) as Chunk[];
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('the real answer');
  });

  it('holds a stalled stream open after its first chunk until close()', async () => {
    fake = await startFakeOpenAi();
    fake.failNext(1, 'stall');
    const response = await fetch(`${fake.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'm',
        messages: [{ role: 'user', content: 'x' }],
        stream: true,
      }),
    });
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain(FAULT_CHUNK_TEXT);

    const next = reader.read();
    await fake.close();
    fake = undefined;
    await expect(next).rejects.toThrow();
  });

  it('cuts a non-streamed answer halfway by closing the connection', async () => {
    fake = await startFakeOpenAi();
    fake.failNext(1, 'cut');
    await expect(chat([{ role: 'user', content: 'x' }])).rejects.toThrow();
  });
});
