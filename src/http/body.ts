import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors/index.js';
import { unsupportedBodyMessage } from './errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * JSON bodies as the API accepts them: valid UTF-8 (a byte sequence that is not UTF-8 is refused
 * rather than silently turned into replacement characters), valid JSON, and an object. An empty
 * body counts as no body.
 */
export function installJsonParser(server: FastifyInstance): void {
  // Only JSON and multipart (registered by its plugin) are bodies the API takes.
  server.removeContentTypeParser(['application/json', 'text/plain']);
  server.addContentTypeParser(
    // "application/json", "application/json; charset=utf-8", "application/problem+json; …".
    /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i,
    { parseAs: 'buffer' },
    (
      request: FastifyRequest,
      body: Buffer,
      done: (error: Error | null, value?: unknown) => void,
    ) => {
      const charset = charsetOf(String(request.headers['content-type'] ?? ''));
      if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
        return done(
          new AppError(
            'unsupported_media_type',
            `JSON must be sent as UTF-8 (charset=utf-8); the request says charset=${charset.slice(0, 40)}.`,
          ),
        );
      }
      if (body.length === 0) return done(null, undefined);
      let text: string;
      try {
        text = utf8.decode(body);
      } catch {
        return done(new AppError('invalid_input', 'The request body is not valid UTF-8 text.'));
      }
      try {
        return done(null, parseJson(text));
      } catch (error) {
        return done(
          new AppError(
            'invalid_input',
            `The request body is not valid JSON (${(error as Error).message}).`,
          ),
        );
      }
    },
  );
}

/**
 * The body of a request to a route that takes JSON only; a form is refused (415). The multipart
 * parser leaves a form's parts for its route to read, so one sent here would reach the route as
 * no body at all, and what it carried (a session's metadata, say) would be dropped unsaid.
 *
 * @example
 * const body = parseInput(adminSearchBodySchema, jsonBody(request), 'search');
 */
export function jsonBody(request: FastifyRequest): unknown {
  if (request.isMultipart()) {
    throw new AppError('unsupported_media_type', unsupportedBodyMessage(request));
  }
  return request.body;
}

/**
 * The body of a route whose JSON body may be left out (`curl -X POST` sends none): no body, or
 * an empty one, is `{}`. A body of `null` is not: it is no object, and is refused (400) as any
 * other JSON that is not one is, since a client that sends it most likely meant to send
 * something (a variable that was never set), and a request taken as empty would drop it unsaid.
 *
 * @example
 * const body = parseInput(createSessionBodySchema, optionalJsonBody(request, 'session'), 'session');
 */
export function optionalJsonBody(request: FastifyRequest, what: string): unknown {
  const body = jsonBody(request);
  if (body === undefined) return {};
  if (body === null) {
    throw new AppError(
      'invalid_input',
      `Invalid ${what}: the body is null, which is not a JSON object. Send an object ({} for none), or no body at all.`,
    );
  }
  return body;
}

/** The `charset` parameter of a Content-Type header, lowercased and unquoted; undefined without one. */
export function charsetOf(contentType: string): string | undefined {
  const match = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType);
  if (match === null) return undefined;
  return (match[1] ?? match[2] ?? '').toLowerCase();
}

/**
 * `JSON.parse` of a request's text (a body, a WebSocket frame), with keys that would reach
 * Object.prototype dropped rather than merged, and a leading byte order mark skipped. The
 * reviver that drops them runs on every value, so it is only used when the text could hold such
 * a key: spelt out, or hidden behind a `\u` escape.
 */
export function parseJson(text: string): unknown {
  // A body's decoder drops the mark already; a WebSocket frame's text still has it.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (!text.includes('__proto__') && !text.includes('\\u')) return JSON.parse(text);
  return JSON.parse(text, (key, v: unknown) => (key === '__proto__' ? undefined : v));
}

/**
 * Whether the client asked for Server-Sent Events: it names `text/event-stream`, does not refuse
 * it (`q=0`), and does not prefer JSON to it (`application/json, text/event-stream;q=0.5` is a
 * client that takes a stream but would rather have JSON). A tie goes to the stream it named.
 */
export function wantsEventStream(request: FastifyRequest): boolean {
  const ranges = acceptedRanges(request.headers.accept);
  if (!ranges.some((r) => r.range === EVENT_STREAM)) return false;
  const stream = qualityOf(ranges, EVENT_STREAM);
  return stream > 0 && stream >= qualityOf(ranges, 'application/json');
}

/**
 * Whether a client takes an event stream from a route that only streams: it asks for one, or
 * for anything (`*\/*`, `text/*`, or no `Accept` at all: `curl` as it comes). Unlike
 * {@link wantsEventStream}, which chooses between JSON and a stream, this only refuses a client
 * that named other types alone, or refused the stream (`q=0`).
 */
export function acceptsEventStream(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  if (accept === undefined || accept.trim() === '') return true;
  return qualityOf(acceptedRanges(accept), EVENT_STREAM) > 0;
}

const EVENT_STREAM = 'text/event-stream';

/** The media ranges of an `Accept` header, lowercased, each with its weight (`q`, 1 when not given). */
function acceptedRanges(accept: string | undefined): Array<{ range: string; q: number }> {
  if (accept === undefined) return [];
  return accept.split(',').flatMap((part) => {
    const [range = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    if (range === '') return [];
    const weight = params.find((p) => /^q\s*=/.test(p));
    const q = weight === undefined ? 1 : Number(weight.slice(weight.indexOf('=') + 1).trim());
    // A weight that is not a number is read as none given, rather than refuse what it weighs.
    return [{ range, q: Number.isNaN(q) ? 1 : Math.min(1, Math.max(0, q)) }];
  });
}

/**
 * The weight a client gives a media type: that of the most specific range that matches it
 * (`text/event-stream` before `text/*` before `*\/*`, RFC 9110 §12.5.1), 0 when none does.
 */
function qualityOf(ranges: ReadonlyArray<{ range: string; q: number }>, type: string): number {
  const family = `${type.slice(0, type.indexOf('/'))}/*`;
  let best = { specificity: 0, q: 0 };
  for (const { range, q } of ranges) {
    const specificity = range === type ? 3 : range === family ? 2 : range === '*/*' ? 1 : 0;
    if (specificity > best.specificity) best = { specificity, q };
  }
  return best.q;
}

/**
 * A file name given by a client, reduced to a harmless label: the last path segment only (no
 * directories, no `..`), no control characters, none of the characters that make markup
 * (`<`, `>`, `"`, `'`, `` ` ``, `&`: the name is shown in replies, transcripts and consoles), at
 * most 200 characters.
 */
export function safeFileName(name: string | undefined): string {
  return usableFileName(name) ?? 'attachment';
}

/**
 * {@link safeFileName} of a name that leaves something once reduced; undefined for one that
 * leaves nothing (none given, empty, only dots or a folder path): such files cannot be told apart
 * by their names.
 */
export function usableFileName(name: string | undefined): string | undefined {
  const cleaned = (name ?? '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/[<>"'`&]/g, '_');
  const last = cleaned.split(/[\\/]/).pop() ?? '';
  // The end is kept (it has the extension); a cut that would leave the second half of a
  // character written in two UTF-16 units (an emoji) leaves that half out too.
  const trimmed = last
    .trim()
    .replace(/^\.+/, '')
    .trim()
    .slice(-200)
    .replace(/^[\uDC00-\uDFFF]/, '');
  return trimmed === '' ? undefined : trimmed;
}
