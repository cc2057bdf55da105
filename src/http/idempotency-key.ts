import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors/index.js';

/**
 * The `Idempotency-Key` header of a request, checked: 1 to 200 visible ASCII characters, or
 * undefined when there is none.
 *
 * @throws {AppError} `invalid_input` for a key out of that shape.
 * @example
 * const idempotencyKey = idempotencyKeyOf(request);
 */
export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const key = request.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw new AppError(
      'invalid_input',
      'Idempotency-Key must be 1 to 200 visible ASCII characters (a UUID is a good choice).',
    );
  }
  return key;
}

/** Marks a response as the stored one of an earlier request with the same key. */
export function markReplayed(reply: FastifyReply): void {
  reply.header('idempotent-replayed', 'true');
}
