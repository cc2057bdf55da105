import { AppError } from '../errors/index.js';
import type { ChatDelta, ChatModel, ChatRequest } from './chat-model.js';
import { openAiChatBody } from './openai-chat-body.js';
import { createDeltaAssembler, type DeltaAssembler } from './openai-chat-deltas.js';
import {
  cancelledError,
  clip,
  errorBodyText,
  httpError,
  isRecord,
  isRedirect,
  networkError,
  redirectedError,
  redactor,
  type Redact,
} from '../errors/upstream.js';
import { createSseParser, MAX_EVENT_CHARS, type SseParser } from './sse-parser.js';
import { startAnswerTimers, type AnswerTimers } from './answer-timers.js';

/** Options of {@link createOpenAiChatModel}. */
export interface OpenAiChatModelOptions {
  /** The API's base URL, the one ending in `/v1` (e.g. `http://localhost:11434/v1` for Ollama). */
  baseUrl: string;
  /** The model, e.g. `gpt-4o-mini` or `llama3.1`. */
  model: string;
  /** Sent as `Authorization: Bearer <key>` when given; local servers usually need none. */
  apiKey?: string;
  /** The `fetch` to use; the global one by default. */
  fetch?: typeof fetch;
  /** Sampling temperature; the server's default when absent. A request may override it. */
  temperature?: number;
  /** Cap on the answer's length in tokens; none when absent. A request may override it. */
  maxTokens?: number;
  /**
   * Longest wait, in ms, from the request to the first chunk of the answer:
   * {@link DEFAULT_FIRST_TOKEN_TIMEOUT_MS} when absent. See {@link createOpenAiChatModel}.
   */
  firstTokenTimeoutMs?: number;
  /**
   * Longest silence of an answer, in ms, once it has begun:
   * {@link DEFAULT_IDLE_TIMEOUT_MS} when absent. See {@link createOpenAiChatModel}.
   */
  idleTimeoutMs?: number;
}

/**
 * The default longest wait for an answer to begin (30 s). A hosted model begins within a few
 * seconds; a local one may first have to load (a 7B model from disk takes seconds to tens of
 * seconds) and read a long prompt. Past 30 s the server is loading something far bigger,
 * overloaded or hung, and the customer is better served by the help center's answer.
 */
export const DEFAULT_FIRST_TOKEN_TIMEOUT_MS = 30_000;

/**
 * The default longest silence of an answer once begun (15 s). Models write several tokens a
 * second, and servers that think or queue for long send keep-alive comments meanwhile; 15 s of
 * nothing is a stalled server or connection, and the customer has waited long enough.
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 15_000;

/**
 * A {@link ChatModel} over the OpenAI chat completions API (`POST {baseUrl}/chat/completions`,
 * streamed as Server-Sent Events), which OpenAI, Azure OpenAI, Ollama, vLLM, LM Studio and
 * llama.cpp's server all speak. Text deltas are yielded as they arrive, each tool call once when
 * its arguments are complete, then `usage` and `finish`.
 *
 * Failures are {@link AppError}s, and the API key never appears in a message:
 * - a network failure, a 5xx or a 408: `upstream_unavailable`, retryable;
 * - a 429: `rate_limited`, retryable, with the upstream's `Retry-After` as `retryAfterMs`;
 * - any other 4xx: `upstream_unavailable`, not retryable, quoting the upstream's message — but
 *   a 400 refusing `stream_options` (older Azure OpenAI), which is sent again without it, and
 *   never again to that server;
 * - a chunk that is not JSON: `upstream_unavailable`, not retryable (the server is broken);
 * - a stream that breaks off, or ends before `[DONE]` and before a `finish_reason`:
 *   `upstream_unavailable`, retryable;
 * - an answer that has not begun `firstTokenTimeoutMs` (30 s by default) after the request:
 *   `timeout`, **not** retryable. It begins with its first chunk of a choice (an event of the
 *   stream, the role or reasoning included; the first byte of a whole JSON completion): headers
 *   alone, keep-alive comments, or a chunk of no choice (Azure's prompt filter results) are no
 *   answer. A server may take longer to load the model, queue the
 *   request and read a long prompt than to write its next token, hence a limit of its own; one
 *   that has not begun by then would most likely hold a second attempt as long;
 * - an answer that sends nothing for `idleTimeoutMs` (15 s by default) once begun: `timeout`,
 *   retryable. Any byte counts, a keep-alive comment or reasoning text included. A whole JSON
 *   completion (a server that ignored `stream: true`) is held to the same limits as it arrives.
 *   On either timeout the request is aborted: the server sees the connection close and can stop
 *   generating;
 * - `signal` aborted: `cancelled`, or the signal's reason when that is an `AppError` (the
 *   tool-call wrapper's timeout). The request and the download both stop.
 *
 * Retrying is the caller's policy, not the adapter's, and a streamed answer can only be retried
 * **before its first delta was yielded**: after that the caller has shown or used part of an
 * answer that a second attempt would not continue but repeat differently. A wrapper should pass
 * an error after the first delta through as final (or restart the turn's output explicitly).
 *
 * @example
 * const model = createOpenAiChatModel({
 *   baseUrl: 'https://api.openai.com/v1',
 *   model: 'gpt-4o-mini',
 *   apiKey: process.env.LLM_API_KEY,
 * });
 * for await (const delta of model.stream({ system: 'Be brief.', messages, signal })) {
 *   if (delta.type === 'text') process.stdout.write(delta.text);
 * }
 */
