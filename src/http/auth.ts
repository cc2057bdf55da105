import * as crypto from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/index.js';

/** A new session token: 256 random bits, base64url. Only its hash is ever stored. */
export function newSessionToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

// Every request with a token hashes it. `crypto.hash` (Node 20.12 and later) does that in one
// call, without the stream object `createHash` builds first; the earlier Node 20 releases that
// `engines` still allows use `createHash`. The digest is asked for as hex: on Node 20, asking
// `crypto.hash` for a buffer costs twice as much as hex and decoding it again.
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

/** The stored form of a token: SHA-256, hex. */
export function hashToken(token: string): string {
  return sha256Hex(token);
}

/**
 * Whether `token` hashes to `storedHash`, compared in constant time. Hashing first makes both
 * sides the same length whatever the caller sent, so the comparison leaks nothing of either.
 */
export function tokenMatches(token: string | undefined, storedHash: string): boolean {
  if (token === undefined || token === '') return false;
  const given = Buffer.from(sha256Hex(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && crypto.timingSafeEqual(given, stored);
}

/** Whether a presented admin key hashes to the stored hash, compared in constant time. */
export function adminKeyMatches(given: string | undefined, storedHash: string): boolean {
  return tokenMatches(given, storedHash);
}

/** The bearer token of a request's `Authorization` header, if it has one. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * The token of a route a browser opens without headers of its own (an `EventSource`, a
 * WebSocket): the `token` query parameter, or the bearer token when a client can send one.
 */
export function headerOrQueryToken(request: FastifyRequest): string | undefined {
  const query = request.query as Record<string, unknown> | undefined;
  const fromQuery = query?.token;
  return bearerToken(request) ?? (typeof fromQuery === 'string' ? fromQuery : undefined);
}

/**
 * The one refusal of a session route: no token, a wrong one and another session's look alike.
 * It names the way that route takes the token: the `Authorization` header, or, where browsers
 * cannot set one, the `token` query parameter too.
 */
export function sessionRefused(via: 'header' | 'query' = 'header'): AppError {
  const how =
    via === 'query'
      ? 'add `?token=<token>` to the address (or send `Authorization: Bearer <token>`)'
      : 'send `Authorization: Bearer <token>`';
  return new AppError(
    'unauthorized',
    `Not authorized for this session: ${how} with the token given when it was created (an expired session needs a new one).`,
  );
}
