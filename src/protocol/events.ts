/**
 * The events of one turn, identical over SSE and WebSocket and in `runTurn`'s stream. A stream is
 * `start`, then any of `status`, `tool`, `sources`, `escalation` and `text`, then `complete` — or
 * `error` in place of `complete`. A session's live feed (and a WebSocket, for turns it did not
 * send) also gets the customer's message of each turn, `customer_message`, before its `start`.
 * A live feed or WebSocket that opens while a turn runs gets nothing of that turn (no `complete`
 * without its `start`): its first turn is the next one, whole; the history has the one it
 * joined in the middle of, once that turn is done.
 * The zod schemas are the one source of the types, the server's response descriptions and the
 * OpenAPI document.
 */
import { z } from 'zod';

/** A passage the answer may cite as [n], n being its 1-based place in `items`. */
export const sourceItemSchema = z.object({
  id: z.number().int().nonnegative(),
  title: z.string(),
  url: z.string().optional(),
  source: z
    .string()
    .describe('Where the passage comes from: its web address, or its file name (never a path).'),
  snippet: z.string(),
  score: z.number(),
});
export type SourceItem = z.infer<typeof sourceItemSchema>;

/** What the escalation check decided for this turn. */
export const escalationInfoSchema = z.object({
  escalate: z.boolean().describe("This message's verdict: hand the conversation to a person."),
  confidence: z.number().describe('0..1: the weight of the signals that fired.'),
  reasons: z.array(z.string()),
  priority: z.string().describe('`low` (not escalated), `normal`, `high` or `urgent`.'),
  category: z
    .enum(['human_request', 'legal', 'safety', 'complaint', 'urgent', 'unresolved', 'none'])
    .describe('The queue a ticket goes to; `none` when the conversation stays with the agent.'),
  ticketId: z
    .string()
    .optional()
    .describe("The session's ticket, opened by this message or before (it may be closed)."),
});
export type EscalationInfo = z.infer<typeof escalationInfoSchema>;

/** The agent's reply as stored and returned. */
export const replyMessageSchema = z.object({
  id: z.string(),
  text: z.string(),
  sources: z.array(sourceItemSchema),
  escalation: escalationInfoSchema,
  confidence: z.number().describe('0..1: how well the reply is supported.'),
  toolsUsed: z.array(z.string()),
  toolsFailed: z
    .array(z.object({ name: z.string(), outcome: z.string() }))
    .describe('Tools that failed this turn, with the outcome; the reply was degraded, not failed.'),
  answeredBy: z.enum(['extractive', 'llm']),
  fallback: z
    .string()
    .optional()
    .describe('Set when the LLM was configured but the extractive responder answered instead.'),
  timings: z.record(z.string(), z.number()),
});
export type ReplyMessage = z.infer<typeof replyMessageSchema>;

/**
 * Over the WebSocket only: the `id` of the client's frame that this event answers (see
 * `WsClientMessage`), so that a client knows which of its messages a turn or an error belongs to.
 */
const replyToSchema = z
  .string()
  .optional()
  .describe(
    'WebSocket only: the `id` of the frame this answers, when the frame carried one (see WsClientMessage).',
  );

const stageSchema = z.enum(['context', 'attachments', 'search', 'escalation', 'answer', 'memory']);

/** One event of a turn's stream. */
export const turnEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    turnId: z.string(),
    requestId: z.string(),
    sessionId: z.string(),
    replyTo: replyToSchema,
  }),
  z.object({ type: z.literal('status'), stage: stageSchema }),
  z.object({ type: z.literal('tool'), name: z.string(), outcome: z.string(), ms: z.number() }),
  z.object({ type: z.literal('sources'), items: z.array(sourceItemSchema) }),
  // The reply's `escalation`, as soon as it is decided.
  z.object({ type: z.literal('escalation'), ...escalationInfoSchema.shape }),
  z.object({ type: z.literal('text'), delta: z.string() }),
  z.object({ type: z.literal('complete'), message: replyMessageSchema, replyTo: replyToSchema }),
  z.object({
    type: z.literal('error'),
    code: z.string(),
    message: z.string(),
    retryable: z.boolean(),
    replyTo: replyToSchema,
  }),
]);
export type TurnEvent = z.infer<typeof turnEventSchema>;

/** A stored message's place in its session, customer's or staff's alike. */
const messageSeq = z
  .number()
  .int()
  .nonnegative()
  .describe("1, 2, 3… within the session: the message's place in it.");

const isoTime = z.string().describe('ISO 8601 time');

/**
 * A customer's message as stored: the shape of a customer's item of the session's history
 * (`GET /v1/sessions/:id/messages`), so that a client adds it to the history it shows as it is.
 */
export const customerMessageSchema = z.object({
  id: z.string(),
  seq: messageSeq,
  role: z.literal('user'),
  text: z.string().describe('As stored: card numbers hidden; empty when it carried only files.'),
  createdAt: isoTime,
  attachments: z
    .array(z.string())
    .optional()
    .describe('The names of the files sent with it (their content is never sent on).'),
});
export type CustomerMessage = z.infer<typeof customerMessageSchema>;

/**
 * A customer's message, once stored, as every follower of the session gets it: the live feed,
 * and the WebSockets but the one it was sent over. It comes before the `start` of the turn that
 * answers it (the same `turnId`), so that a second device shows the question before its answer.
 * A message that could not be stored has none (its turn's stream ends with `error`).
 */
export const customerMessageEventSchema = z.object({
  type: z.literal('customer_message'),
  turnId: z.string(),
  requestId: z.string(),
  sessionId: z.string(),
  message: customerMessageSchema,
});
export type CustomerMessageEvent = z.infer<typeof customerMessageEventSchema>;

/**
 * A message a person on the staff wrote into the conversation, as stored: the shape of a staff
 * item of the session's history (`GET /v1/sessions/:id/messages`).
 */
export const staffMessageSchema = z.object({
  id: z.string(),
  seq: messageSeq,
  role: z.literal('staff'),
  text: z.string(),
  author: z
    .string()
    .nullable()
    .describe(
      'The name the person on the staff signed the message with, to show beside it; null when they gave none.',
    ),
  createdAt: isoTime,
});
export type StaffMessage = z.infer<typeof staffMessageSchema>;

/**
 * A message of the staff's (`POST /v1/admin/sessions/:id/messages`), once stored, as every
 * follower of the session gets it, on every instance: the live feed and each WebSocket. It is
 * no turn's: it comes between turns, and no reply follows it.
 */
export const staffMessageEventSchema = z.object({
  type: z.literal('staff_message'),
  sessionId: z.string(),
  message: staffMessageSchema,
});
export type StaffMessageEvent = z.infer<typeof staffMessageEventSchema>;
