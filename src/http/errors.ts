import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isAppError, type ErrorCode } from '../errors/index.js';
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
  unauthorized: 401,
  forbidden: 403,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  internal: 500,
};

/** The one JSON shape of every error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId: string };
}

/** Sends the standard error shape. */
export function sendError(
  reply: FastifyReply,
  status: number,
  code: ErrorCode,
  message: string,
): FastifyReply {
  const body: ErrorBody = { error: { code, message, requestId: String(reply.request.id) } };
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/**
 * Installs the error and not-found handlers: known errors keep their code and message, Fastify's
 * own client errors (bad JSON, too large) get a plain message, and anything else is logged with
 * its stack and answered with a generic 500 — no stack or internal message reaches a client.
 */
export function installErrorHandlers(server: FastifyInstance, logger: Logger): void {
  server.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) =>
    sendError(
      reply,
      404,
      'not_found',
      `No route for ${request.method} ${request.url.split('?')[0]}`,
    ),
  );
  server.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (isAppError(error)) {
      const status = STATUS[error.code];
      if (status >= 500) logger.error({ err: error }, 'request failed');
      if (error.retryAfterMs !== undefined)
        reply.header('retry-after', Math.ceil(error.retryAfterMs / 1000));
      return sendError(
        reply,
        status,
        error.code,
        status >= 500 && error.code === 'internal' ? 'Internal error' : error.message,
      );
    }
    if (error.validation) return sendError(reply, 400, 'invalid_input', error.message);
    const status = error.statusCode ?? 500;
    if (status === 413)
      return sendError(reply, 413, 'payload_too_large', 'The request body is too large');
    if (status === 415) {
      const given = String(request.headers['content-type'] ?? '').slice(0, 80);
      return sendError(
        reply,
        415,
        'unsupported_media_type',
        `The body must be JSON (Content-Type: application/json), or multipart/form-data where files may be attached; got ${given === '' ? 'no Content-Type' : `"${given}"`}.`,
      );
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
