/**
 * The REST shapes of `/v1`, in camelCase everywhere: request bodies are validated with these
 * schemas, responses are typed by them, and the OpenAPI document is generated from them.
 *
 * Bodies are strict (an unknown field is a 400: it is usually a typo the client wants to hear
 * of). Queries are not: clients and proxies add parameters of their own to GET requests (a
 * cache-buster such as jQuery's `_=…`), so an unknown query parameter is ignored, and the known
 * ones are still checked.
 */
import { z } from 'zod';
import { escalationInfoSchema, replyMessageSchema, sourceItemSchema } from './events.js';

/** Longest message a customer may send, in characters. */
export const MAX_MESSAGE_CHARS = 20_000;

/**
 * Largest WebSocket message a client may send, in bytes: room for the longest text as JSON,
 * whatever its characters. A larger one is answered with an `error` event, not stored.
 */
export const MAX_WS_MESSAGE_BYTES = 64 * 1024;

const isoTime = z.string().describe('ISO 8601 time');

/** Labels a client may attach to a session (page, locale…): small, strings only. */
export const sessionMetadataSchema = z
  .record(z.string().min(1).max(64), z.string().max(500))
  .refine((value) => Object.keys(value).length <= 20, {
    message: 'at most 20 metadata entries',
  });

/** `POST /v1/sessions` body (optional). */
export const createSessionBodySchema = z.strictObject({
  metadata: sessionMetadataSchema.optional(),
});
export type CreateSessionBody = z.infer<typeof createSessionBodySchema>;

/** `POST /v1/sessions` response: the token is shown once and never again. */
export const sessionCreatedSchema = z.object({
  id: z.string(),
  token: z
    .string()
    .describe('Bearer token of this session: send it as `Authorization: Bearer <token>`.'),
  createdAt: isoTime,
  expiresInSeconds: z.number().int(),
});
export type SessionCreated = z.infer<typeof sessionCreatedSchema>;

/** A session as its owner (or staff) sees it. */
export const sessionViewSchema = z.object({
  id: z.string(),
  status: z.enum(['active', 'ended']),
  createdAt: isoTime,
  updatedAt: isoTime,
  messageCount: z.number().int().describe('Customer messages accepted in this session.'),
  lastMessageAt: isoTime.nullable(),
  metadata: z.record(z.string(), z.string()),
});
export type SessionView = z.infer<typeof sessionViewSchema>;

/** `POST /v1/sessions/:id/messages` JSON body. */
export const sendMessageBodySchema = z.strictObject({
  text: z.string().max(MAX_MESSAGE_CHARS, {
    message: `The message is too long; the limit is ${MAX_MESSAGE_CHARS} characters. Shorten it or attach it as a file.`,
  }),
});
export type SendMessageBody = z.infer<typeof sendMessageBodySchema>;

/** The whole turn, as `POST /v1/sessions/:id/messages` returns it without streaming. */
export const turnResultSchema = z.object({
  sessionId: z.string(),
  requestId: z.string(),
  turnId: z.string(),
  message: replyMessageSchema,
  sources: z.array(sourceItemSchema),
  escalation: escalationInfoSchema,
  messageCount: z.number().int().describe('Customer messages in the session, this one included.'),
  breakers: z.record(z.string(), z.string()).describe('Each tool’s circuit-breaker state.'),
});
export type TurnResultBody = z.infer<typeof turnResultSchema>;

/** A stored message of a conversation. */
export const messageViewSchema = z.object({
  id: z.string(),
  seq: z.number().int(),
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  createdAt: isoTime,
  sources: z.array(sourceItemSchema).optional(),
  attachments: z
    .array(z.string())
    .optional()
    .describe(
      'A customer message: the names of the files sent with it (its text may be empty when it carried only files).',
    ),
});
export type MessageView = z.infer<typeof messageViewSchema>;

/** A page of messages, oldest first; pass `nextAfter` as `after` for the next page. */
export const messagePageSchema = z.object({
  items: z.array(messageViewSchema),
  nextAfter: z.number().int().nullable(),
});
export type MessagePage = z.infer<typeof messagePageSchema>;

/** `GET /v1/sessions/:id/messages` query. */
export const messagePageQuerySchema = z.object({
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/**
 * What a stream (the live feed, a message's SSE, the WebSocket) says of itself, besides a turn's
 * events: `ready` when the live feed follows the session; `ended` as the last event when the
 * session ends or is erased; `shutdown` as the last event when the server stops.
 */
export const streamNoticeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), sessionId: z.string() }),
  z.object({
    type: z.literal('ended'),
    sessionId: z.string(),
    reason: z
      .enum(['ended', 'erased'])
      .describe(
        '`ended`: the session was ended (DELETE); `erased`: it was erased, on request or by `RETENTION_DAYS`.',
      ),
    message: z.string(),
  }),
  z.object({
    type: z.literal('shutdown'),
    message: z.string(),
    resumable: z
      .boolean()
      .describe(
        'Whether the conversation goes on after the restart: reconnect with the same token. When false, the session is gone: start a new one.',
      ),
  }),
]);
export type StreamNotice = z.infer<typeof streamNoticeSchema>;

/** A message sent over the WebSocket, which takes no files: too long a text must be shortened. */
export const wsClientMessageSchema = z.strictObject({
  type: z.literal('message'),
  text: z.string().max(MAX_MESSAGE_CHARS, {
    message: `The message is too long; the limit is ${MAX_MESSAGE_CHARS} characters. Shorten it and send it again.`,
  }),
  idempotencyKey: z.string().min(1).max(200).optional(),
});
export type WsClientMessage = z.infer<typeof wsClientMessageSchema>;

/** The one error shape of every error response. */
export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), requestId: z.string() }),
});
