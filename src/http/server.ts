import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import {
  context,
  defaultTextMapGetter,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import cors from '@fastify/cors';
import multipart from '@fastify/multipart';
import websocket from '@fastify/websocket';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { App } from '../app.js';
import type { Config } from '../config/index.js';
import { installJsonParser } from './body.js';
import { declaredRoute, installErrorHandlers, sendError } from './errors.js';
import { adminRoutes } from './routes/admin.js';
import { docsRoutes } from './routes/docs.js';
import { sessionRoutes } from './routes/sessions.js';
import { WS_MAX_FRAME_BYTES, wsRoutes } from './routes/ws.js';
import { adminKeyMatches, bearerToken, hashToken, tokenMatches } from './auth.js';
import { clientKey } from './client-address.js';
import { corsFor, refuseForeignOrigin } from './origin.js';
import { enforceRateLimit } from './session-access.js';
import { StreamRegistry, type StreamOrigin } from './streams.js';
import type { Health, Readiness } from '../protocol/operations-api.js';
import { redactText } from '../telemetry/index.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Reads an incoming `traceparent` (and `tracestate`). Held here rather than registered globally:
 * nothing reaches for a process-wide propagator.
 */
const TRACE_CONTEXT = new W3CTraceContextPropagator();

/** The router's limit on one path parameter (its default), named in the refusal of a longer one. */
const MAX_PARAM_LENGTH = 100;

/** Options of {@link buildServer}. */
export interface ServerOptions {
  /** True while the server drains for shutdown: `/ready` answers 503 so balancers stop sending. */
  isDraining?: () => boolean;
}

/** The HTTP server, with what shutdown needs to end its streams. */
export type SupportServer = FastifyInstance & { streams: StreamRegistry };

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The open streams (SSE and WebSocket) of this server, by session: a route that ends or
     * erases a session ends its streams here (`request.server.streams.endSession(id, 'erased')`).
     */
    streams: StreamRegistry;
  }
}

/**
 * Headers every response carries: the API serves data, never pages to frame or sniff. A list of
 * pairs rather than an object, so each request walks it without building an entries array.
 */
const SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['x-content-type-options', 'nosniff'],
  ['x-frame-options', 'DENY'],
  ['referrer-policy', 'no-referrer'],
  ['cross-origin-resource-policy', 'same-site'],
  ['content-security-policy', "default-src 'none'; frame-ancestors 'none'"],
];

/**
 * What a session id may look like to be logged as one. Ids are logged unredacted (see
 * `redactValue`), so whatever else a client writes in their place (an e-mail address) is left to
 * the redacted `url` of the line.
 */
const SESSION_ID_SHAPE = /^[A-Za-z0-9_-]{1,64}$/;

