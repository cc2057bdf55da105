import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isAppError, type AppError, type ErrorCode } from '../errors/index.js';
import type { Logger } from '../telemetry/index.js';

/** HTTP status of each error code: the one place where errors become HTTP. */
const STATUS: Readonly<Record<ErrorCode, number>> = {
  config_invalid: 500,
  invalid_input: 400,
  invalid_output: 502,
  unknown_tool: 404,
  tool_failed: 502,
  timeout: 504,
  circuit_open: 503,
  rejected: 503,
  cancelled: 499,
  upstream_unavailable: 503,
  rate_limited: 429,
  not_found: 404,
  method_not_allowed: 405,
  unauthorized: 401,
  forbidden: 403,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  internal: 500,
};

/**
 * How often a dependency that stays unavailable is reported again while it keeps failing
 * requests: once when it starts, then with the count of the requests it failed since.
 */
const OUTAGE_REPORT_INTERVAL_MS = 30_000;

/**
 * How long a dependency fails no request before its outage counts as over: its next failure is
 * a new outage, reported at once. A request that succeeds does not reach the error handler, so
 * the quiet is what tells that the dependency came back.
 */
const OUTAGE_QUIET_MS = 5_000;

/** The one JSON shape of every error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId: string };
}

/**
 * The challenge of every 401 (RFC 9110 §11.6.1): every credential of the API, a session token, the
 * admin key or the metrics token, is a bearer token.
 */
const CHALLENGE = 'Bearer realm="support-agent"';

/** Sends the standard error shape. */
export function sendError(
  reply: FastifyReply,
  status: number,
  code: ErrorCode,
  message: string,
): FastifyReply {
  if (status === 401) reply.header('www-authenticate', CHALLENGE);
  const body: ErrorBody = { error: { code, message, requestId: String(reply.request.id) } };
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/** The route a request that no handler took was sent to, as declared (see {@link declaredRoute}). */
const declaredRoutes = new WeakMap<FastifyRequest, string>();

/**
 * The route as declared (`/v1/sessions/:id`) of a request that no route took although its path
 * is one of the API's (a method it does not take, a parameter it refused); undefined for a path
 * the API does not have. Metrics count such requests under their route, not as unknown paths.
 */
export function declaredRoute(request: FastifyRequest): string | undefined {
  return declaredRoutes.get(request);
}

/**
 * Installs the error and not-found handlers: known errors keep their code and message, Fastify's
 * own client errors (bad JSON, too large) get a plain message, and anything else is logged with
 * its stack and answered with a generic 500 — no stack or internal message reaches a client.
 */
export function installErrorHandlers(
  server: FastifyInstance,
  logger: Logger,
  limits: { bodyLimitBytes?: number } = {},
): void {
  // A dependency that is away (Redis, the database) fails every request that needs it: one line
  // says so, with the driver's words in its cause, rather than one per refused request. A
  // database that hangs is the same outage: its requests time out (504) rather than being
  // refused (503), some one way and some the other, and are counted together.
  // An outage ends after OUTAGE_QUIET_MS without a failure: a second one that starts soon after
  // the first ended is reported when it starts, not once the first one's interval has passed.
  const outages = new Map<string, { reportedAt: number; lastFailedAt: number; failed: number }>();
  const logFailure = (error: AppError): void => {
    const dependency = outageOf(error);
    if (dependency === undefined) {
      logger.error({ err: error }, 'request failed');
      return;
    }
    const now = Date.now();
    const outage = outages.get(dependency);
    if (
      outage !== undefined &&
      now - outage.reportedAt < OUTAGE_REPORT_INTERVAL_MS &&
      now - outage.lastFailedAt < OUTAGE_QUIET_MS
    ) {
      outage.failed++;
      outage.lastFailedAt = now;
      return;
    }
    outages.set(dependency, { reportedAt: now, lastFailedAt: now, failed: 0 });
    const where = error.details?.where;
    logger.error(
      {
        err: error,
        dependency,
        // Which Redis or database: `host:port`, never a password.
        ...(typeof where === 'string' ? { where } : {}),
        ...(outage !== undefined && outage.failed > 0
          ? { failedSinceReported: outage.failed }
          : {}),
      },
      'request failed',
    );
  };
  // Every route's path as a pattern, to tell a path the API has from one it does not.
  const routes: Array<{ pattern: RegExp; url: string; methods: Set<string> }> = [];
  server.addHook('onRoute', (route) => {
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).map((m) =>
      m.toUpperCase(),
    );
    const pattern = new RegExp(
      `^${route.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[^/]+/g, '[^/]+')}/?$`,
    );
    const known = routes.find((r) => r.pattern.source === pattern.source);
    if (known) for (const m of methods) known.methods.add(m);
    else routes.push({ pattern, url: route.url, methods: new Set(methods) });
  });
  server.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = new Set<string>();
    for (const route of routes) {
      if (!route.pattern.test(path)) continue;
      for (const m of route.methods) allowed.add(m);
      declaredRoutes.set(request, route.url);
    }
    // HEAD is answered wherever GET is (the framework adds it to every GET route), and is listed
    // as such; OPTIONS only for a browser's allowed origins, so not listed.
    allowed.delete('OPTIONS');
    // The router found no route although the path has one for this method (a parameter it
    // refused): a 405 would say the method is not taken while listing it.
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    if (allowed.has(method)) {
      return sendError(reply, 404, 'not_found', `No route for ${request.method} ${path}`);
    }
    if (allowed.size > 0 && request.method !== 'OPTIONS') {
      const list = [...allowed].sort().join(', ');
      reply.header('allow', list);
      return sendError(
        reply,
        405,
        'method_not_allowed',
        `${path} does not take ${request.method}; it takes ${list}.`,
      );
    }
    if (allowed.size > 0) {
      // An OPTIONS that CORS did not answer: one without an Origin, or from an origin not allowed
      // outside /v1 (a foreign origin's preflight to /v1 is refused with 403 before it gets here).
      return sendError(
        reply,
        404,
        'not_found',
        `No route for OPTIONS ${path}: browsers may call the API only from the server's own pages and the origins in CORS_ORIGINS.`,
      );
    }
    return sendError(reply, 404, 'not_found', `No route for ${request.method} ${path}`);
  });
  server.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (isAppError(error)) {
      const status = STATUS[error.code];
      if (status >= 500) logFailure(error);
      if (error.retryAfterMs !== undefined) {
        reply.header('retry-after', Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
      } else if (status === 503 && error.retryable) {
        // A dependency that went away usually comes back: say when to try, not only "later".
        reply.header('retry-after', 1);
      }
      return sendError(reply, status, error.code, clientMessage(error));
    }
    if (error.validation) return sendError(reply, 400, 'invalid_input', error.message);
    const status = error.statusCode ?? 500;
    if (status === 413) {
      const limit = limits.bodyLimitBytes;
      return sendError(
        reply,
        413,
        'payload_too_large',
        limit === undefined
          ? 'The request body is too large.'
          : `The request body is too large: the limit is ${sizeOf(limit)} (HTTP_BODY_LIMIT_BYTES).`,
      );
    }
    if (status === 415) {
      return sendError(reply, 415, 'unsupported_media_type', unsupportedBodyMessage(request));
    }
    if (status >= 400 && status < 500) {
      const code: ErrorCode =
        status === 429
          ? 'rate_limited'
          : status === 404
            ? 'not_found'
            : status === 415
              ? 'unsupported_media_type'
              : 'invalid_input';
      return sendError(reply, status, code, error.message);
    }
    logger.error({ err: error }, 'unexpected error while handling a request');
    return sendError(reply, 500, 'internal', 'Internal error');
  });
}

