import { z } from 'zod';
import {
  adminSearchBodySchema,
  adminSearchResultSchema,
  documentDeletedSchema,
  documentListQuerySchema,
  documentListSchema,
  documentReindexBodySchema,
  documentReindexResultSchema,
  documentUploadResultSchema,
  MAX_UPLOAD_FILES,
  noOptionsBodySchema,
  outboxBacklogSchema,
  outboxSkipResultSchema,
  sessionDetailSchema,
  sessionListQuerySchema,
  sessionListSchema,
  staffMessageBodySchema,
  ticketDetailSchema,
  ticketListQuerySchema,
  ticketListSchema,
  ticketPatchSchema,
  ticketSchema,
  toolListSchema,
  toolResetSchema,
  transcriptQuerySchema,
  webhookPayloadSchemas,
} from '../protocol/admin-api.js';
import {
  createSessionBodySchema,
  errorBodySchema,
  MAX_WS_FRAME_ID_CHARS,
  MAX_WS_MESSAGE_BYTES,
  messagePageQuerySchema,
  messagePageSchema,
  messageViewSchema,
  sendMessageBodySchema,
  sessionCreatedSchema,
  sessionSummarySchema,
  streamNoticeSchema,
  turnResultSchema,
  wsClientMessageSchema,
} from '../protocol/api.js';
import {
  customerMessageEventSchema,
  staffMessageEventSchema,
  turnEventSchema,
} from '../protocol/events.js';
import { healthSchema, readinessSchema } from '../protocol/operations-api.js';
import { SHOWN_PICTURE_TYPES } from '../tools/index.js';
import { IDEMPOTENCY_KEY } from './idempotency-key.js';
import { MAX_FILES_PER_MESSAGE } from './routes/sessions.js';
import { MAX_STREAMS_PER_ADDRESS, MAX_STREAMS_PER_SESSION } from './stream-slots.js';

type Auth = 'session' | 'admin' | 'none';

/** One operation of the API, as the document describes it. */
interface Operation {
  /** The name generated clients give the operation's function: stable, unique, camelCase. */
  operationId: string;
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  summary: string;
  auth: Auth;
  tag: 'sessions' | 'admin' | 'operations';
  /** A JSON body. */
  body?: z.ZodType;
  /** A multipart/form-data body, as a JSON schema (files are not JSON values). */
  form?: Record<string, unknown>;
  /** The body may be left out. */
  bodyOptional?: boolean;
  query?: z.ZodObject;
  /** The success response's JSON body. */
  response?: z.ZodType;
  /** The success response is (or, with `Accept: text/event-stream`, may be) a stream of events. */
  events?: boolean;
  /** The success response's media type when it is text, not JSON (`/metrics`). */
  text?: string;
  /** The success response's media types when it is a file's bytes (a download). */
  binary?: readonly string[];
  /** Headers the success response carries. */
  successHeaders?: Record<string, unknown>;
  /** The success status: 200 unless given. */
  status?: number;
  /** Other statuses whose body is not the error shape, e.g. `/ready`'s 503. */
  alsoAnswers?: Record<string, { description: string; response: z.ZodType }>;
  /**
   * Errors worth naming, in the error shape, with any headers they carry. A 401 is named for
   * every operation that takes a token (see {@link UNAUTHORIZED}).
   */
  errors?: Record<string, ErrorResponse>;
  description?: string;
}

/** A documented error response: its body is the error shape. */
interface ErrorResponse {
  description: string;
  headers?: Record<string, unknown>;
}

/**
 * The 401 of every operation that takes a token, with its challenge (RFC 9110 §11.6.1): every
 * credential of the API is a bearer token.
 */
const UNAUTHORIZED: ErrorResponse = {
  description: 'No token, a wrong token or another session’s token: refused alike.',
  headers: {
    'WWW-Authenticate': {
      description: 'The challenge: `Bearer realm="support-agent"`.',
      required: true,
      schema: { type: 'string', example: 'Bearer realm="support-agent"' },
    },
  },
};

