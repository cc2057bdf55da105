import type { FastifyCorsOptions, FastifyCorsOptionsDelegateCallback } from '@fastify/cors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './errors.js';

/** The server's own origin as the browser asked for it: its host, and its scheme when known. */
export interface OwnOrigin {
  host: string | undefined;
  /** `http` or `https`; undefined when a proxy in front did not say which the browser used. */
  scheme: string | undefined;
}

/**
 * Whether a browser page of `origin` may call the API: a page of the server's own origin (its
 * scheme and host, port included), or of an origin in `CORS_ORIGINS` (`allowed`). Origins are
 * compared without regard to case, as hosts are; `null` (a sandboxed frame, a file) is no one's
 * origin and is refused. A page of `http://` is not one of `https://` on the same host: it could
 * be any network's between the browser and the host.
 */
export function originAllowed(origin: string, own: OwnOrigin, allowed: readonly string[]): boolean {
  const lower = origin.toLowerCase();
  if (allowed.some((o) => o.toLowerCase() === lower)) return true;
  if (own.host === undefined || own.host === '') return false;
  try {
    const url = new URL(origin);
    if (url.host !== own.host.toLowerCase()) return false;
    return own.scheme === undefined || url.protocol === `${own.scheme.toLowerCase()}:`;
  } catch {
    return false;
  }
}

/**
 * The origin the client asked for. Behind `TRUST_PROXY`, the host is the proxy's
 * `X-Forwarded-Host` and the scheme its `X-Forwarded-Proto` (Fastify reads both only from a
 * trusted proxy); a trusted proxy that names the host but not the scheme leaves the scheme
 * unknown (a proxy that ends TLS speaks plain HTTP to the server), and only the host is compared.
 * Without a proxy, the scheme is the connection's own.
 */
export function ownOriginOf(request: FastifyRequest): OwnOrigin {
  const host = request.host;
  if (request.headers['x-forwarded-proto'] === undefined) {
    const forwardedHost = request.headers['x-forwarded-host'];
    const lastForwarded =
      typeof forwardedHost === 'string' ? forwardedHost.split(',').at(-1)?.trim() : undefined;
    if (lastForwarded !== undefined && lastForwarded !== '' && lastForwarded === host) {
      return { host, scheme: undefined };
    }
  }
  return { host, scheme: request.protocol };
}

/**
 * Refuses (403, the one error shape) a request whose `Origin` is neither allowed nor the
 * server's own, and says so; true when it did. CORS alone only stops a browser from reading the
 * answer: the request itself (a message sent, a session ended) would still run, and a WebSocket
 * is not covered by CORS at all. A request without `Origin` is not a browser's cross-site one
 * (curl, another server, the CLI): the credentials alone decide. The server's own origin is the
 * one the client asked for (see {@link ownOriginOf}), as the browser saw it. The refusal depends
 * on `Origin` and is no answer to keep: it says `Vary: Origin` and `Cache-Control: no-store`.
 */
export function refuseForeignOrigin(
  request: FastifyRequest,
  reply: FastifyReply,
  allowed: readonly string[],
): boolean {
  const origin = request.headers.origin;
  if (origin === undefined || originAllowed(origin, ownOriginOf(request), allowed)) return false;
  const shown = origin.slice(0, 100);
  // A refused WebSocket upgrade is answered before the WebSocket plugin takes its socket, which
  // the HTTP server no longer manages: it is closed here once the answer is out.
  if (request.headers.upgrade !== undefined) {
    reply.raw.once('finish', () => request.raw.socket.end());
  }
  reply.header('vary', 'Origin');
  reply.header('cache-control', 'no-store');
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
      origin !== undefined && originAllowed(origin, ownOriginOf(request), allowed) ? origin : false;
    // Not strict: CORS would answer an `OPTIONS` without `Access-Control-Request-Method` with a
    // plain-text 400, outside the one error shape; it is harmless to answer it as a preflight.
    callback(null, { ...settings, strictPreflight: false, origin: reflected });
  };
}
