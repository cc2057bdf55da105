import { AppError } from './app-error.js';
import { parseRetryAfter } from './retry-after.js';

/** Upstream messages are quoted in errors, but a page of HTML is not a message. */
const MAX_MESSAGE_LENGTH = 300;

/**
 * Errors of calls to upstream HTTP APIs (the chat model, the embeddings service), one mapping for
 * all of them: 5xx, 408 and 429 may pass later (with `Retry-After`), other 4xx will not; keys
 * never appear in a message.
 */

/** Replaces every occurrence of a secret with `[redacted]`: error messages end up in logs. */
export type Redact = (text: string) => string;

/** A {@link Redact} for `apiKey`, or the identity when there is no key. */
export function redactor(apiKey: string | undefined): Redact {
  return apiKey === undefined ? (text) => text : (text) => text.split(apiKey).join('[redacted]');
}

/**
 * The error for an aborted request. The tool-call wrapper aborts with its own `AppError` (a
 * timeout): that is the real reason, so it is thrown as it is.
 */
export function cancelledError(signal: AbortSignal, service: string, where: string): AppError {
  if (signal.reason instanceof AppError) return signal.reason;
  return new AppError('cancelled', `The request to ${service} at ${where} was cancelled`, {
    cause: signal.reason,
  });
}

/** The error for a request or a stream that failed below HTTP (refused, reset, cut). */
export function networkError(error: unknown, what: string, redact: Redact): AppError {
  return new AppError('upstream_unavailable', redact(`${what}: ${describeNetworkError(error)}`), {
    retryable: true,
    cause: error,
  });
}

/**
 * The error for a non-2xx answer. A 5xx, a 408 (the server gave up on a slow request) and a 429
 * may pass on a later attempt, with the upstream's `Retry-After` as `retryAfterMs`; any other
 * 4xx (a bad key, a bad request, an unknown model) will not. A content filter's refusal of the
 * prompt is `requestSpecific`: no circuit breaker counts it.
 */
export function httpError(
  response: Response,
  text: string,
  service: string,
  where: string,
  redact: Redact,
): AppError {
  const { status } = response;
  const upstream = upstreamMessage(text);
  const name = service.charAt(0).toUpperCase() + service.slice(1);
  const message = redact(
    `${name} at ${where} answered ${status}${upstream === undefined ? '' : `: ${upstream}`}`,
  );
  const details = { status };
  if (status === 429 || status >= 500 || status === 408) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
    return new AppError(status === 429 ? 'rate_limited' : 'upstream_unavailable', message, {
      retryable: true,
      details,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  // A prompt refused by the service's content filter (Azure OpenAI answers 400 `content_filter`)
  // is that request's failure: the service answered, and is no less available to the others.
  if (status === 400 && upstreamCode(text) === 'content_filter') {
    return new AppError('upstream_unavailable', message, { details, requestSpecific: true });
  }
  return new AppError('upstream_unavailable', message, { details });
}

/** The `code` of an OpenAI-style error body (`{ error: { code } }`), if it has one. */
function upstreamCode(text: string): string | undefined {
  try {
    const body: unknown = JSON.parse(text);
    const code = isRecord(body) && isRecord(body.error) ? body.error.code : undefined;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/** The most of an error answer's body read: its message is in the first few hundred bytes. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * The start of a non-2xx answer's body, as text: at most {@link MAX_ERROR_BODY_BYTES}, the rest
 * left unread and the download stopped. A proxy's error page may be large, or never end; neither
 * is held in memory, nor waited for. Empty when the body breaks off before anything came.
 *
 * @example
 * if (!response.ok) throw httpError(response, await errorBodyText(response), service, where, redact);
 */
export async function errorBodyText(response: Response): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  try {
    while (bytes < MAX_ERROR_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      const piece = value.subarray(0, MAX_ERROR_BODY_BYTES - bytes);
      bytes += piece.length;
      text += decoder.decode(piece, { stream: true });
    }
  } catch {
    // What came before the break is still the start of the message.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return text + decoder.decode();
}

/** The message of an OpenAI-style error body (`{ error: { message } }`, or Ollama's `{ error }`). */
export function upstreamMessage(body: unknown): string | undefined {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (!isRecord(value)) return undefined;
  const error = value.error;
  const message = isRecord(error) ? error.message : error;
  if (typeof message !== 'string' || message.trim() === '') return undefined;
  return clip(message.trim());
}

/** At most {@link MAX_MESSAGE_LENGTH} characters of `text`, marked when cut. */
export function clip(text: string): string {
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH)}…` : text;
}

/** What went wrong below HTTP, with undici's error code when it gives one. */
export function describeNetworkError(error: unknown): string {
  // undici reports "fetch failed" or "terminated" and keeps the useful part in `cause`.
  const cause = error instanceof Error ? error.cause : undefined;
  const code = isRecord(cause) && typeof cause.code === 'string' ? cause.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return code === undefined ? message : `${message} (${code})`;
}

/** A plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether `response` is a redirect (`fetch` with `redirect: 'manual'` hands it back as it is). */
export function isRedirect(response: Response): boolean {
  return response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400);
}

/**
 * The error for a redirect, which is not followed: the request is not sent again elsewhere (a
 * redirect would carry the conversation to another host), and the operator is told where the
 * service now is (origin and path only: a query may hold a secret) and which setting to change.
 * `service` names it ("The chat model"), `setting` is its URL's variable (`LLM_BASE_URL`).
 */
export function redirectedError(
  response: Response,
  where: string,
  service: string,
  setting: string,
): AppError {
  const location = response.headers.get('location');
  let target = '';
  try {
    if (location !== null) {
      const url = new URL(location, where);
      target = ` to ${url.origin}${url.pathname}`;
    }
  } catch {
    target = '';
  }
  return new AppError(
    'upstream_unavailable',
    `${service} at ${where} answered ${response.status || 'a redirect'}, redirected${target}: redirects are not followed, so that nothing is sent anywhere but the configured URL; point ${setting} at where it redirects`,
    { details: { status: response.status } },
  );
}