/** The header of an answer replayed for its `Idempotency-Key`, on the routes that take one. */
const REPLAYED_HEADER = {
  'Idempotent-Replayed': {
    description:
      '`true` when this is the stored answer of an earlier request with the same `Idempotency-Key`: nothing was stored or sent again. Absent otherwise.',
    required: false,
    schema: { type: 'string', enum: ['true'] },
  },
};

/**
 * The 429 of the request limits, which every request to `/v1` counts against (but the staff's,
 * with the admin key), with the headers that say when to try again and how much is left.
 */
const RATE_LIMITED: ErrorResponse = {
  description:
    'Too many requests in a minute: from the client’s address (RATE_LIMIT_PER_MINUTE; requests with the admin key are not counted), or, where the route has one, its own limit (SESSION_MESSAGES_PER_MINUTE for a session’s messages, SESSION_STARTS_PER_MINUTE for new sessions); the message names which.',
  headers: {
    'Retry-After': {
      description: 'Seconds until the limit lets a request through again.',
      required: true,
      schema: { type: 'integer', minimum: 1 },
    },
    'X-RateLimit-Limit': {
      description: 'Requests a minute the limit that refused the request allows.',
      required: true,
      schema: { type: 'integer', minimum: 0 },
    },
    'X-RateLimit-Remaining': {
      description: 'Requests it has left in this minute: 0.',
      required: true,
      schema: { type: 'integer', minimum: 0 },
    },
  },
};

/**
 * The 429 of a `/v1` operation: {@link RATE_LIMITED}, or, for one that has a 429 of its own (too
 * many streams), either: that one says nothing of when to try again, so no header is always there.
 */
function tooManyRequests(own: ErrorResponse | undefined): ErrorResponse {
  if (own === undefined) return RATE_LIMITED;
  const optional = Object.fromEntries(
    Object.entries(RATE_LIMITED.headers ?? {}).map(([name, header]) => [
      name,
      { ...(header as Record<string, unknown>), required: false },
    ]),
  );
  return {
    description: `${RATE_LIMITED.description} Or, without \`Retry-After\`: ${own.description}`,
    headers: { ...optional, ...own.headers },
  };
}

/** Files of a multipart body, under any part name; named `file` here, as the examples send them. */
const files = (description: string, maxItems?: number) => ({
  type: 'array',
  items: { type: 'string', format: 'binary' },
  ...(maxItems !== undefined ? { maxItems } : {}),
  description,
});

const schema = (s: z.ZodType) =>
  z.toJSONSchema(s, { io: 'output', unrepresentable: 'any', target: 'openapi-3.0' });
