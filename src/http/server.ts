import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { App } from '../app.js';
import { installErrorHandlers, sendError } from './errors.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Options of {@link buildServer}. */
export interface ServerOptions {
  /** True while the server drains for shutdown: `/ready` answers 503 so balancers stop sending. */
  isDraining?: () => boolean;
}

/**
 * The HTTP server: request ids (an incoming `X-Request-Id` is kept when well-formed) on every
 * response and log line, the standard error shape, `GET /health` (liveness), `GET /ready`
 * (readiness) and `GET /metrics` (Prometheus text).
 *
 * @example
 * const server = await buildServer(app);
 * await server.listen({ port: 8080 });
 */
export async function buildServer(app: App, options: ServerOptions = {}): Promise<FastifyInstance> {
  const server = Fastify({
    logger: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    bodyLimit: 1_048_576,
    return503OnClosing: true,
  });
  installErrorHandlers(server, app.logger);

  server.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    app.correlation.run({ requestId: String(request.id) }, done);
  });
  server.addHook('onResponse', (request, reply, done) => {
    if (request.url !== '/health' && request.url !== '/metrics') {
      app.logger.info(
        {
          method: request.method,
          url: request.url,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        'request',
      );
    }
    done();
  });

  server.get('/health', async () => ({ status: 'ok' }));

  server.get('/ready', async (_request, reply) => {
    if (options.isDraining?.()) {
      return reply.code(503).send({ status: 'draining', checks: [] });
    }
    const checks = await app.readiness();
    const ok = checks.every((c) => c.ok);
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready', checks });
  });

  server.get('/metrics', async (_request, reply) => {
    try {
      const text = await app.telemetry.renderPrometheus();
      return reply.type('text/plain; version=0.0.4; charset=utf-8').send(text);
    } catch (error) {
      app.logger.error({ err: error }, 'collecting metrics failed');
      return sendError(reply, 500, 'internal', 'Collecting metrics failed');
    }
  });

  return server;
}
