import { AppError } from '../../errors/index.js';
import type { Embedder } from './embedder.js';
import {
  cancelledError,
  describeNetworkError,
  errorBodyText,
  httpError,
  isRecord,
  isRedirect,
  redirectedError,
} from '../../errors/upstream.js';

/** Options of {@link createOpenAiEmbedder}. */
export interface OpenAiEmbedderOptions {
  /** The API's base URL, the one ending in `/v1` (e.g. `http://localhost:11434/v1` for Ollama). */
  baseUrl: string;
  /** The embedding model, e.g. `text-embedding-3-small` or `nomic-embed-text`. */
  model: string;
  /** Sent as `Authorization: Bearer <key>` when given; local servers usually need none. */
  apiKey?: string;
  /** Texts per request; 64 by default. */
  batchSize?: number;
  /** The `fetch` to use; the global one by default. */
  fetch?: typeof fetch;
}

const DEFAULT_BATCH_SIZE = 64;

/**
 * An {@link Embedder} over the OpenAI embeddings API (`POST {baseUrl}/embeddings`), which OpenAI,
 * Ollama, vLLM, LM Studio and llama.cpp's server all speak. Texts go in batches of `batchSize`,
 * one batch after another (in parallel they would only meet the rate limit sooner), and the
 * answer is checked — one vector per text, all of one dimension — because a wrong vector would
 * not fail loudly later: it would just rank the wrong chunks.
 *
 * Failures are {@link AppError}s: a network failure or a 5xx is `upstream_unavailable` and a 429
 * `rate_limited`, both retryable with the upstream's `Retry-After` as `retryAfterMs`; any other
 * 4xx or an unreadable answer is not retryable. The API key never appears in a message.
 *
 * @example
 * const embedder = createOpenAiEmbedder({
 *   baseUrl: 'https://api.openai.com/v1',
 *   model: 'text-embedding-3-small',
 *   apiKey: process.env.EMBEDDINGS_API_KEY,
 * });
 * const [vector] = await embedder.embed(['How do I get my money back?'], { signal });
 */
export function createOpenAiEmbedder(options: OpenAiEmbedderOptions): Embedder {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new AppError(
      'config_invalid',
      `The embeddings batch size must be a positive integer, not ${batchSize}`,
    );
  }
  if (options.model.trim() === '') {
    throw new AppError('config_invalid', 'The embeddings model name is empty');
  }
  const endpoint = embeddingsUrl(options.baseUrl);
  // Origin and path only: a URL's user info or query may hold a secret, and messages are logged.
  const where = `${endpoint.origin}${endpoint.pathname}`;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const apiKey = options.apiKey === '' ? undefined : options.apiKey;
  const redact = (text: string): string =>
    apiKey === undefined ? text : text.split(apiKey).join('[redacted]');

  async function post(texts: string[], signal: AbortSignal | undefined): Promise<unknown> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
    };
    if (apiKey !== undefined) headers.authorization = `Bearer ${apiKey}`;
    let response: Response;
    let text: string;
    try {
      response = await fetchFn(endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: options.model, input: texts }),
        signal,
        // Never followed: a 307 or 308 would send the texts (customers' words, help-center
        // content) and the API key to whatever host the answer names.
        redirect: 'manual',
      });
      // An error's body is read apart, and only its start (see `errorBodyText`).
      text = response.ok ? await response.text() : '';
    } catch (error) {
      if (signal?.aborted) throw cancelledError(signal, 'the embeddings service', where);
      throw new AppError(
        'upstream_unavailable',
        redact(`Cannot reach the embeddings service at ${where}: ${describeNetworkError(error)}`),
        { retryable: true, cause: error },
      );
    }
    if (isRedirect(response)) {
      await response.body?.cancel().catch(() => undefined);
      throw redirectedError(response, where, 'The embeddings service', 'EMBEDDINGS_BASE_URL');
    }
    if (!response.ok) {
      const body = await errorBodyText(response);
      if (signal?.aborted) throw cancelledError(signal, 'the embeddings service', where);
      throw httpError(response, body, 'the embeddings service', where, redact);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new AppError(
        'upstream_unavailable',
        `The embeddings service at ${where} answered ${response.status} with a body that is not JSON`,
        { cause: error },
      );
    }
  }

  return {
    model: options.model,
    async embed(texts, { signal } = {}) {
      const vectors: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        const batch = texts.slice(start, start + batchSize);
        const answer = await post(batch, signal);
        const got = readVectors(answer, batch.length, where, options.model);
        const expected = vectors[0]?.length;
        const actual = got[0]?.length;
        if (expected !== undefined && actual !== undefined && actual !== expected) {
          throw new AppError(
            'upstream_unavailable',
            `The embeddings service at ${where} returned vectors of ${actual} dimensions after vectors of ${expected} for model ${options.model}`,
          );
        }
        vectors.push(...got);
      }
      return vectors;
    },
  };
}

/** `{baseUrl}/embeddings`, keeping a query string (Azure's `api-version`) where it belongs. */
function embeddingsUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (error) {
    throw new AppError('config_invalid', 'The embeddings base URL is not a valid URL', {
      cause: error,
    });
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/embeddings`;
  return url;
}

/** The vectors of one answer, in input order, after checking count, order and dimension. */
function readVectors(answer: unknown, count: number, where: string, model: string): Float32Array[] {
  const fail = (what: string): AppError =>
    new AppError(
      'upstream_unavailable',
      `The embeddings service at ${where} ${what} (model ${model})`,
    );
  const data = isRecord(answer) ? answer.data : undefined;
  if (!Array.isArray(data)) throw fail('answered without a `data` list');
  if (data.length !== count) throw fail(`returned ${data.length} vectors for ${count} texts`);

  const items: Array<{ index: number | undefined; embedding: number[] }> = [];
  for (const item of data) {
    const embedding = isRecord(item) ? item.embedding : undefined;
    if (
      !Array.isArray(embedding) ||
      embedding.length === 0 ||
      !embedding.every((x): x is number => typeof x === 'number' && Number.isFinite(x))
    ) {
      throw fail('returned an embedding that is not a list of numbers');
    }
    const index = isRecord(item) && typeof item.index === 'number' ? item.index : undefined;
    items.push({ index, embedding });
  }
  // Servers may answer out of order; `index` says which text each vector belongs to. A server
  // that leaves `index` out everywhere is taken to answer in order.
  if (items.some((item) => item.index !== undefined)) {
    items.sort((a, b) => (a.index ?? -1) - (b.index ?? -1));
    if (items.some((item, i) => item.index !== i)) {
      throw fail('returned vectors whose indexes are not one per text');
    }
  }
  const dimensions = items[0]?.embedding.length;
  if (items.some((item) => item.embedding.length !== dimensions)) {
    throw fail('returned vectors of different dimensions');
  }
  return items.map((item) => Float32Array.from(item.embedding));
}