export function createOpenAiChatModel(options: OpenAiChatModelOptions): ChatModel {
  if (options.model.trim() === '') {
    throw new AppError('config_invalid', 'The chat model name is empty');
  }
  const endpoint = chatCompletionsUrl(options.baseUrl);
  // Origin and path only: a URL's user info or query may hold a secret, and messages are logged.
  const where = `${endpoint.origin}${endpoint.pathname}`;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const apiKey = options.apiKey === '' ? undefined : options.apiKey;
  const redact = redactor(apiKey);
  const limits = {
    firstTokenMs: options.firstTokenTimeoutMs ?? DEFAULT_FIRST_TOKEN_TIMEOUT_MS,
    idleMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
  };
  const defaults = {
    model: options.model,
    ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
    ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
  };

  // Cleared for good when the server refuses `stream_options`: usage then goes unreported.
  let askUsage = true;

  /** The response, or `usage_refused` for a 400 naming the `stream_options` the body holds. */
  async function send(
    body: Record<string, unknown>,
    signal: AbortSignal | undefined,
  ): Promise<Response | 'usage_refused'> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'text/event-stream',
    };
    if (apiKey !== undefined) headers.authorization = `Bearer ${apiKey}`;
    let response: Response;
    try {
      response = await fetchFn(endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal,
        // Never followed: a 307 or 308 would send the conversation (the customer's words) and
        // the API key to whatever host the answer names.
        redirect: 'manual',
      });
    } catch (error) {
      if (signal?.aborted) throw cancelledError(signal, 'the chat model', where);
      throw networkError(error, `Cannot reach the chat model at ${where}`, redact);
    }
    if (isRedirect(response)) {
      await response.body?.cancel().catch(() => undefined);
      throw redirectedError(response, where, 'The chat model', 'LLM_BASE_URL');
    }
    if (!response.ok) {
      const text = await errorBodyText(response);
      if (signal?.aborted) throw cancelledError(signal, 'the chat model', where);
      if (response.status === 400 && 'stream_options' in body && /stream_options/.test(text)) {
        return 'usage_refused';
      }
      throw httpError(response, text, 'the chat model', where, redact);
    }
    return response;
  }

  async function* stream(request: ChatRequest): AsyncGenerator<ChatDelta> {
    const { signal } = request;
    if (signal?.aborted) throw cancelledError(signal, 'the chat model', where);
    // Aborts the request when the answer does not begin or stalls: reading no further is not
    // enough, the server would go on generating for a connection nobody reads.
    const stall = new AbortController();
    const upstream = signal ? AbortSignal.any([signal, stall.signal]) : stall.signal;
    const timers = startAnswerTimers(stall, limits, where);
    try {
      let response = await send(
        openAiChatBody(request, { ...defaults, usage: askUsage }),
        upstream,
      );
      if (response === 'usage_refused') {
        // Azure OpenAI before api-version 2024-09-01-preview, and some gateways, refuse the
        // option that asks for the token usage ("Unrecognized request argument supplied:
        // stream_options"): answering without the usage beats not answering at all.
        askUsage = false;
        response = await send(openAiChatBody(request, { ...defaults, usage: false }), upstream);
        if (response === 'usage_refused') {
          throw new Error('unreachable: no stream_options was sent');
        }
      }
      const assembler = createDeltaAssembler(where, redact);
      const contentType = response.headers.get('content-type') ?? '';
      const body = readBody(response, signal, stall, timers);
      if (contentType.startsWith('application/json')) {
        // A server (or proxy) that ignored `stream: true` answers with one whole completion.
        yield* wholeCompletion(await readWhole(body, timers), assembler);
        return;
      }
      yield* readStream(body, signal, assembler, timers);
    } finally {
      timers.stop();
    }
  }

  /**
   * The pieces of `response`'s body, each read under `timers`. Failures are `AppError`s: the
   * caller's cancellation, the timers' timeout, or the connection breaking off.
   */
  async function* readBody(
    response: Response,
    signal: AbortSignal | undefined,
    stall: AbortController,
    timers: AnswerTimers,
  ): AsyncGenerator<Uint8Array> {
    if (response.body === null) throw cut(where, 'answered without a body');
    const reader = response.body.getReader();
    try {
      for (;;) {
        const read = await timers.during(reader.read()).catch((error: unknown) => {
          if (signal?.aborted) throw cancelledError(signal, 'the chat model', where);
          if (stall.signal.aborted) throw stall.signal.reason;
          throw networkError(error, `The answer of the chat model at ${where} broke off`, redact);
        });
        if (read.done) return;
        yield read.value;
      }
    } finally {
      // Stops the download after `[DONE]`, on an error, or when the consumer stopped early.
      reader.cancel().catch(() => undefined);
    }
  }

  /** The text of a whole JSON completion; it begins with its first byte. */
  async function readWhole(body: AsyncIterable<Uint8Array>, timers: AnswerTimers) {
    const decoder = new TextDecoder();
    let text = '';
    for await (const piece of body) {
      timers.begun();
      text += decoder.decode(piece, { stream: true });
      // A completion is a few kilobytes: a body without end is not buffered without end.
      if (text.length > MAX_EVENT_CHARS) {
        throw cut(where, `sent an answer of more than ${MAX_EVENT_CHARS} characters`);
      }
    }
    return text + decoder.decode();
  }

  function* wholeCompletion(text: string, assembler: DeltaAssembler): Generator<ChatDelta> {
    const completion = parseJson(text, where, redact);
    const choice: unknown = Array.isArray(completion.choices) ? completion.choices[0] : undefined;
    const message = isRecord(choice) ? choice.message : undefined;
    // The message has the shape of a delta and its `finish_reason` ends it.
    yield* assembler.push({
      ...completion,
      choices: isRecord(choice) ? [{ ...choice, index: 0, delta: message }] : [],
    });
    yield* assembler.end();
  }

  async function* readStream(
    body: AsyncIterable<Uint8Array>,
    signal: AbortSignal | undefined,
    assembler: DeltaAssembler,
    timers: AnswerTimers,
  ): AsyncGenerator<ChatDelta> {
    const decoder = new TextDecoder();
    const parser = createSseParser();
    for await (const piece of body) {
      for (const data of pushTo(parser, decoder.decode(piece, { stream: true }), where)) {
        // The consumer may have aborted while it held the previous delta.
        if (signal?.aborted) throw cancelledError(signal, 'the chat model', where);
        if (data === '[DONE]') {
          yield* assembler.end();
          return;
        }
        const chunk = parseJson(data, where, redact);
        // Its first chunk of a choice begins the answer. Comments before it (keep-alives) do
        // not, nor does a chunk of no choice: Azure OpenAI's first, `prompt_filter_results`
        // alone, comes once the prompt is screened, before the model has begun.
        if (Array.isArray(chunk.choices) && chunk.choices.length > 0) timers.begun();
        yield* assembler.push(chunk);
      }
    }
    if (signal?.aborted) throw cancelledError(signal, 'the chat model', where);
    // The body ended without `[DONE]`. An unterminated last event is still read when it is
    // whole (some servers omit the final blank line); when it is not, the stream was cut.
    for (const data of [...pushTo(parser, decoder.decode(), where), ...parser.end()]) {
      if (data === '[DONE]') {
        yield* assembler.end();
        return;
      }
      const chunk = tryParseJson(data);
      if (chunk === undefined) break;
      yield* assembler.push(chunk);
    }
    if (!assembler.finished) throw cut(where, 'ended the stream before the answer was complete');
    yield* assembler.end();
  }

  return {
    name: options.model,
    stream,
  };
}

/** `{baseUrl}/chat/completions`, keeping a query string (Azure's `api-version`) where it belongs. */
function chatCompletionsUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (error) {
    throw new AppError('config_invalid', 'The chat model base URL is not a valid URL', {
      cause: error,
    });
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/chat/completions`;
  return url;
}

/** The events `text` completes; an event too long to buffer ends the answer as a failure. */
function pushTo(parser: SseParser, text: string, where: string): string[] {
  try {
    return parser.push(text);
  } catch (error) {
    if (error instanceof RangeError) throw cut(where, `sent ${error.message}`);
    throw error;
  }
}

function cut(where: string, what: string): AppError {
  return new AppError('upstream_unavailable', `The chat model at ${where} ${what}`, {
    retryable: true,
  });
}

function parseJson(data: string, where: string, redact: Redact): Record<string, unknown> {
  const value = tryParseJson(data);
  if (value === undefined) {
    throw new AppError(
      'upstream_unavailable',
      redact(`The chat model at ${where} sent a chunk that is not a JSON object: ${clip(data)}`),
    );
  }
  return value;
}

/** The JSON object `data` holds; `undefined` when it is not JSON or not an object. */
function tryParseJson(data: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
