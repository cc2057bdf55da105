import type { FastifyCorsOptions, FastifyCorsOptionsDelegateCallback } from '@fastify/cors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './errors.js';

/**
 * Whether a browser page of `origin` may call the API: a page of the server's own host, or of an
 * origin in `CORS_ORIGINS` (`allowed`). Origins are compared without regard to case, as hosts
 * are; `null` (a sandboxed frame, a file) is no one's origin and is refused.
 */
export function originAllowed(
  origin: string,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  const lower = origin.toLowerCase();
  if (allowed.some((o) => o.toLowerCase() === lower)) return true;
  if (host === undefined || host === '') return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

/**
 * Refuses (403, the one error shape) a request whose `Origin` is neither allowed nor the
 * server's own, and says so; true when it did. CORS alone only stops a browser from reading the
 * answer: the request itself (a message sent, a session ended) would still run, and a WebSocket
 * is not covered by CORS at all. A request without `Origin` is not a browser's cross-site one
 * (curl, another server, the CLI): the credentials alone decide. The host is the one the client
 * asked for (behind `TRUST_PROXY`, the proxy's `X-Forwarded-Host`), as the browser saw it.
 */
export function refuseForeignOrigin(
  request: FastifyRequest,
  reply: FastifyReply,
  allowed: readonly string[],
): boolean {
  const origin = request.headers.origin;
  if (origin === undefined || originAllowed(origin, request.host, allowed)) return false;
  const shown = origin.slice(0, 100);
  // A refused WebSocket upgrade is answered before the WebSocket plugin takes its socket, which
  // the HTTP server no longer manages: it is closed here once the answer is out.
  if (request.headers.upgrade !== undefined) {
    reply.raw.once('finish', () => request.raw.socket.end());
  }
  sendError(
    reply,
    403,
    'forbidden',
    `Requests from pages of ${shown} are not allowed: browsers may call this API only from the origins in CORS_ORIGINS and from the server's own pages. To let that site call it, add its origin to CORS_ORIGINS.`,
  );
  return true;
}

/**
 * CORS settings request by request: a page that may call the API (see {@link originAllowed})
 * has its origin sent back, its preflight included, and any other request gets no CORS headers.
 * By request rather than by a fixed list, because the server's own origin is known only from
 * the request: a fixed list would leave the preflights of the server's own pages unanswered
 * (404), and every preflight with `CORS_ORIGINS` unset. A foreign origin's request to `/v1`
 * never gets here: {@link refuseForeignOrigin} refused it first.
 *
 * @example
 * await server.register(cors, { delegator: corsFor(['https://shop.example.com'], { maxAge: 600 }) });
 */
export function corsFor(
  allowed: readonly string[],
  settings: Omit<FastifyCorsOptions, 'origin' | 'delegator'>,
): FastifyCorsOptionsDelegateCallback {
  return (request, callback) => {
    const origin = request.headers.origin;
    const reflected =
      origin !== undefined && originAllowed(origin, request.host, allowed) ? origin : false;
    // Not strict: CORS would answer an `OPTIONS` without `Access-Control-Request-Method` with a
    // plain-text 400, outside the one error shape; it is harmless to answer it as a preflight.
    callback(null, { ...settings, strictPreflight: false, origin: reflected });
  };
}
