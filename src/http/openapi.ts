import { z } from 'zod';
import {
  adminSearchBodySchema,
  documentListQuerySchema,
  documentReindexResultSchema,
  documentUploadResultSchema,
  outboxBacklogSchema,
  outboxSkipResultSchema,
  sessionListQuerySchema,
  ticketListQuerySchema,
  ticketPatchSchema,
  transcriptQuerySchema,
} from '../protocol/admin-api.js';
import {
  createSessionBodySchema,
  errorBodySchema,
  MAX_WS_MESSAGE_BYTES,
  messagePageQuerySchema,
  messagePageSchema,
  sendMessageBodySchema,
  sessionCreatedSchema,
  sessionViewSchema,
  turnResultSchema,
  wsClientMessageSchema,
} from '../protocol/api.js';
import { turnEventSchema } from '../protocol/events.js';

type Auth = 'session' | 'admin' | 'none';

/** One operation of the API, as the document describes it. */
interface Operation {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  summary: string;
  auth: Auth;
  tag: 'sessions' | 'admin' | 'operations';
  body?: z.ZodType;
  bodyType?: string;
  query?: z.ZodObject;
  response?: z.ZodType;
  status?: number;
  description?: string;
}

const schema = (s: z.ZodType) =>
  z.toJSONSchema(s, { io: 'output', unrepresentable: 'any', target: 'openapi-3.0' });
