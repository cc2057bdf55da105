import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors/index.js';

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

/** The `charset` parameter of a Content-Type header, lowercased and unquoted; undefined without one. */
export function charsetOf(contentType: string): string | undefined {
  const match = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType);
  if (match === null) return undefined;
  return (match[1] ?? match[2] ?? '').toLowerCase();
}

/**
 * `JSON.parse`, with keys that would reach Object.prototype dropped rather than merged. The
 * reviver that drops them runs on every value, so it is only used when the text could hold such
 * a key: spelt out, or hidden behind a `\u` escape.
 */
function parseJson(text: string): unknown {
  if (!text.includes('__proto__') && !text.includes('\\u')) return JSON.parse(text);
  return JSON.parse(text, (key, v: unknown) => (key === '__proto__' ? undefined : v));
}

/** Whether the client asked for Server-Sent Events. */
export function wantsEventStream(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  return typeof accept === 'string' && accept.toLowerCase().includes('text/event-stream');
}

/**
 * Whether a client takes an event stream from a route that only streams: it asks for one, or
 * for anything (`*\/*`, `text/*`, or no `Accept` at all: `curl` as it comes). Unlike
 * {@link wantsEventStream}, which chooses between JSON and a stream, this only refuses a client
 * that named other types alone.
 */
export function acceptsEventStream(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  if (accept === undefined || accept.trim() === '') return true;
  return /(?:^|,)\s*(?:text\/event-stream|\*\/\*|text\/\*)\s*(?:;|,|$)/i.test(accept);
}

/**
 * A file name given by a client, reduced to a harmless label: the last path segment only (no
 * directories, no `..`), no control characters, none of the characters that make markup
 * (`<`, `>`, `"`, `'`, `` ` ``, `&`: the name is shown in replies, transcripts and consoles), at
 * most 200 characters.
 */
export function safeFileName(name: string | undefined): string {
  const cleaned = (name ?? '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/[<>"'`&]/g, '_');
  const last = cleaned.split(/[\\/]/).pop() ?? '';
  const trimmed = last.replace(/^\.+/, '').trim().slice(-200);
  return trimmed === '' ? 'attachment' : trimmed;
}
