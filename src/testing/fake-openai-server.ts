import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Options of {@link startFakeOpenAi}. */
export interface FakeOpenAiOptions {
  /** Vector for one input text; default: a deterministic bag-of-words hash embedding of dimension 64, L2-normalised. */
  embed?: (text: string, model: string) => number[];
  /** Expected API key; when set, other keys get 401 with an OpenAI-style error body. */
  apiKey?: string;
}

/** One request the fake server received. */
export interface FakeOpenAiRequest {
  method: string;
  /** The path without its query string, e.g. `/v1/embeddings`. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body; the raw text when it is not JSON; `undefined` when empty. */
  body: unknown;
}

/** How {@link FakeOpenAi.failNext} makes a request fail. */
export type FakeOpenAiFault =
  { status: number; retryAfterSeconds?: number; body?: unknown } | 'stall' | 'malformed';

/** A running fake OpenAI-compatible server. */
export interface FakeOpenAi {
  /** Base URL ending in /v1, e.g. http://127.0.0.1:PORT/v1 */
  readonly url: string;
  /** Every request received: method, path, headers, parsed JSON body. */
  readonly requests: FakeOpenAiRequest[];
  /** The next `count` requests fail this way: an HTTP status (with optional Retry-After seconds and body), or 'stall' (never answers until closed), or 'malformed' (200 with invalid JSON). */
  failNext(count: number, fault: FakeOpenAiFault): void;
  close(): Promise<void>;
}

/** What a route handler gets: the parsed request and the response to write. */
interface RouteContext {
  body: unknown;
  model: string | undefined;
  options: FakeOpenAiOptions;
  res: ServerResponse;
}

/**
 * Routes by `METHOD path`. A handler owns the response, so a streaming route (chat completions
 * with SSE, to come) can write events instead of one JSON body.
 */
const ROUTES: Record<string, (context: RouteContext) => void> = {
  'POST /v1/embeddings': embeddings,
  'GET /v1/models': models,
};

/** The model `/v1/models` lists. */
const DEFAULT_MODEL = 'text-embedding-3-small';

/**
 * Starts a real HTTP server on 127.0.0.1 (a free port) that speaks the OpenAI protocol, so the
 * product's HTTP adapters are tested over a socket — headers, status codes, bodies, aborts —
 * rather than against a mocked `fetch`.
 *
 * @example
 * const fake = await startFakeOpenAi({ apiKey: 'sk-test' });
 * const embedder = createOpenAiEmbedder({ baseUrl: fake.url, model: 'm', apiKey: 'sk-test' });
 * fake.failNext(1, { status: 429, retryAfterSeconds: 2 });
 * await fake.close();
 */
export async function startFakeOpenAi(options: FakeOpenAiOptions = {}): Promise<FakeOpenAi> {
  const requests: FakeOpenAiRequest[] = [];
  const faults: FakeOpenAiFault[] = [];

  const server = createServer((req, res) => {
    void readBody(req).then(
      (text) => {
        const body = parseBody(text);
        const path = (req.url ?? '/').split('?')[0] ?? '/';
        const method = req.method ?? 'GET';
        requests.push({ method, path, headers: { ...req.headers }, body });

        const fault = faults.shift();
        if (fault !== undefined) return applyFault(res, fault);

        if (
          options.apiKey !== undefined &&
          req.headers.authorization !== `Bearer ${options.apiKey}`
        ) {
          // Like OpenAI, the answer never repeats the key it was given.
          return sendError(res, 401, 'Incorrect API key provided.', 'invalid_request_error', {
            code: 'invalid_api_key',
          });
        }
        const route = ROUTES[`${method} ${path}`];
        if (route === undefined) {
          return sendError(
            res,
            404,
            `Unknown request URL: ${method} ${path}`,
            'invalid_request_error',
          );
        }
        if (method === 'POST' && !isRecord(body)) {
          return sendError(res, 400, 'The body must be a JSON object.', 'invalid_request_error');
        }
        const model = isRecord(body) && typeof body.model === 'string' ? body.model : undefined;
        return route({ body, model, options, res });
      },
      () => res.destroy(),
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    failNext(count, fault) {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Stalled requests keep their sockets open; without this, close() would wait for them.
        server.closeAllConnections();
      });
    },
  };
}

function applyFault(res: ServerResponse, fault: FakeOpenAiFault): void {
  if (fault === 'stall') return;
  if (fault === 'malformed') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"object": "list", "data": [');
    return;
  }
  const headers: Record<string, string> =
    fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
  const body = fault.body ?? {
    error: {
      message: `Injected fault: HTTP ${fault.status}`,
      type: fault.status >= 500 ? 'server_error' : 'invalid_request_error',
      code: null,
    },
  };
  sendJson(res, fault.status, body, headers);
}

function embeddings({ body, model, options, res }: RouteContext): void {
  const input = isRecord(body) ? body.input : undefined;
  const texts = typeof input === 'string' ? [input] : input;
  if (model === undefined) {
    return sendError(res, 400, "'model' is required.", 'invalid_request_error');
  }
  if (
    !Array.isArray(texts) ||
    texts.length === 0 ||
    !texts.every((t): t is string => typeof t === 'string')
  ) {
    return sendError(
      res,
      400,
      "'input' must be a string or a non-empty array of strings.",
      'invalid_request_error',
    );
  }
  const embed = options.embed ?? ((text: string) => hashEmbedding(text));
  const tokens = texts.reduce((sum, text) => sum + words(text).length, 0);
  sendJson(res, 200, {
    object: 'list',
    data: texts.map((text, index) => ({
      object: 'embedding',
      index,
      embedding: embed(text, model),
    })),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

function models({ res }: RouteContext): void {
  sendJson(res, 200, {
    object: 'list',
    data: [{ id: DEFAULT_MODEL, object: 'model', created: 0, owned_by: 'fake-openai' }],
  });
}

/**
 * The default embedding: each word adds 1 to the dimension its hash picks, then the vector is
 * scaled to length 1. Texts that share words are close, texts that share none are (nearly)
 * orthogonal — enough to test plumbing, and deliberately blind to synonyms. A text without words
 * gives the zero vector.
 */
export function hashEmbedding(text: string, dimensions = 64): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of words(text)) {
    const slot = fnv1a(word) % dimensions;
    vector[slot] = (vector[slot] ?? 0) + 1;
  }
  const norm = Math.hypot(...vector);
  return norm === 0 ? vector : vector.map((x) => x / norm);
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** FNV-1a, 32 bits: stable across runs and platforms, unlike anything seeded. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  type: string,
  extra: { code?: string } = {},
): void {
  sendJson(res, status, { error: { message, type, param: null, code: extra.code ?? null } });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
