import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Options of {@link startFakeOpenAi}. */
export interface FakeOpenAiOptions {
  /** Vector for one input text; default: a deterministic bag-of-words hash embedding of dimension 64, L2-normalised. */
  embed?: (text: string, model: string) => number[];
  /** Expected API key; when set, other keys get 401 with an OpenAI-style error body. */
  apiKey?: string;
  /** The chat reply when no {@link FakeOpenAi.chatReplies} are queued; default: echoes the last user message. */
  chat?: FakeChatScript;
}

/** A chat message as a {@link FakeChatScript} function sees it (`content` is null unless a string). */
export interface FakeChatMessage {
  role: string;
  content: string | null;
  tool_call_id?: string;
  tool_calls?: unknown[];
}

/** A chat request as a {@link FakeChatScript} function sees it. */
export interface FakeChatRequest {
  model: string;
  messages: FakeChatMessage[];
  tools?: unknown[];
}

/**
 * The reply to a chat request: text, streamed in chunks of `chunkSize` characters (default 4)
 * with `delayMs` between them (default 0); or tool calls, each streamed as a first fragment with
 * its id and name and then its JSON arguments in pieces of `chunkSize` characters. Arguments that
 * are a string are sent as they are (to script invalid JSON); anything else is JSON-encoded.
 * Tool calls may come after some `text`, as models do ("Let me look that up."), in one answer.
 * A streamed answer may wait `firstDelayMs` after its headers before its first chunk (a model
 * loading, a long prompt read), and may stall for good after `stallAfter` of its pieces (the
 * text's, then the tool calls'; 0: after the first chunk, which names the role): the connection
 * stays open and nothing more comes.
 */
export type FakeChatReply = (
  | {
      text: string;
      chunkSize?: number;
      delayMs?: number;
      finishReason?: 'stop' | 'length' | 'content_filter';
    }
  | {
      toolCalls: Array<{ name: string; arguments: unknown }>;
      text?: string;
      chunkSize?: number;
      delayMs?: number;
    }
) & { firstDelayMs?: number; stallAfter?: number };

/** A reply, or a function of the request that returns one. */
export type FakeChatScript = FakeChatReply | ((request: FakeChatRequest) => FakeChatReply);

/** One request the fake server received. */
export interface FakeOpenAiRequest {
  method: string;
  /** The path without its query string, e.g. `/v1/embeddings`. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body; the raw text when it is not JSON; `undefined` when empty. */
  body: unknown;
  /** Set when the client closed the connection before the answer was complete (an abort). */
  abandoned?: true;
}

/** How {@link FakeOpenAi.failNext} makes a request fail. */
export type FakeOpenAiFault =
  { status: number; retryAfterSeconds?: number; body?: unknown } | 'stall' | 'malformed' | 'cut';

/** The text of the one valid chunk a streamed chat answer gets before a fault strikes. */
export const FAULT_CHUNK_TEXT = 'Partial';

/** A running fake OpenAI-compatible server. */
export interface FakeOpenAi {
  /** Base URL ending in /v1, e.g. http://127.0.0.1:PORT/v1 */
  readonly url: string;
  /** Every request received: method, path, headers, parsed JSON body. */
  readonly requests: FakeOpenAiRequest[];
  /**
   * The next `count` requests fail this way: an HTTP status (with optional Retry-After seconds and
   * body); 'stall' (never answers until closed); 'malformed' (200 with invalid JSON); 'cut' (200,
   * then the body ends halfway). A streamed chat request (`stream: true`) first gets the SSE
   * headers and one valid chunk with the text {@link FAULT_CHUNK_TEXT}; then 'stall' sends nothing
   * more, 'malformed' sends a `data: {not json` event and ends, 'cut' ends without `[DONE]`.
   * A failed chat request does not use up a queued {@link FakeOpenAi.chatReplies} reply.
   */
  failNext(count: number, fault: FakeOpenAiFault): void;
  /** Queues replies for the next chat requests, used in order; see {@link FakeOpenAiOptions.chat}. */
  chatReplies(...replies: FakeChatScript[]): void;
  close(): Promise<void>;
}

/** What a route handler gets: the parsed request and the response to write. */
interface RouteContext {
  body: unknown;
  model: string | undefined;
  options: FakeOpenAiOptions;
  res: ServerResponse;
  /** The next scripted chat reply, or undefined when the queue is empty. */
  nextChatScript: () => FakeChatScript | undefined;
  /** A new number for ids, unique in this server. */
  nextId: () => number;
}