const inputSchema = (s: z.ZodType) =>
  z.toJSONSchema(s, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' });

/** Every route, in the order the documentation lists them. */
export const OPERATIONS: readonly Operation[] = [
  {
    method: 'post',
    path: '/v1/sessions',
    summary: 'Start a session',
    auth: 'none',
    tag: 'sessions',
    body: createSessionBodySchema,
    response: sessionCreatedSchema,
    status: 201,
    description: 'Returns the session id and its token. The token is shown only here.',
  },
  {
    method: 'get',
    path: '/v1/sessions/{id}',
    summary: 'Read a session',
    auth: 'session',
    tag: 'sessions',
    response: sessionViewSchema,
  },
  {
    method: 'delete',
    path: '/v1/sessions/{id}',
    summary: 'End a session',
    auth: 'session',
    tag: 'sessions',
    response: sessionViewSchema,
    description:
      'Later messages, the WebSocket and the live feed are refused (409); the history stays readable; the passages of its attachments are deleted.',
  },
  {
    method: 'get',
    path: '/v1/sessions/{id}/messages',
    summary: 'Read the history, oldest first',
    auth: 'session',
    tag: 'sessions',
    query: messagePageQuerySchema,
    response: messagePageSchema,
  },
  {
    method: 'post',
    path: '/v1/sessions/{id}/messages',
    summary: 'Send a message and get the reply',
    auth: 'session',
    tag: 'sessions',
    body: sendMessageBodySchema,
    response: turnResultSchema,
    description:
      'JSON `{ "text": … }`, or multipart/form-data with a `text` field and files. With `Accept: text/event-stream` the reply streams as Server-Sent Events (`start`, `status`, `tool`, `sources`, `escalation`, `text`, `complete` or `error`; see the TurnEvent schema). An `Idempotency-Key` header makes a retry replay the stored result; the same key with another message is a 409.',
  },
  {
    method: 'get',
    path: '/v1/sessions/{id}/events',
    summary: 'Follow a session live (SSE)',
    auth: 'session',
    tag: 'sessions',
    description:
      'With `Accept: text/event-stream`: a `ready` event, then the events of every turn of the session, whichever connection or instance took the message (another tab, the WebSocket; across instances through Redis). Heartbeat comments keep it open. The token may come as `?token=` (an EventSource sends no headers).',
  },
  {
    method: 'get',
    path: '/v1/sessions/{id}/ws',
    summary: 'WebSocket of a session',
    auth: 'session',
    tag: 'sessions',
    description: `Upgrade with \`Authorization: Bearer <token>\`, or, from a browser (which cannot set headers on a WebSocket), with the token as the \`token\` query parameter. Send \`{"type":"message","text":…}\` text frames (WsClientMessage) of at most ${MAX_WS_MESSAGE_BYTES / 1024} KB; receive the same events as SSE, one JSON frame each. A frame that is not a valid message, or is too large, gets an \`error\` event and the socket stays open.`,
  },
  {
    method: 'get',
    path: '/v1/admin/documents',
    summary: 'List knowledge-base documents',
    auth: 'admin',
    tag: 'admin',
    query: documentListQuerySchema,
  },
  {
    method: 'post',
    path: '/v1/admin/documents',
    summary: 'Upload documents (multipart, one file per part)',
    auth: 'admin',
    tag: 'admin',
    bodyType: 'multipart/form-data',
    response: documentUploadResultSchema,
    status: 201,
    description:
      'Returns the id of each document stored, for deleting or re-indexing it. 422 (same body) when no file could be stored. A document is known by its file name, without folders (`uploads/<name>`): a file whose name is already stored replaces that document, and an upload two of whose files have one name is refused with a 400 naming them, with nothing stored.',
  },
  {
    method: 'delete',
    path: '/v1/admin/documents/{id}',
    summary: 'Delete a document (and the other documents of its file)',
    auth: 'admin',
    tag: 'admin',
  },
  {
    method: 'post',
    path: '/v1/admin/documents/{id}/reindex',
    summary: 'Re-read a document’s file and bring its index up to date',
    auth: 'admin',
    tag: 'admin',
    response: documentReindexResultSchema,
  },
  {
    method: 'post',
    path: '/v1/admin/search',
    summary: 'Search playground',
    auth: 'admin',
    tag: 'admin',
    body: adminSearchBodySchema,
  },
  {
    method: 'get',
    path: '/v1/admin/tickets',
    summary: 'List tickets, newest first',
    description:
      'Filtered by `status`, `priority` and `category`, in any combination: a ticket is listed when it matches every filter given, and `total` counts the filtered list. A value that is not one of those listed is a 400.',
    auth: 'admin',
    tag: 'admin',
    query: ticketListQuerySchema,
  },
  {
    method: 'get',
    path: '/v1/admin/tickets/{id}',
    summary: 'Read a ticket with its transcript',
    auth: 'admin',
    tag: 'admin',
    query: transcriptQuerySchema,
  },
  {
    method: 'patch',
    path: '/v1/admin/tickets/{id}',
    summary: 'Change a ticket’s status',
    auth: 'admin',
    tag: 'admin',
    body: ticketPatchSchema,
  },
  {
    method: 'get',
    path: '/v1/admin/sessions',
    summary: 'List sessions, latest activity first',
    description:
      'Each item: `id`, `transcriptMessages` (the customer’s messages and the replies), `firstMessageAt`, `lastMessageAt`. `nextBefore` is the `before` of the next page (null on the last).',
    auth: 'admin',
    tag: 'admin',
    query: sessionListQuerySchema,
  },
  {
    method: 'get',
    path: '/v1/admin/sessions/{id}',
    summary: 'Read a session with its transcript',
    auth: 'admin',
    tag: 'admin',
    query: transcriptQuerySchema,
  },
  {
    method: 'delete',
    path: '/v1/admin/sessions/{id}',
    summary: 'Erase a session and everything stored of it (right to erasure)',
    auth: 'admin',
    tag: 'admin',
    status: 204,
    description:
      'Deletes the session’s messages, memories, attachments (their passages are no longer found by any search), its ticket whatever its status, and the ticket’s webhook messages, delivered or not (undelivered ones are never sent); removes the live session, so that its token stops working. A turn running in it finishes first. 204 when done; 404 when nothing of the session exists (also once it is erased); 400 for an id that is not one. What a webhook receiver already got is its own to erase.',
  },
  {
    method: 'get',
    path: '/v1/admin/tools',
    summary: 'Tool health: breaker states and latencies',
    auth: 'admin',
    tag: 'admin',
  },
  {
    method: 'get',
    path: '/v1/admin/outbox',
    summary: "The webhook's backlog: messages not delivered yet, the oldest, the last error",
    description:
      "Also the sessions held back by a message the receiver refused (a session's later messages wait until it is accepted), and which message holds each, with its error.",
    auth: 'admin',
    tag: 'admin',
    response: outboxBacklogSchema,
  },
  {
    method: 'post',
    path: '/v1/admin/outbox/{id}/skip',
    summary: 'Give up on a webhook message the receiver refuses',
    description:
      'The message is kept for the record but never tried again, and its session’s later messages go on. A delivery of it under way at that moment may still arrive. 404 for an unknown id; 409 for a message delivered already; skipping it again changes nothing.',
    auth: 'admin',
    tag: 'admin',
    response: outboxSkipResultSchema,
  },
  {
    method: 'post',
    path: '/v1/admin/tools/{name}/reset',
    summary: 'Close a tool’s circuit breaker',
    auth: 'admin',
    tag: 'admin',
  },
  { method: 'get', path: '/health', summary: 'Liveness', auth: 'none', tag: 'operations' },
  {
    method: 'get',
    path: '/ready',
    summary: 'Readiness: database (and Redis) reachable; 503 while draining',
    auth: 'none',
    tag: 'operations',
  },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics; with METRICS_TOKEN set, that bearer token only (401 otherwise)',
    auth: 'none',
    tag: 'operations',
  },
];