const inputSchema = (s: z.ZodType) =>
  z.toJSONSchema(s, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' });

/** The 429 of a stream the client has too many of. */
const STREAM_LIMITS = `Too many streams open: at most STREAMS_PER_SESSION (${MAX_STREAMS_PER_SESSION} by default) live feeds and WebSockets at once per session, and STREAMS_PER_ADDRESS (${MAX_STREAMS_PER_ADDRESS} by default) per client address, on one instance.`;

/** What a route whose JSON body may be left out takes (see `optionalJsonBody`). */
const OPTIONAL_BODY =
  'May be left out: no body, or an empty one, is taken as `{}`. A body of `null` is refused (400), as any JSON that is not an object is.';

/** Every route, in the order the documentation lists them. */
export const OPERATIONS: readonly Operation[] = [
  {
    operationId: 'createSession',
    method: 'post',
    path: '/v1/sessions',
    summary: 'Start a session',
    auth: 'none',
    tag: 'sessions',
    body: createSessionBodySchema,
    // `curl -X POST /v1/sessions`, as the README starts a session, sends no body.
    bodyOptional: true,
    response: sessionCreatedSchema,
    status: 201,
    description: 'Returns the session id and its token. The token is shown only here.',
  },
  {
    operationId: 'getSession',
    method: 'get',
    path: '/v1/sessions/{id}',
    summary: 'Read a session',
    auth: 'session',
    tag: 'sessions',
    response: sessionSummarySchema,
    description:
      '`messageCount` counts the customer’s messages; `transcriptMessages` every message the history holds, the replies included (the `seq` of its last one).',
  },
  {
    operationId: 'endSession',
    method: 'delete',
    path: '/v1/sessions/{id}',
    summary: 'End a session',
    auth: 'session',
    tag: 'sessions',
    response: sessionSummarySchema,
    description:
      'Later messages, the WebSocket and the live feed are refused (409); the history stays readable; the passages of its attachments are deleted.',
  },
  {
    operationId: 'listMessages',
    method: 'get',
    path: '/v1/sessions/{id}/messages',
    summary: 'Read the history, oldest first',
    auth: 'session',
    tag: 'sessions',
    query: messagePageQuerySchema,
    response: messagePageSchema,
    description:
      '`nextAfter`, when not null, is the `after` of the messages that follow; it is null on the last page, also one that is full.',
  },
  {
    operationId: 'sendMessage',
    method: 'post',
    path: '/v1/sessions/{id}/messages',
    summary: 'Send a message and get the reply',
    auth: 'session',
    tag: 'sessions',
    body: sendMessageBodySchema,
    form: {
      type: 'object',
      properties: {
        text: inputSchema(sendMessageBodySchema.shape.text),
        file: files(
          `The files the message carries (any part name), at most ${MAX_FILES_PER_MESSAGE}; their text is searched for the reply.`,
          MAX_FILES_PER_MESSAGE,
        ),
      },
    },
    response: turnResultSchema,
    events: true,
    successHeaders: REPLAYED_HEADER,
    errors: {
      '413': {
        description: `A file over the per-file limit, files over the limit of one message together, or more than ${MAX_FILES_PER_MESSAGE} files.`,
      },
    },
    description:
      'JSON `{ "text": … }`, or multipart/form-data with a `text` field and files. With `Accept: text/event-stream` the reply streams as Server-Sent Events (`start`, `status`, `tool`, `sources`, `escalation`, `text`, `complete` or `error`; see the StreamEvent schema). An `Idempotency-Key` header makes a retry replay the stored result; the same key with another message is a 409.',
  },
  {
    operationId: 'followSession',
    method: 'get',
    path: '/v1/sessions/{id}/events',
    summary: 'Follow a session live (SSE)',
    auth: 'session',
    tag: 'sessions',
    events: true,
    errors: { '429': { description: STREAM_LIMITS } },
    description:
      'With `Accept: text/event-stream`: a `ready` event, then every turn of the session, whichever connection or instance took the message (another tab, the WebSocket; across instances through Redis): the customer’s message as stored (`customer_message`, the shape of a history item, with the turn’s `turnId`), then the turn’s events; between turns, each message the staff write to the customer (`staff_message`, see POST /v1/admin/sessions/{id}/messages); `ended` or `shutdown` last when the stream ends (see StreamEvent). Heartbeat comments keep it open. The token may come as `?token=` (an EventSource sends no headers).',
  },
  {
    operationId: 'openSessionWebSocket',
    method: 'get',
    path: '/v1/sessions/{id}/ws',
    summary: 'WebSocket of a session',
    auth: 'session',
    tag: 'sessions',
    status: 101,
    errors: {
      '426': {
        description:
          'A plain GET (no `Upgrade: websocket`) that passes the checks of an upgrade (origin, token, an active session): this address is a WebSocket.',
        headers: {
          Upgrade: { required: true, schema: { type: 'string', enum: ['websocket'] } },
        },
      },
      '429': { description: STREAM_LIMITS },
    },
    description: `Upgrade with \`Authorization: Bearer <token>\`, or, from a browser (which cannot set headers on a WebSocket), with the token as the \`token\` query parameter. Send \`{"type":"message","text":…}\` text frames (WsClientMessage) of at most ${MAX_WS_MESSAGE_BYTES / 1024} KB; receive, one JSON frame each (StreamEvent), the events of the messages sent over it and, as the live feed does, the session’s other turns (sent over HTTP, another WebSocket or another instance), each opened by \`customer_message\`, and the staff’s messages (\`staff_message\`) between turns; its own turns come once, each opened by its own message as \`customer_message\` (it carries no \`replyTo\`: the turn's \`start\` that follows does). A socket that opens during a turn gets nothing of that turn; its first is the next one, whole (the history has the earlier one). Turns come in the order they were stored, each turn’s events together (a socket’s own turn may wait a moment for an earlier turn to be relayed to it). A frame that is not a valid message, or is too large, gets an \`error\` event and the socket stays open. Answers to a frame may come among another turn’s events: give each frame an \`id\` of your own (1–${MAX_WS_FRAME_ID_CHARS} characters) and every \`error\` that answers it (a refusal, or its turn’s failure), and its turn’s \`start\` and \`complete\`, carry it back as \`replyTo\`. A frame that is not JSON, or is over the size limit (refused unread), has none carried back; an invalid one that is JSON with a valid \`id\` has its id carried back.`,
  },
  {
    operationId: 'listDocuments',
    method: 'get',
    path: '/v1/admin/documents',
    summary: 'List knowledge-base documents',
    description:
      'By source, then by the document’s key within it, in code point order. To page, pass each page’s `nextAfter` as `after`, with the same scope, until it is null: every document is listed once, and documents added or deleted meanwhile shift no other from one page to the next. `offset` is still taken, but a document added or deleted while paging by it shifts the later pages. An `after` that is not a `nextAfter` as given, or one given with `offset`, is a 400.',
    auth: 'admin',
    tag: 'admin',
    query: documentListQuerySchema,
    response: documentListSchema,
  },
  {
    operationId: 'uploadDocuments',
    method: 'post',
    path: '/v1/admin/documents',
    summary: 'Upload documents (multipart, one file per part)',
    auth: 'admin',
    tag: 'admin',
    form: {
      type: 'object',
      properties: { file: files('The files, one per part (any part name).', MAX_UPLOAD_FILES) },
    },
    response: documentUploadResultSchema,
    status: 201,
    alsoAnswers: {
      '200': {
        description:
          'Every file was already in the knowledge base, under its own name or another: nothing was re-indexed, and `documents` lists the documents that hold them.',
        response: documentUploadResultSchema,
      },
      '422': {
        description:
          'No file was stored, and some could not be: each is in `report.failed` with the reason; the others (if any) were in the knowledge base already, and `documents` lists the documents that hold them.',
        response: documentUploadResultSchema,
      },
    },
    description:
      'Returns the id of each document stored, for deleting or re-indexing it. 201 when at least one file was stored: a file that could not be (unreadable, or past a parser’s limits) is in `report.failed` with the reason, and has no document in `documents`. 200 when every file was already stored (nothing re-indexed; the summary says which document holds each). 422 (same body) when no file was stored and some could not be, the others having been stored already. A document is known by its file name, without folders (`uploads/<name>`): a file whose name is already stored replaces that document, and an upload two of whose files have one name, or with a file of no name (empty, or dots or folders only), is refused with a 400 naming them, with nothing stored.',
  },
  {
    operationId: 'deleteDocument',
    method: 'delete',
    path: '/v1/admin/documents/{id}',
    summary: 'Delete a document (and the other documents of its file)',
    auth: 'admin',
    tag: 'admin',
    response: documentDeletedSchema,
  },
  {
    operationId: 'reindexDocument',
    method: 'post',
    path: '/v1/admin/documents/{id}/reindex',
    summary: 'Re-read a document’s file and bring its index up to date',
    auth: 'admin',
    tag: 'admin',
    body: documentReindexBodySchema,
    bodyOptional: true,
    response: documentReindexResultSchema,
    errors: {
      '404': {
        description:
          'No document with this id; also when it is deleted while its file is re-read, on any instance: the delete stands and nothing is stored.',
      },
      '409': {
        description:
          'A new version of the document was stored while its file was re-read (uploaded again, on any instance): that version stays and nothing of the re-index is stored. Also when the file cannot be read again (the message names it).',
      },
    },
    description:
      'Reads the document’s file again (an upload from the database, where any instance finds it; a file ingested from a folder, from that folder), parses it and writes its passages, for every document of the file. The write is made only if the file’s documents are still as they were when it was read, checked by the database: a delete or a new upload of the same file meanwhile, on this instance or another sharing the database, is never undone (404 or 409). The same bytes stored again meanwhile (a re-index elsewhere) are not a conflict.',
  },
  {
    operationId: 'searchKnowledge',
    method: 'post',
    path: '/v1/admin/search',
    summary: 'Search playground',
    auth: 'admin',
    tag: 'admin',
    body: adminSearchBodySchema,
    response: adminSearchResultSchema,
  },
  {
    operationId: 'listTickets',
    method: 'get',
    path: '/v1/admin/tickets',
    summary: 'List tickets, newest first',
    description:
      'Filtered by `status`, `priority`, `category` and `assignee`, in any combination: a ticket is listed when it matches every filter given, and `total` counts the filtered list. A value that is not one of those listed is a 400. `assignee` is compared in any letter case, spaces around it dropped, and an accent typed as its own character or as a combining one alike (names are stored in Unicode NFC). Newest first; of tickets opened at the same moment, the greater id first. To page, pass each page’s `nextBefore` as `before`, with the same filters, until it is null: every ticket is listed once, and tickets opened meanwhile (newer than the cursor) neither repeat nor push one off a page; read the first page again for them. `offset` is still taken, but a ticket opened while paging by it shifts the later pages by one. A `before` that is not a `nextBefore` as given, or one given with `offset`, is a 400.',
    auth: 'admin',
    tag: 'admin',
    query: ticketListQuerySchema,
    response: ticketListSchema,
  },
  {
    operationId: 'getTicket',
    method: 'get',
    path: '/v1/admin/tickets/{id}',
    summary: 'Read a ticket with its transcript and the customer’s contact details',
    description:
      'The ticket id is found in any letter case (`t-3f9d-…` is `T-3F9D-…`), as a customer may read it out. The transcript is paged, oldest first: `nextAfter`, when not null, is the `after` of the messages that follow. `contact` is how to reach the customer: the name, e-mail address and phone number they gave in the conversation, the newest of each (null when none was given), read as the ticket is read, so one given after it was opened is there too.',
    auth: 'admin',
    tag: 'admin',
    query: transcriptQuerySchema,
    response: ticketDetailSchema,
  },
  {
    operationId: 'updateTicket',
    method: 'patch',
    path: '/v1/admin/tickets/{id}',
    summary: 'Change a ticket’s status, priority or assignee',
    description:
      'The ticket id is found in any letter case. Give any of `status`, `priority` and `assignee` (at least one); a field left out is kept, and `assignee: null` gives the ticket to no one. With a webhook, a change of status goes out as `ticket.status_changed`, and one of the priority or assignee as `ticket.changed`; a request that changes both sends both, `ticket.status_changed` first; a value set again changes nothing and sends nothing.',
    auth: 'admin',
    tag: 'admin',
    body: ticketPatchSchema,
    response: ticketSchema,
  },
  {
    operationId: 'listSessions',
    method: 'get',
    path: '/v1/admin/sessions',
    summary: 'List sessions, latest activity first',
    description:
      'Each item: `id`, `transcriptMessages` (the customer’s messages and the replies), `firstMessageAt`, `lastMessageAt`. `nextBefore` is the `before` of the next page (null on the last): paging with it lists every session once, also those last active at the same moment. A session started but not written to yet is not listed: until its first message it exists only in the session store, which is not listed (`GET /v1/admin/sessions/{id}` reads it by id).',
    auth: 'admin',
    tag: 'admin',
    query: sessionListQuerySchema,
    response: sessionListSchema,
  },
  {
    operationId: 'getSessionTranscript',
    method: 'get',
    path: '/v1/admin/sessions/{id}',
    summary: 'Read a session with its transcript, its ticket and the customer’s contact details',
    description:
      'The transcript is paged, oldest first: `nextAfter`, when not null, is the `after` of the messages that follow. `ticket` is the ticket the session was handed over with (its `id` and `status`; null when it was not handed over). `contact` is how to reach the customer, as `GET /v1/admin/tickets/{id}` gives it: the name, e-mail address and phone number they gave in the conversation, the newest of each (null when none was given), read as the session is read. A customer’s message lists the files attached to it in `attachments`, each downloaded with `GET /v1/admin/sessions/{id}/attachments/{attachmentId}`.',
    auth: 'admin',
    tag: 'admin',
    query: transcriptQuerySchema,
    response: sessionDetailSchema,
  },
  {
    operationId: 'downloadSessionAttachment',
    method: 'get',
    path: '/v1/admin/sessions/{id}/attachments/{attachmentId}',
    summary: 'Download a file the customer attached',
    description:
      'The file’s bytes as the customer sent them (but for card numbers: a text file’s are hidden in the copy kept, `cardsHidden`; a PDF or Word document whose text has any is deleted once read, `withheld`), with `Content-Disposition: attachment` and its name; `attachmentId` is the `id` of one of a transcript message’s `attachments`. Every file is kept (a picture, one that could not be read), within the attachment size limits, for as long as the session lasts: its files are deleted when the customer ends it, when it is erased, and by the retention sweep (then 404). Served so that no file can run as a page of the API: as `application/octet-stream`, but for PNG, JPEG, GIF and WebP pictures (told by their bytes), with `X-Content-Type-Options: nosniff` and `Content-Security-Policy: sandbox`. 404 for an unknown session or file, and for a file of another session; 400 for an id that is not one.',
    auth: 'admin',
    tag: 'admin',
    binary: ['application/octet-stream', ...SHOWN_PICTURE_TYPES],
    successHeaders: {
      'Content-Disposition': {
        description:
          '`attachment`, with the file name as `filename*` (UTF-8, percent-encoded) and as `filename` (ASCII, other characters replaced).',
        required: true,
        schema: {
          type: 'string',
          example: `attachment; filename="receipt.png"; filename*=UTF-8''receipt.png`,
        },
      },
    },
  },
  {
    operationId: 'sendStaffMessage',
    method: 'post',
    path: '/v1/admin/sessions/{id}/messages',
    summary: 'Write to the customer of a session',
    auth: 'admin',
    tag: 'admin',
    body: staffMessageBodySchema,
    response: messageViewSchema,
    status: 201,
    successHeaders: REPLAYED_HEADER,
    errors: {
      '404': { description: 'No such session: it never existed, was erased, or has expired.' },
      '409': {
        description:
          'The session has ended: the customer no longer follows it; or the `Idempotency-Key` was used for another message (or its request is still being sent).',
      },
    },
    description:
      'Stores the message in the session’s history (role `staff`, after the messages before it; `GET /v1/sessions/{id}/messages` shows it) and delivers it at once to the customer’s live feed and WebSockets, on every instance, as a `staff_message` event (see StreamEvent). It waits for a turn running in the session to end (at most SESSION_LOCK_WAIT_MS; 503 past it), and comes after that turn’s events. No reply follows it: the agent does not answer the staff, and its own turns do not read the staff’s messages. An `Idempotency-Key` header makes a retry of the same message (text and author) answer the first 201 and message again, with `Idempotent-Replayed: true`, without storing or sending it twice; the same key with another message is a 409. A key is the session’s staff messages’ own: the customer’s keys and other sessions’ are apart.',
  },
  {
    operationId: 'eraseSession',
    method: 'delete',
    path: '/v1/admin/sessions/{id}',
    summary: 'Erase a session and everything stored of it (right to erasure)',
    auth: 'admin',
    tag: 'admin',
    status: 204,
    description:
      'Deletes the session’s messages, memories, attachments (their passages are no longer found by any search, their files no longer downloaded), its ticket whatever its status, and the ticket’s webhook messages, delivered or not (undelivered ones are never sent); removes the live session, so that its token stops working. A turn running in it finishes first (503, with `Retry-After`, when it runs past SESSION_LOCK_WAIT_MS). 204 when done; 404 when nothing of the session exists (also once it is erased); 400 for an id that is not one. What a webhook receiver already got is its own to erase.',
  },
  {
    operationId: 'listTools',
    method: 'get',
    path: '/v1/admin/tools',
    summary: 'Tool health: breaker states and latencies',
    description:
      'With REDIS_URL, of every live instance (`scope: all_instances`): each tool’s `instances` and `notClosedOn` show an open breaker whichever instance answers; the top-level `breaker` and `stats` are the answering instance’s. Without Redis, or while it is unavailable, of the answering instance only (`scope: this_instance`).',
    auth: 'admin',
    tag: 'admin',
    response: toolListSchema,
  },
  {
    operationId: 'getOutboxBacklog',
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
    operationId: 'skipOutboxMessage',
    method: 'post',
    path: '/v1/admin/outbox/{id}/skip',
    summary: 'Give up on a webhook message the receiver refuses',
    description:
      'The message is kept for the record but never tried again, and its session’s later messages go on. A delivery of it under way at that moment may still arrive. 404 for an unknown id; 409 for a message delivered already; skipping it again changes nothing.',
    auth: 'admin',
    tag: 'admin',
    body: noOptionsBodySchema,
    bodyOptional: true,
    response: outboxSkipResultSchema,
  },
  {
    operationId: 'resetToolBreaker',
    method: 'post',
    path: '/v1/admin/tools/{name}/reset',
    summary: 'Close a tool’s circuit breaker',
    description:
      'With REDIS_URL, on every instance (`scope: all_instances`): the answer lists each instance that confirmed, with its breaker, and in `unconfirmed` the live ones that did not within 2 s. Without Redis, or while it is unavailable, on the answering instance only (`scope: this_instance`). 404 for an unknown tool.',
    auth: 'admin',
    tag: 'admin',
    body: noOptionsBodySchema,
    bodyOptional: true,
    response: toolResetSchema,
  },
  {
    operationId: 'getHealth',
    method: 'get',
    path: '/health',
    summary: 'Liveness',
    auth: 'none',
    tag: 'operations',
    response: healthSchema,
  },
  {
    operationId: 'getReadiness',
    method: 'get',
    path: '/ready',
    summary: 'Readiness: database (and Redis) reachable; 503 while draining',
    auth: 'none',
    tag: 'operations',
    response: readinessSchema,
    alsoAnswers: {
      '503': {
        description:
          'Not ready (a check fails) or draining: the same shape, for balancers to read.',
        response: readinessSchema,
      },
    },
  },
  {
    operationId: 'getMetrics',
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics; with METRICS_TOKEN set, that bearer token only (401 otherwise)',
    auth: 'none',
    tag: 'operations',
    text: 'text/plain',
    errors: { '401': { ...UNAUTHORIZED, description: 'METRICS_TOKEN is set, and not sent.' } },
  },
];

/**
 * The body of each webhook topic, as a component named after it (`ticket.message_added` is
 * `WebhookTicketMessageAdded`): OpenAPI 3.0 has no place for callbacks a server makes on its own.
 */
function webhookComponents(): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(webhookPayloadSchemas).map(([topic, payload]) => {
      const name = topic
        .split(/[._]/)
        .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
        .join('');
      return [
        `Webhook${name}`,
        {
          ...schema(payload),
          description: `The JSON body POSTed to ESCALATION_WEBHOOK_URL for \`${topic}\` (its \`X-Support-Agent-Topic\`).`,
        },
      ];
    }),
  );
}

