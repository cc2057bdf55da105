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
import {
  escalationInfoSchema,
  replyMessageSchema,
  sourceItemSchema,
  type ReplyMessage,
} from './events.js';

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
  expiresInSeconds: z.number().int().nonnegative(),
});
export type SessionCreated = z.infer<typeof sessionCreatedSchema>;

/**
 * The customer's messages accepted in a session. Only the customer's: the replies are not
 * counted (see `transcriptMessages` for every stored message, which the history's `seq` numbers).
 */
const customerMessages = z
  .number()
  .int()
  .nonnegative()
  .describe(
    'The customer’s messages accepted in this session (the replies are not counted; `transcriptMessages` counts both).',
  );

/** A session as staff see it beside its transcript (`GET /v1/admin/sessions/:id`). */
export const sessionViewSchema = z.object({
  id: z.string(),
  status: z.enum(['active', 'ended']),
  createdAt: isoTime,
  updatedAt: isoTime,
  messageCount: customerMessages,
  lastMessageAt: isoTime.nullable(),
  metadata: z.record(z.string(), z.string()),
});
export type SessionView = z.infer<typeof sessionViewSchema>;

/**
 * A session as its owner sees it (`GET` and `DELETE /v1/sessions/:id`): its state and both counts
 * of its conversation, so that neither is read as the other.
 */
export const sessionSummarySchema = sessionViewSchema.extend({
  transcriptMessages: z
    .number()
    .int()
    .nonnegative()
    .describe(
      'Every stored message of the conversation, the customer’s and the replies: the `seq` of the last one in the history (`GET /v1/sessions/:id/messages`), 0 before the first.',
    ),
});
export type SessionSummary = z.infer<typeof sessionSummarySchema>;

/** `POST /v1/sessions/:id/messages` JSON body. */
export const sendMessageBodySchema = z.strictObject({
  text: z.string().max(MAX_MESSAGE_CHARS, {
    message: `The message is too long; the limit is ${MAX_MESSAGE_CHARS} characters. Shorten it or attach it as a file.`,
  }),
});
export type SendMessageBody = z.infer<typeof sendMessageBodySchema>;

/**
 * The whole turn, as `POST /v1/sessions/:id/messages` returns it without streaming and
 * `support-agent ask --json` prints it. `sources` and `escalation` repeat the reply's own, at the
 * top level where clients have always read them; they are the same values.
 */
export const turnResultSchema = z.object({
  sessionId: z.string(),
  requestId: z.string(),
  turnId: z.string(),
  message: replyMessageSchema,
  sources: z.array(sourceItemSchema).describe('The same as `message.sources`.'),
  escalation: escalationInfoSchema.describe('The same as `message.escalation`.'),
  messageCount: customerMessages.describe(
    'The customer’s messages in the session, this one included (the replies are not counted).',
  ),
  breakers: z.record(z.string(), z.string()).describe('Each tool’s circuit-breaker state.'),
});
export type TurnResultBody = z.infer<typeof turnResultSchema>;

/**
 * The turn result of a reply as the turn runner returns it (the reply's fields, with the ids and
 * breakers beside them): every client of a turn, the HTTP API and the CLI, gets this one shape.
 *
 * @example
 * const run = app.turns.start({ sessionId, text });
 * const body = turnResultBody(await run.result, { turnId: run.turnId, messageCount: 1 });
 */
export function turnResultBody(
  reply: ReplyMessage & {
    sessionId: string;
    requestId: string;
    messageCount?: number;
    breakers: Record<string, string>;
  },
  turn: { turnId: string; messageCount: number },
): TurnResultBody {
  // The runner's own `messageCount` numbers both sides (the reply's `seq`): the body's counts
  // the customer's messages, as the session does.
  const { sessionId, requestId, breakers, messageCount: _seq, ...message } = reply;
  return {
    sessionId,
    requestId,
    turnId: turn.turnId,
    message,
    sources: message.sources,
    escalation: message.escalation,
    messageCount: turn.messageCount,
    breakers,
  };
}

/** A stored message of a conversation. */
export const messageViewSchema = z.object({
  id: z.string(),
  seq: z.number().int().nonnegative(),
  role: z
    .enum(['user', 'assistant', 'staff'])
    .describe(
      'The customer’s (`user`), the agent’s reply (`assistant`), or a person on the staff writing in (`staff`).',
    ),
  text: z.string(),
  author: z
    .string()
    .nullable()
    .optional()
    .describe(
      'A staff message: the name its author signed it with, to show beside it; null when they gave none. Absent for the customer’s messages and the agent’s replies.',
    ),
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
  nextAfter: z.number().int().nonnegative().nullable(),
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

/** The longest `id` a WebSocket frame may carry, to be echoed back as `replyTo`. */
export const MAX_WS_FRAME_ID_CHARS = 100;

/**
 * The `id` of a WebSocket frame: the client's own name for the message (its bubble), echoed as
 * `replyTo` on what answers the frame, since answers to one frame may come among another turn's
 * events.
 */
export const wsFrameIdSchema = z
  .string()
  .min(1)
  .max(MAX_WS_FRAME_ID_CHARS)
  .describe(
    `Chosen by the client (1–${MAX_WS_FRAME_ID_CHARS} characters): every \`error\` that answers this frame, and its turn's \`start\`, \`complete\` or \`error\`, carry it back as \`replyTo\`.`,
  );

/** A message sent over the WebSocket, which takes no files: too long a text must be shortened. */
export const wsClientMessageSchema = z.strictObject({
  type: z.literal('message'),
  text: z.string().max(MAX_MESSAGE_CHARS, {
    message: `The message is too long; the limit is ${MAX_MESSAGE_CHARS} characters. Shorten it and send it again.`,
  }),
  idempotencyKey: z.string().min(1).max(200).optional(),
  id: wsFrameIdSchema.optional(),
});
export type WsClientMessage = z.infer<typeof wsClientMessageSchema>;

/** The one error shape of every error response. */
export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), requestId: z.string() }),
});
