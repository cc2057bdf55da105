import { afterEach, describe, expect, it } from 'vitest';
import { hashEmbedding, startFakeOpenAi, type FakeOpenAi } from './fake-openai-server.js';

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