/** The session a request is about, for its log lines: the `:id` of a session's routes. */
function sessionOf(request: FastifyRequest): { sessionId?: string } {
  const route = request.routeOptions.url;
  if (route === undefined || !route.startsWith('/v1/sessions/:id')) return {};
  const id = (request.params as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' && SESSION_ID_SHAPE.test(id) ? { sessionId: id } : {};
}

/** Most characters of a user agent a request line keeps: enough to tell clients apart. */
const MAX_USER_AGENT_CHARS = 200;

/**
 * The client's `User-Agent` for its request line, cut to {@link MAX_USER_AGENT_CHARS}. Redacted
 * before it is cut (the logger redacts it again, which changes nothing): cut first, an e-mail
 * address or a key across the cut would lose the end its pattern needs and be logged in part.
 * Only twice the length kept is read, so a huge header costs no more than a short one.
 */
function userAgentOf(request: FastifyRequest): { userAgent?: string } {
  const agent = request.headers['user-agent'];
  if (typeof agent !== 'string' || agent === '') return {};
  if (agent.length <= MAX_USER_AGENT_CHARS) return { userAgent: agent };
  const redacted = redactText(agent.slice(0, 2 * MAX_USER_AGENT_CHARS));
  return {
    userAgent:
      redacted.length > MAX_USER_AGENT_CHARS
        ? `${redacted.slice(0, MAX_USER_AGENT_CHARS)}…`
        : redacted,
  };
}

/**
 * Answers a request Node's HTTP parser refused (headers or address too large, bytes that are not
 * HTTP, a request that took too long to arrive) in the one error shape, and closes the
 * connection: what came after the refused bytes cannot be read as a request.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has no one left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'The address and headers of the request are too large.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request did not arrive in time.']
        : [400, 'This is not a well-formed HTTP request.'];
  const requestId = randomUUID();
  const body = JSON.stringify({ error: { code: 'invalid_input', message, requestId } });
  const headers = [
    ['connection', 'close'],
    ['content-type', 'application/json; charset=utf-8'],
    ['content-length', String(Buffer.byteLength(body))],
    ['cache-control', 'no-store'],
    ['x-request-id', requestId],
    ...SECURITY_HEADERS,
  ]
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${headers}\r\n${body}`);
}

/**
 * The HTTP server: the `/v1` API (sessions, messages with SSE, WebSocket, admin), `GET /health`
 * (liveness), `GET /ready` (readiness), `GET /metrics` (Prometheus text), `GET /openapi.json` and
 * `/docs`. Every response carries `X-Request-Id` (an incoming well-formed one is kept) and the
 * security headers; every error has the one error shape.
 *
 * @example
 * const server = await buildServer(app);
 * await server.listen({ port: 8080 });
 */
export async function buildServer(app: App, options: ServerOptions = {}): Promise<SupportServer> {
  const { config } = app;
  const server = Fastify({
    logger: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: trustedProxies(config.http.trustProxy),
    // A request that arrives while the server closes is refused by the hook below: the
    // framework's own refusal has neither the error shape nor the headers every response carries.
    return503OnClosing: false,
    // `/v1/sessions/:id/` is `/v1/sessions/:id`: a client that adds a slash is served, not told
    // that the method it used is not taken.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    // What Node's parser refuses never reaches the router: without this it would be answered in
    // the framework's own shape, without the headers every response carries here.
    clientErrorHandler: (error, socket) => answerClientError(error, socket),
    // The router's own refusals come before any hook runs: they get the one error shape and the
    // headers every response carries here.
    frameworkErrors: (error, request, reply) => {
      // No hook runs for these either: the request is counted and logged once answered.
      reply.raw.once('finish', () => observe(request, reply, reply.statusCode));
      reply.header('x-request-id', request.id);
      for (const [name, value] of SECURITY_HEADERS) reply.header(name, value);
      if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
        return sendError(
          reply,
          414,
          'invalid_input',
          `A part of the address is longer than ${MAX_PARAM_LENGTH} characters: no id or name is that long.`,
        );
      }
      if (error.code === 'FST_ERR_BAD_URL') {
        return sendError(
          reply,
          400,
          'invalid_input',
          'The address is malformed: each `%` in it must be followed by two hexadecimal digits.',
        );
      }
      app.logger.error({ err: error }, 'the router refused a request');
      return sendError(reply, 500, 'internal', 'Internal error');
    },
  });
  installErrorHandlers(server, app.logger, { bodyLimitBytes: config.http.bodyLimitBytes });
  installJsonParser(server);

  /** Whether a request carries the admin key: by hash, in constant time. */
  function isStaff(request: FastifyRequest): boolean {
    return (
      app.adminKeyHash !== undefined && adminKeyMatches(bearerToken(request), app.adminKeyHash)
    );
  }

  // Set when the server begins to close (shutdown's grace period): a keep-alive connection that
  // was busy then may still bring requests, which are refused so that the client goes elsewhere.
  let closing = false;
  server.addHook('preClose', (done) => {
    closing = true;
    done();
  });

  // The id of each WebSocket upgrade, for the answer that opens the socket (see below).
  const upgradeIds = new WeakMap<IncomingMessage, string>();

  // One hook rather than one per concern: each hook Fastify runs costs every request a step of
  // its hook chain. The rest of the request runs inside the correlation entered here.
  const perAddressLimit = config.http.rateLimitPerMinute;
  // Compared without regard to case (see `originAllowed`).
  const corsOrigins = config.http.corsOrigins;
  // One server span per request, ended with its response (a stream's: when it closes), under the
  // caller's trace when the request carries a `traceparent`. The rest of the request runs inside
  // it, so the spans of a turn's tool calls are its children.
  const { tracer, tracingEnabled } = app.telemetry;
  const spans = new WeakMap<FastifyRequest, Span>();
  /**
   * Starts the span of a request, and gives the context it runs in; none for the probes and
   * scrapes that the request log leaves out too, which would bury the traces of the API.
   */
  const startSpan = (request: FastifyRequest, sessionId: string | undefined) => {
    if (!tracingEnabled || request.url === '/health' || request.url === '/metrics') return;
    const route = request.routeOptions.url;
    const parent = TRACE_CONTEXT.extract(ROOT_CONTEXT, request.headers, defaultTextMapGetter);
    // Bounded attributes only: the route as declared, never the path with its ids or the query
    // (a WebSocket's token is there).
    const span = tracer.startSpan(
      route === undefined ? request.method : `${request.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          ...(route !== undefined ? { 'http.route': route } : {}),
          'request.id': String(request.id),
          ...(sessionId !== undefined ? { 'session.id': sessionId } : {}),
        },
      },
      parent,
    );
    spans.set(request, span);
    return trace.setSpan(parent, span);
  };
  server.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    for (const [name, value] of SECURITY_HEADERS) reply.header(name, value);
    if (request.headers.upgrade !== undefined) upgradeIds.set(request.raw, String(request.id));
    // `/ready` answers for itself, in the shape balancers read (`draining`).
    if (closing && request.routeOptions.url !== '/ready') {
      // The framework has asked for the connection to be closed after this answer.
      reply.header('cache-control', 'no-store').header('retry-after', 1);
      sendError(
        reply,
        503,
        'rejected',
        'This server is shutting down: send the request again (another instance takes it).',
      );
      return;
    }
    const admit = (): void => {
      // By the route matched, not the raw URL: the router decodes the path, so `/%761/sessions`
      // is `/v1/sessions` and must be limited as one.
      const path = request.routeOptions.url ?? decodedPath(request.url);
      // A preflight is taken by CORS's catch-all route (`*`): it is refused by its own path.
      const api =
        path.startsWith('/v1/') || (path === '*' && decodedPath(request.url).startsWith('/v1/'));
      // Answered here: a hook that replies does not go on.
      if (api && refuseForeignOrigin(request, reply, corsOrigins)) return;
      if (!path.startsWith('/v1/')) return done();
      // Every `/v1` answer is one session's or the staff's (a token, a transcript, a ticket):
      // neither a browser nor a proxy may keep it. SSE streams say the same (see `SseStream`).
      reply.header('cache-control', 'no-store');
      // The staff are not charged to the customers' budget: behind one address with customers
      // (an office's NAT) they would be locked out by their traffic. Only a request with the
      // right key is let through; one without it is charged, so guessing keys stays limited.
      if (path.startsWith('/v1/admin/') && isStaff(request)) return done();
      // By client, not by exact address: an IPv6 client could take a new address of its /64
      // for every request (see `clientKey`).
      enforceRateLimit(
        app.rateLimiter,
        `ip:${clientKey(request.ip)}`,
        perAddressLimit,
        'address',
        reply,
      ).then(
        () => done(),
        (error: unknown) => done(error as FastifyError),
      );
    };
    // The session a route is about is named on every line of its request, not only on the
    // request line: an error of a session's request is found by the session's id.
    const session = sessionOf(request);
    const ids = { requestId: String(request.id), ...session };
    const traced = startSpan(request, session.sessionId);
    if (traced === undefined) app.correlation.run(ids, admit);
    else context.with(traced, () => app.correlation.run(ids, admit));
  });
  /** Ends the request's span, once: with its status, or without one when its client left. */
  const endSpan = (request: FastifyRequest, status: number | undefined): void => {
    const span = spans.get(request);
    if (span === undefined) return;
    spans.delete(request);
    if (status !== undefined) {
      span.setAttribute('http.response.status_code', status);
      // A client's mistake (4xx) is not the server's failure.
      if (status >= 500) {
        span.setAttribute('error.type', String(status));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
    }
    span.end();
  };
  const requests = app.telemetry.histograms.histogram(
    'support_agent.http.request.duration_seconds',
    {
      description:
        'HTTP requests by method, route (as declared, not the raw path) and status, with their duration up to the response (a stream: its whole life)',
      unit: 's',
      boundaries: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    },
  );
  /** Counts a request and writes its line: at its response, or when its stream closed. */
  const observe = (request: FastifyRequest, reply: FastifyReply, status: number): void => {
    // Routes as declared, so that ids and probes of unknown paths make no series of their own.
    const route = request.routeOptions.url ?? declaredRoute(request) ?? 'unmatched';
    const { method } = request;
    const elapsed = reply.elapsedTime;
    endSpan(request, status);
    requests
      .seriesFor(`${method} ${route} ${status}`, () => ({ method, route, status: String(status) }))
      .record(elapsed / 1000);
    // A balancer's or Kubernetes' readiness probe comes every few seconds: its line would bury
    // the API's. What an operator needs of it, a change of its answer, `/ready` logs itself.
    const level = route === '/ready' ? 'debug' : 'info';
    // The request line is only built when it would be written.
    if (
      app.logger.isLevelEnabled(level) &&
      request.url !== '/health' &&
      request.url !== '/metrics'
    ) {
      app.logger[level](
        {
          // Named here too: a stream's line is written when it closes, outside its request.
          requestId: String(request.id),
          method,
          url: request.url.split('?')[0],
          ...sessionOf(request),
          status,
          ms: Math.round(elapsed),
          // As the limits see it: the proxy's view when `TRUST_PROXY` trusts it.
          ip: request.ip,
          ...userAgentOf(request),
        },
        'request',
      );
    }
  };
  // A stream (SSE, WebSocket) is counted once, when it closes, with its whole life: its client
  // may close it, which gives no `onResponse`, and a WebSocket never has one.
  const streams = new StreamRegistry({
    onClose: ({ reply, status }: StreamOrigin) => observe(reply.request, reply, status),
    slotLimits: {
      perSession: config.http.streamsPerSession,
      perAddress: config.http.streamsPerAddress,
    },
  });
  server.decorate('streams', streams);
  server.addHook('onResponse', (request, reply, done) => {
    if (!streams.opened(request)) observe(request, reply, reply.statusCode);
    done();
  });
  // A client that goes away before its response is complete (a stream it stopped reading, a
  // closed tab) gets no response line: it gets this one.
  server.addHook('onRequestAbort', (request, done) => {
    // A stream's span ends when the stream closes, with its status.
    if (!streams.opened(request)) endSpan(request, undefined);
    app.correlation.run({ requestId: String(request.id) }, () =>
      app.logger.info(
        { method: request.method, url: request.url.split('?')[0], ...sessionOf(request) },
        'request aborted by the client',
      ),
    );
    done();
  });

  // Only the listed origins (the pages that embed the widget) and the server's own pages may
  // call the API from a browser.
  await server.register(cors, {
    delegator: corsFor(corsOrigins, {
      methods: ['GET', 'POST', 'PATCH', 'DELETE'],
      allowedHeaders: [
        'authorization',
        'content-type',
        'idempotency-key',
        'x-request-id',
        'accept',
      ],
      exposedHeaders: [
        'x-request-id',
        'retry-after',
        'idempotent-replayed',
        'x-ratelimit-limit',
        'x-ratelimit-remaining',
      ],
      maxAge: 600,
    }),
  });
  await server.register(multipart, {
    limits: { fileSize: config.attachments.maxFileBytes },
  });
  await server.register(websocket, {
    // Pings are answered by the route, which bounds them (see `WS_MAX_PINGS`).
    options: { maxPayload: WS_MAX_FRAME_BYTES, autoPong: false },
    // Closing the server stops new upgrades but leaves open sockets alone: shutdown lets their
    // turns finish and then ends each with a final event (see `streams`), where the plugin's
    // default would cut them off at once.
    preClose: (done) => {
      server.websocketServer.close();
      done();
    },
  });

  // The answer that opens a WebSocket (101) is written by the WebSocket server, not the
  // framework: without this it would be the one answer without the request's id.
  server.websocketServer.on('headers', (headers: string[], raw: IncomingMessage) => {
    const id = upgradeIds.get(raw);
    if (id !== undefined) headers.push(`x-request-id: ${id}`);
  });

  server.get('/health', async (): Promise<Health> => ({ status: 'ok' }));

  // Which checks fail is everyone's (a load balancer's) to know; why — a path, a host, a
  // database's own error — only the staff's: with the admin key, and in the log when it changes.
  let failingBefore = '';
  server.get('/ready', async (request, reply) => {
    if (closing || options.isDraining?.()) {
      const draining: Readiness = { status: 'draining', checks: [] };
      return reply.code(503).send(draining);
    }
    const checks = await app.readiness();
    const ok = checks.every((c) => c.ok);
    const failing = checks.filter((c) => !c.ok);
    const names = failing.map((c) => c.name).join(',');
    if (names !== failingBefore) {
      if (names === '') app.logger.info('ready again');
      else app.logger.warn({ checks: failing }, `not ready: ${names}`);
      failingBefore = names;
    }
    const shown = isStaff(request) ? checks : checks.map(({ name, ok }) => ({ name, ok }));
    const readiness: Readiness = { status: ok ? 'ready' : 'not_ready', checks: shown };
    return reply.code(ok ? 200 : 503).send(readiness);
  });

  // Compared as the admin key is: by hash, in constant time.
  const metricsTokenHash = config.metricsToken ? hashToken(config.metricsToken) : undefined;
  server.get('/metrics', async (request, reply) => {
    if (metricsTokenHash && !tokenMatches(bearerToken(request), metricsTokenHash)) {
      return sendError(
        reply,
        401,
        'unauthorized',
        'The metrics take the metrics token (METRICS_TOKEN) as a bearer token.',
      );
    }
    try {
      const text = await app.telemetry.renderPrometheus();
      return reply.type('text/plain; version=0.0.4; charset=utf-8').send(text);
    } catch (error) {
      app.logger.error({ err: error }, 'collecting metrics failed');
      return sendError(reply, 500, 'internal', 'Collecting metrics failed');
    }
  });

  sessionRoutes(server, app, streams);
  wsRoutes(server, app, streams);
  adminRoutes(server, app);
  docsRoutes(server);

  return server;
}

/** A URL's path, percent-decoded as the router reads it (the raw path when it cannot be). */
function decodedPath(url: string): string {
  const path = url.split('?')[0] ?? '';
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * `TRUST_PROXY` as Fastify takes it. A number of proxies trusts that many hops back from this
 * server: the client's address is the one the farthest of them saw, whatever the client wrote
 * before it in `X-Forwarded-For`.
 */
function trustedProxies(
  trust: Config['http']['trustProxy'],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return trust;
}