/**
 * The header every response carries, whatever its status (an error's is its body's `requestId`
 * too): declared once, and named by each response.
 */
const REQUEST_ID_HEADER = {
  description:
    'The id of this request, in its log lines and traces: the `X-Request-Id` the client sent (up to 128 letters, digits and `._:-`), or one the server made. Quote it when reporting a problem.',
  required: true,
  schema: { type: 'string' },
};

/** A response's headers: `own`, and the `X-Request-Id` that every response carries. */
function responseHeaders(own: Record<string, unknown> = {}): Record<string, unknown> {
  return { 'X-Request-Id': { $ref: '#/components/headers/RequestId' }, ...own };
}

/** What a success status says, when not simply "Success". */
const SUCCESS: Record<number, string> = {
  101: 'Switching Protocols: the WebSocket is open; each frame the server sends is one StreamEvent as JSON.',
  201: 'Created',
  204: 'Done: no body.',
};

/** The body of an operation's success response, in each media type it may come in. */
function successContent(op: Operation): { content?: Record<string, unknown> } {
  const content: Record<string, unknown> = {};
  if (op.response) content['application/json'] = { schema: schema(op.response) };
  if (op.events) {
    // Each event is one SSE message: `event: <type>` and `data: <the event as JSON>`.
    content['text/event-stream'] = { schema: { $ref: '#/components/schemas/StreamEvent' } };
  }
  if (op.text) content[op.text] = { schema: { type: 'string' } };
  for (const type of op.binary ?? [])
    content[type] = { schema: { type: 'string', format: 'binary' } };
  return Object.keys(content).length > 0 ? { content } : {};
}

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
        // As the route checks it: a key with a space or a letter outside ASCII is refused.
        schema: { type: 'string', minLength: 1, maxLength: 200, pattern: IDEMPOTENCY_KEY.source },
      });
    }
    const status = op.status ?? 200;
    const responses: Record<string, unknown> = {
      [String(status)]: {
        description: SUCCESS[status] ?? 'Success',
        headers: responseHeaders(op.successHeaders),
        ...successContent(op),
      },
    };
    for (const [code, also] of Object.entries(op.alsoAnswers ?? {})) {
      responses[code] = {
        description: also.description,
        headers: responseHeaders(),
        content: { 'application/json': { schema: schema(also.response) } },
      };
    }
    const errors = {
      ...(op.auth === 'none' ? {} : { '401': UNAUTHORIZED }),
      ...op.errors,
      ...(op.path.startsWith('/v1/') ? { '429': tooManyRequests(op.errors?.['429']) } : {}),
    };
    for (const [code, error] of Object.entries(errors)) {
      responses[code] = {
        description: error.description,
        headers: responseHeaders(error.headers),
        content: { 'application/json': { schema: schema(errorBodySchema) } },
      };
    }
    responses.default = {
      description: 'An error, in the one error shape',
      headers: responseHeaders(),
      content: { 'application/json': { schema: schema(errorBodySchema) } },
    };
    const operation: Record<string, unknown> = {
      operationId: op.operationId,
      tags: [op.tag],
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(op.auth === 'none' ? { security: [] } : { security: [{ [`${op.auth}Token`]: [] }] }),
      responses,
    };
    if (op.body || op.form) {
      operation.requestBody = {
        required: !op.bodyOptional,
        ...(op.bodyOptional ? { description: OPTIONAL_BODY } : {}),
        content: {
          ...(op.body ? { 'application/json': { schema: inputSchema(op.body) } } : {}),
          ...(op.form ? { 'multipart/form-data': { schema: op.form } } : {}),
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
        'Customer-support agent: sessions, messages with streamed replies, and the staff’s admin API. Errors always have the shape `{ "error": { "code", "message", "requestId" } }`. Every response, of any status, carries `X-Request-Id`: the request’s id, in the server’s log (see the RequestId header). A request to `/v1` that carries an `Origin` (a browser’s) other than the server’s own origin (its scheme and host) or one of CORS_ORIGINS is refused with 403 `forbidden` before it runs, with `Vary: Origin` and `Cache-Control: no-store`, and so are its preflight (`OPTIONS`) and a WebSocket upgrade; a request without `Origin` (a server, the CLI) is not asked.',
    },
    paths,
    components: {
      headers: { RequestId: REQUEST_ID_HEADER },
      securitySchemes: {
        sessionToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'The token returned by POST /v1/sessions.',
        },
        adminToken: { type: 'http', scheme: 'bearer', description: 'The admin API key.' },
      },
      schemas: {
        StreamEvent: {
          description:
            'One event of a stream (SSE `data`, or a WebSocket frame): a turn’s event, a customer’s message to the session’s followers (`customer_message`, before its turn’s `start`), a message of the staff’s (`staff_message`, between turns; no turn follows it), or what the stream says of itself (`ready`, `ended`, `shutdown`).',
          oneOf: [
            { $ref: '#/components/schemas/TurnEvent' },
            { $ref: '#/components/schemas/CustomerMessageEvent' },
            { $ref: '#/components/schemas/StaffMessageEvent' },
            { $ref: '#/components/schemas/StreamNotice' },
          ],
        },
        TurnEvent: schema(turnEventSchema),
        CustomerMessageEvent: schema(customerMessageEventSchema),
        StaffMessageEvent: schema(staffMessageEventSchema),
        StreamNotice: schema(streamNoticeSchema),
        WsClientMessage: inputSchema(wsClientMessageSchema),
        ...webhookComponents(),
      },
    },
  };
}