/** The OpenAPI 3.0 document of the API, generated from the same schemas the server validates with. */
export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const parameters: unknown[] = [];
    for (const name of op.path.match(/\{(\w+)\}/g) ?? []) {
      parameters.push({
        name: name.slice(1, -1),
        in: 'path',
        required: true,
        schema: { type: 'string' },
      });
    }
    if (op.path.endsWith('/ws')) {
      parameters.push({
        name: 'token',
        in: 'query',
        required: false,
        description:
          'The session token, for a browser, which cannot set headers on a WebSocket; other clients may send `Authorization: Bearer <token>` instead.',
        schema: { type: 'string' },
      });
    }
    if (op.path.endsWith('/events')) {
      parameters.push({
        name: 'token',
        in: 'query',
        required: false,
        description: 'The session token, for an EventSource, which cannot send headers.',
        schema: { type: 'string' },
      });
    }
    if (op.query) {
      const shape = op.query.shape as Record<string, z.ZodType>;
      for (const [name, field] of Object.entries(shape)) {
        parameters.push({
          name,
          in: 'query',
          required: !field.safeParse(undefined).success,
          schema: inputSchema(field),
        });
      }
    }
    if (op.method === 'post' && op.path.endsWith('/messages')) {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        schema: { type: 'string', maxLength: 200 },
      });
    }
    const status = String(op.status ?? 200);
    const operation: Record<string, unknown> = {
      tags: [op.tag],
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(op.auth === 'none' ? { security: [] } : { security: [{ [`${op.auth}Token`]: [] }] }),
      responses: {
        [status]: {
          description: 'Success',
          ...(op.response
            ? { content: { 'application/json': { schema: schema(op.response) } } }
            : {}),
        },
        default: {
          description: 'An error, in the one error shape',
          content: { 'application/json': { schema: schema(errorBodySchema) } },
        },
      },
    };
    if (op.body || op.bodyType) {
      operation.requestBody = {
        required: op.path !== '/v1/sessions',
        content: {
          [op.bodyType ?? 'application/json']: {
            schema: op.body ? inputSchema(op.body) : { type: 'object' },
          },
        },
      };
    }
    (paths[op.path] ??= {})[op.method] = operation;
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'support-agent API',
      version,
      description:
        'Customer-support agent: sessions, messages with streamed replies, and the staff’s admin API. Errors always have the shape `{ "error": { "code", "message", "requestId" } }`.',
    },
    paths,
    components: {
      securitySchemes: {
        sessionToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'The token returned by POST /v1/sessions.',
        },
        adminToken: { type: 'http', scheme: 'bearer', description: 'The admin API key.' },
      },
      schemas: {
        TurnEvent: schema(turnEventSchema),
        WsClientMessage: inputSchema(wsClientMessageSchema),
      },
    },
  };
}