/**
 * Routes by `METHOD path`. A handler owns the response, so a streaming route (chat completions
 * with SSE) can write events instead of one JSON body.
 */
const ROUTES: Record<string, (context: RouteContext) => void> = {
  'POST /v1/embeddings': embeddings,
  'POST /v1/chat/completions': chatCompletions,
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
  const chatScripts: FakeChatScript[] = [];
  let lastId = 0;

  const server = createServer((req, res) => {
    void readBody(req).then(
      (text) => {
        const body = parseBody(text);
        const path = (req.url ?? '/').split('?')[0] ?? '/';
        const method = req.method ?? 'GET';
        const received: FakeOpenAiRequest = { method, path, headers: { ...req.headers }, body };
        requests.push(received);
        res.once('close', () => {
          if (!res.writableFinished) received.abandoned = true;
        });

        const fault = faults.shift();
        if (fault !== undefined) {
          const streamed =
            path === '/v1/chat/completions' && isRecord(body) && body.stream === true;
          return applyFault(res, fault, streamed ? body : undefined);
        }

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
        try {
          return route({
            body,
            model,
            options,
            res,
            nextChatScript: () => chatScripts.shift(),
            nextId: () => ++lastId,
          });
        } catch (error) {
          // A test's script function threw: say so over HTTP rather than crash the server.
          const message = error instanceof Error ? error.message : String(error);
          return sendError(res, 500, `The fake's script failed: ${message}`, 'server_error');
        }
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
    chatReplies(...replies) {
      chatScripts.push(...replies);
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

/** Applies `fault`; `streamed` is the body of a chat request that asked for SSE. */
function applyFault(
  res: ServerResponse,
  fault: FakeOpenAiFault,
  streamed: Record<string, unknown> | undefined,
): void {
  if (streamed !== undefined && typeof fault === 'string') {
    const model = typeof streamed.model === 'string' ? streamed.model : DEFAULT_MODEL;
    res.writeHead(200, SSE_HEADERS);
    const first = { role: 'assistant', content: FAULT_CHUNK_TEXT };
    res.write(sseEvent(chunkOf(`chatcmpl-fault`, model, first, null, false)));
    if (fault === 'malformed') res.end('data: {not json\n\n');
    else if (fault === 'cut') res.end();
    return;
  }
  if (fault === 'stall') return;
  if (fault === 'malformed') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"object": "list", "data": [');
    return;
  }
  if (fault === 'cut') {
    // Destroyed rather than ended: a whole (if short) body would not be a cut.
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"object": "list", "data": [');
    setImmediate(() => res.destroy());
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

/** The headers of a streamed chat answer. */
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };

/** A scripted answer with its ids, argument texts and token counts settled. */
interface FakeCompletion {
  id: string;
  model: string;
  text: string | null;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
  finishReason: string;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  chunkSize: number;
  delayMs: number;
  firstDelayMs: number;
  stallAfter: number | undefined;
}

function chatCompletions({
  body,
  model,
  options,
  res,
  nextChatScript,
  nextId,
}: RouteContext): void {
  const messages = isRecord(body) ? body.messages : undefined;
  if (model === undefined) {
    return sendError(res, 400, "'model' is required.", 'invalid_request_error');
  }
  if (
    !Array.isArray(messages) ||
    messages.length === 0 ||
    !messages.every((m) => isRecord(m) && typeof m.role === 'string')
  ) {
    return sendError(
      res,
      400,
      "'messages' must be a non-empty array of messages with a role.",
      'invalid_request_error',
    );
  }
  const tools = isRecord(body) && Array.isArray(body.tools) ? (body.tools as unknown[]) : undefined;
  const request: FakeChatRequest = {
    model,
    messages: (messages as Array<Record<string, unknown>>).map(fakeChatMessage),
    ...(tools === undefined ? {} : { tools }),
  };
  const script = nextChatScript() ?? options.chat ?? echo;
  const reply = typeof script === 'function' ? script(request) : script;
  const completion = settle(reply, request, nextId());

  if (isRecord(body) && body.stream === true) {
    const streamOptions = isRecord(body.stream_options) ? body.stream_options : {};
    void streamCompletion(res, completion, streamOptions.include_usage === true);
    return;
  }
  const toolCalls = completion.toolCalls.map((call) => ({
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  }));
  sendJson(res, 200, {
    id: completion.id,
    object: 'chat.completion',
    created: 0,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: completion.text,
          ...(toolCalls.length === 0 ? {} : { tool_calls: toolCalls }),
          refusal: null,
        },
        logprobs: null,
        finish_reason: completion.finishReason,
      },
    ],
    usage: completion.usage,
  });
}

function fakeChatMessage(message: Record<string, unknown>): FakeChatMessage {
  return {
    role: String(message.role),
    content: typeof message.content === 'string' ? message.content : null,
    ...(typeof message.tool_call_id === 'string' ? { tool_call_id: message.tool_call_id } : {}),
    ...(Array.isArray(message.tool_calls) ? { tool_calls: message.tool_calls as unknown[] } : {}),
  };
}

/** The default reply: a short echo of the last user message, so a test sees its input came through. */
function echo(request: FakeChatRequest): FakeChatReply {
  const last = request.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
  return { text: `Echo: ${last.slice(0, 100)}` };
}

function settle(reply: FakeChatReply, request: FakeChatRequest, n: number): FakeCompletion {
  const calls =
    'toolCalls' in reply
      ? reply.toolCalls.map((call, i) => ({
          id: `call_fake_${n}_${i}`,
          name: call.name,
          arguments:
            typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
        }))
      : [];
  const text = reply.text ?? null;
  const promptTokens = request.messages.reduce((sum, m) => sum + words(m.content ?? '').length, 0);
  const completionTokens =
    words(text ?? '').length + calls.reduce((sum, c) => sum + words(c.arguments).length, 0);
  return {
    id: `chatcmpl-fake-${n}`,
    model: request.model,
    text,
    toolCalls: calls,
    finishReason: 'toolCalls' in reply ? 'tool_calls' : (reply.finishReason ?? 'stop'),
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
    chunkSize: Math.max(1, reply.chunkSize ?? 4),
    delayMs: reply.delayMs ?? 0,
    firstDelayMs: reply.firstDelayMs ?? 0,
    stallAfter: reply.stallAfter,
  };
}

/** Writes `completion` as OpenAI streams it: role, pieces, finish, usage (when asked), `[DONE]`. */
async function streamCompletion(
  res: ServerResponse,
  completion: FakeCompletion,
  includeUsage: boolean,
): Promise<void> {
  const { id, model, chunkSize } = completion;
  const deltas: Array<Record<string, unknown>> = [
    { role: 'assistant', content: completion.text === null ? null : '' },
  ];
  for (const piece of pieces(completion.text ?? '', chunkSize)) deltas.push({ content: piece });
  completion.toolCalls.forEach((call, index) => {
    deltas.push({
      tool_calls: [
        { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } },
      ],
    });
    for (const piece of pieces(call.arguments, chunkSize)) {
      deltas.push({ tool_calls: [{ index, function: { arguments: piece } }] });
    }
  });

  res.writeHead(200, SSE_HEADERS);
  if (completion.firstDelayMs > 0) {
    // The headers go now, the first chunk later: the client has a response, and no byte of it.
    res.flushHeaders();
    await sleep(completion.firstDelayMs);
  }
  for (const [i, delta] of deltas.entries()) {
    if (i > 1 && completion.delayMs > 0) await sleep(completion.delayMs);
    // The client went away (an abort) or the server closed: nobody reads the rest.
    if (res.destroyed) return;
    // The first delta holds the role, the text's pieces follow it.
    if (completion.stallAfter !== undefined && i > completion.stallAfter) return;
    res.write(sseEvent(chunkOf(id, model, delta, null, includeUsage)));
  }
  res.write(sseEvent(chunkOf(id, model, {}, completion.finishReason, includeUsage)));
  if (includeUsage) {
    // As OpenAI does: one more chunk, with no choices, carries the usage of the whole answer.
    const usage = { id, object: 'chat.completion.chunk', created: 0, model, choices: [] };
    res.write(sseEvent({ ...usage, usage: completion.usage }));
  }
  res.end('data: [DONE]\n\n');
}

function chunkOf(
  id: string,
  model: string,
  delta: Record<string, unknown>,
  finishReason: string | null,
  includeUsage: boolean,
): Record<string, unknown> {
  return {
    id,
    object: 'chat.completion.chunk',
    created: 0,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    // With `include_usage`, OpenAI puts `usage: null` on every chunk but the last.
    ...(includeUsage ? { usage: null } : {}),
  };
}

function sseEvent(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

/** `text` in pieces of `size` characters, never splitting a character made of two UTF-16 units. */
function pieces(text: string, size: number): string[] {
  const chars = Array.from(text);
  const result: string[] = [];
  for (let i = 0; i < chars.length; i += size) result.push(chars.slice(i, i + size).join(''));
  return result;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
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
