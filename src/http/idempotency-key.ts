import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors/index.js';

/** What an `Idempotency-Key` header may be: 1 to 200 visible ASCII characters. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

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
  // Node joins a header sent twice into one ("k1, k2"), which would be refused as one key with a
  // space in it: a client that sent two valid keys is told that it sent two.
  const sent = request.raw.rawHeaders.filter(
    (name, i) => i % 2 === 0 && name.toLowerCase() === 'idempotency-key',
  ).length;
  if (sent > 1) {
    throw new AppError(
      'invalid_input',
      `Send one Idempotency-Key: this request has ${sent}, and which one it means is not known.`,
    );
  }
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
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