/**
 * The dependency whose outage an error is, reported once per {@link OUTAGE_REPORT_INTERVAL_MS}
 * rather than once per request; undefined for an error of its own request.
 */
function outageOf(error: AppError): string | undefined {
  if (!error.retryable) return undefined;
  const dependency = error.details?.dependency;
  if (error.code === 'upstream_unavailable') return String(dependency ?? error.code);
  if (error.code === 'timeout' && dependency === 'database') return dependency;
  return undefined;
}

/**
 * What a client is told of an error, in a response or a stream's `error` event. A client error's
 * message is written for the client; so are most 5xx messages (a busy session, Redis down). A
 * bug, a setting and the database are the operator's: their messages name files, hosts and the
 * driver's words, which go to the log, and the client gets a sentence that says what happened
 * and what to do.
 *
 * @example
 * send({ type: 'error', code: error.code, message: clientMessage(error), retryable: error.retryable });
 */
export function clientMessage(error: AppError): string {
  if (STATUS[error.code] < 500) return error.message;
  if (error.details?.dependency === 'database') {
    return error.code === 'timeout'
      ? 'The database took too long to answer; please try again in a moment.'
      : error.retryable
        ? 'The database is unavailable; please try again in a moment.'
        : 'The service cannot use its database at the moment; please try again later.';
  }
  if (error.code === 'internal' || error.code === 'config_invalid') return 'Internal error';
  return error.message;
}

/** What a client is told of a body of a type its route does not take (415). */
export function unsupportedBodyMessage(request: FastifyRequest): string {
  const given = String(request.headers['content-type'] ?? '').slice(0, 80);
  const got = given === '' ? 'no Content-Type' : `"${given}"`;
  if (request.routeOptions.config?.filesOnly === true) {
    return `The body must be multipart/form-data with the files attached; got ${got}.`;
  }
  return `The body must be JSON (Content-Type: application/json)${takesFiles(request) ? ', or multipart/form-data with the files attached' : ''}; got ${got}.`;
}

/** A size in bytes as a person reads it: "1 MB", "512 KB", "900 bytes". */
function sizeOf(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route takes files as multipart (a 415 mentions multipart there only). */
    takesFiles?: boolean;
    /** The route takes files as multipart and nothing else (a 415 names multipart alone). */
    filesOnly?: boolean;
  }
}

/** The route config of a route that takes files as multipart. */
export const TAKES_FILES = { takesFiles: true };

/** The route config of a route that takes files as multipart, and no JSON body. */
export const TAKES_FILES_ONLY = { takesFiles: true, filesOnly: true };

/** Whether a request's route takes files as multipart: see {@link TAKES_FILES}. */
function takesFiles(request: FastifyRequest): boolean {
  return request.routeOptions.config?.takesFiles === true;
}
