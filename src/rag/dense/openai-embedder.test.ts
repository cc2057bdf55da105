import { createServer } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../errors/index.js';
import {
  hashEmbedding,
  startFakeOpenAi,
  type FakeOpenAi,
} from '../../testing/fake-openai-server.js';
import { createOpenAiEmbedder } from './openai-embedder.js';

const KEY = 'sk-test-5ecret-key-do-not-leak';

let fake: FakeOpenAi;

beforeEach(async () => {
  fake = await startFakeOpenAi();
});

afterEach(async () => {
  await fake.close();
});

/** The error `promise` rejects with, checked to be an AppError. */
async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('createOpenAiEmbedder', () => {
  it('sends texts in batches and returns one vector per text, in input order', async () => {
    const embedder = createOpenAiEmbedder({ baseUrl: `${fake.url}/`, model: 'm', batchSize: 2 });
    const texts = ['one', 'two', 'three', 'four', 'five'];

    const vectors = await embedder.embed(texts);

    expect(fake.requests.map((r) => r.body)).toEqual([
      { model: 'm', input: ['one', 'two'] },
      { model: 'm', input: ['three', 'four'] },
      { model: 'm', input: ['five'] },
    ]);
    expect(fake.requests[0]?.path).toBe('/v1/embeddings');
    expect(vectors.map((v) => [...v])).toEqual(
      texts.map((t) => [...Float32Array.from(hashEmbedding(t))]),
    );
    expect(embedder.model).toBe('m');
  });

  it('makes no request for no texts', async () => {
    const embedder = createOpenAiEmbedder({ baseUrl: fake.url, model: 'm' });
    expect(await embedder.embed([])).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  it('puts vectors back in input order when the server answers out of order', async () => {
    const reversed: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const body = (await response.json()) as { data: unknown[] };
      return Response.json({ ...body, data: [...body.data].reverse() });
    };
    const embedder = createOpenAiEmbedder({ baseUrl: fake.url, model: 'm', fetch: reversed });
    const vectors = await embedder.embed(['alpha', 'beta', 'gamma']);
    expect(vectors.map((v) => [...v])).toEqual(
      ['alpha', 'beta', 'gamma'].map((t) => [...Float32Array.from(hashEmbedding(t))]),
    );
  });

  it('sends the API key as a bearer token, and none when no key is given', async () => {
    await fake.close();
    fake = await startFakeOpenAi({ apiKey: KEY });
    await createOpenAiEmbedder({ baseUrl: fake.url, model: 'm', apiKey: KEY }).embed(['x']);
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);

    const keyless = createOpenAiEmbedder({ baseUrl: fake.url, model: 'm' });
    const error = await failure(keyless.embed(['x']));
    expect(fake.requests[1]?.headers.authorization).toBeUndefined();
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: false });
    expect(error.message).toContain('401: Incorrect API key provided.');
  });

  it('turns a 429 into a retryable rate_limited error carrying Retry-After', async () => {
    fake.failNext(1, { status: 429, retryAfterSeconds: 7 });
    const error = await failure(
      createOpenAiEmbedder({ baseUrl: fake.url, model: 'm' }).embed(['x']),
    );
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 7_000 });
    expect(error.details).toEqual({ status: 429 });
  });

  it('turns a 5xx into a retryable upstream_unavailable error', async () => {
    fake.failNext(1, { status: 500 });
    const error = await failure(
      createOpenAiEmbedder({ baseUrl: fake.url, model: 'm' }).embed(['x']),
    );
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: true });
    expect(error.retryAfterMs).toBeUndefined();
    expect(error.message).toContain('answered 500');
  });

  it('does not follow a redirect, and says which setting to change', async () => {
    const seen: string[] = [];
    const redirector = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      req.resume();
      res.writeHead(308, { location: `${fake.url}/embeddings?token=abc` }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    const address = redirector.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const where = `http://127.0.0.1:${port}/v1`;
      const error = await failure(
        createOpenAiEmbedder({ baseUrl: where, model: 'm', apiKey: KEY }).embed(['my order 4417']),
      );
      expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: false });
      expect(error.message).toBe(
        `The embeddings service at ${where}/embeddings answered 308, redirected to ${fake.url}/embeddings: redirects are not followed, so that nothing is sent anywhere but the configured URL; point EMBEDDINGS_BASE_URL at where it redirects`,
      );
      expect(seen).toEqual(['POST /v1/embeddings']);
      expect(fake.requests).toHaveLength(0);
    } finally {
      await new Promise((resolve) => redirector.close(resolve));
    }
  });

  it('turns a network failure into a retryable upstream_unavailable error', async () => {
    const url = fake.url;
    await fake.close();
    const error = await failure(createOpenAiEmbedder({ baseUrl: url, model: 'm' }).embed(['x']));
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: true });
    expect(error.message).toContain('Cannot reach the embeddings service');
    fake = await startFakeOpenAi();
  });

  it("gives a 400 back as non-retryable, with the upstream's own message", async () => {
    fake.failNext(1, {
      status: 400,
      body: { error: { message: "This model's maximum context length is 8192 tokens" } },
    });
    const error = await failure(
      createOpenAiEmbedder({ baseUrl: fake.url, model: 'm' }).embed(['x']),
    );
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: false });
    expect(error.message).toContain("400: This model's maximum context length is 8192 tokens");
  });

  it('reports a body that is not JSON as a non-retryable failure', async () => {
    fake.failNext(1, 'malformed');
    const error = await failure(
      createOpenAiEmbedder({ baseUrl: fake.url, model: 'm' }).embed(['x']),
    );
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: false });
    expect(error.message).toContain('not JSON');
  });

  it('refuses an answer with vectors of different dimensions', async () => {
    await fake.close();
    fake = await startFakeOpenAi({ embed: (text) => (text === 'short' ? [1, 0] : [1, 0, 0]) });
    const embedder = createOpenAiEmbedder({ baseUrl: fake.url, model: 'm', batchSize: 2 });

    const within = await failure(embedder.embed(['short', 'long']));
    expect(within).toMatchObject({ code: 'upstream_unavailable', retryable: false });
    expect(within.message).toContain('different dimensions');

    const across = await failure(embedder.embed(['long', 'long', 'short']));
    expect(across.message).toContain('vectors of 2 dimensions after vectors of 3');
  });

  it('refuses an answer with a vector count other than the text count', async () => {
    const dropLast: typeof fetch = async (input, init) => {
      const body = (await (await fetch(input, init)).json()) as { data: unknown[] };
      return Response.json({ ...body, data: body.data.slice(0, -1) });
    };
    const embedder = createOpenAiEmbedder({ baseUrl: fake.url, model: 'm', fetch: dropLast });
    const error = await failure(embedder.embed(['a', 'b', 'c']));
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: false });
    expect(error.message).toContain('returned 2 vectors for 3 texts');
  });

  it('stops waiting and ends the request when the signal aborts', async () => {
    fake.failNext(1, 'stall');
    const controller = new AbortController();
    const pending = createOpenAiEmbedder({ baseUrl: fake.url, model: 'm' }).embed(['x'], {
      signal: controller.signal,
    });
    await expect.poll(() => fake.requests.length).toBe(1);

    controller.abort();
    const error = await failure(pending);
    expect(error).toMatchObject({ code: 'cancelled', retryable: false });
  });

  it("gives back the abort reason when it is the wrapper's own AppError (a timeout)", async () => {
    fake.failNext(1, 'stall');
    const controller = new AbortController();
    const pending = createOpenAiEmbedder({ baseUrl: fake.url, model: 'm' }).embed(['x'], {
      signal: controller.signal,
    });
    await expect.poll(() => fake.requests.length).toBe(1);
    const timeout = new AppError('timeout', 'Tool "kb_search" timed out after 2000 ms');
    controller.abort(timeout);
    expect(await failure(pending)).toBe(timeout);
  });

  it('never puts the API key in an error message, even when the upstream echoes it', async () => {
    const embedder = createOpenAiEmbedder({ baseUrl: fake.url, model: 'm', apiKey: KEY });
    fake.failNext(1, { status: 401, body: { error: { message: `Incorrect API key: ${KEY}` } } });
    fake.failNext(1, { status: 503, body: { error: { message: `key ${KEY} is throttled` } } });
    fake.failNext(1, 'malformed');

    const errors = [
      await failure(embedder.embed(['x'])),
      await failure(embedder.embed(['x'])),
      await failure(embedder.embed(['x'])),
    ];
    await fake.close();
    errors.push(await failure(embedder.embed(['x'])));
    fake = await startFakeOpenAi();

    expect(errors[0]?.message).toContain('Incorrect API key: [redacted]');
    for (const error of errors) {
      expect(error.message).not.toContain(KEY);
      expect(JSON.stringify(error.details ?? {})).not.toContain(KEY);
    }
  });

  it('refuses a bad configuration when created, not on first use', () => {
    expect(() => createOpenAiEmbedder({ baseUrl: 'not a url', model: 'm' })).toThrow(
      expect.objectContaining({ code: 'config_invalid' }),
    );
    expect(() => createOpenAiEmbedder({ baseUrl: fake.url, model: 'm', batchSize: 0 })).toThrow(
      /batch size/,
    );
  });
});
