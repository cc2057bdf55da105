import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app.js';
import { replayEvents, type SendOutcome } from '../../agent/session-turns.js';
import { AppError } from '../../errors/index.js';
import {
  createSessionBodySchema,
  messagePageQuerySchema,
  sendMessageBodySchema,
  type MessagePage,
  type SessionCreated,
  type SessionSummary,
  type StreamNotice,
} from '../../protocol/api.js';
import type { SourceItem } from '../../protocol/index.js';
import { bearerToken, hashToken, headerOrQueryToken, newSessionToken } from '../auth.js';
import { clientKey } from '../client-address.js';
import { acceptsEventStream, optionalJsonBody, wantsEventStream } from '../body.js';
import { TAKES_FILES } from '../errors.js';
import { idempotencyKeyOf, markReplayed } from '../idempotency-key.js';
import { readMultipart } from '../multipart.js';
import { authorizeSession, enforceRateLimit, viewOf } from '../session-access.js';
import { followSession } from '../session-follow.js';
import { SSE_HEADERS, SseStream } from '../sse.js';
import { parseInput } from '../validate.js';
import type { OpenStream, StreamRegistry } from '../streams.js';
import type { Session } from '../../session/index.js';
import { sessionScope } from '../../store/index.js';

type IdParams = { Params: { id: string } };

/** Most files one message may carry: one more is refused with 413 (and so documented). */
export const MAX_FILES_PER_MESSAGE = 10;

/**
 * The customer's routes: create a session, read it, end it, read its history, and send a
 * message (JSON or multipart; the whole turn as JSON, or its events as SSE).
 */
export function sessionRoutes(server: FastifyInstance, app: App, streams: StreamRegistry): void {
  const { sessions, conversations, config } = app;

  server.post('/v1/sessions', async (request, reply) => {
    const body = parseInput(
      createSessionBodySchema,
      optionalJsonBody(request, 'session'),
      'session',
    );
    // Made here, it would be one the instances with the right key cannot read.
    await sessions.assertServing();
    // Anyone may start a session: one address may not start so many that they push out others'.
    await enforceRateLimit(
      app.rateLimiter,
      `starts:${clientKey(request.ip)}`,
      config.http.sessionStartsPerMinute,
      'session_starts',
      reply,
    );
    const token = newSessionToken();
    const session = await sessions.create({
      tokenHash: hashToken(token),
      status: 'active',
      messageCount: 0,
      lastMessageAt: null,
      metadata: body.metadata ?? {},
    });
    const created: SessionCreated = {
      id: session.id,
      token,
      createdAt: session.createdAt,
      expiresInSeconds: config.sessions.ttlSeconds,
    };
    // `Cache-Control: no-store`, as on every /v1 response, keeps the token out of caches.
    return reply.code(201).send(created);
  });

  server.get<IdParams>('/v1/sessions/:id', async (request) => {
    const session = await authorizeSession(sessions, request.params.id, bearerToken(request));
    await sessions.touch(session.id);
    return summaryOf(app, session);
  });

  server.delete<IdParams>('/v1/sessions/:id', async (request, reply) => {
    const session = await authorizeSession(sessions, request.params.id, bearerToken(request));
    // Nothing searches an ended session's files any more: its attachments' passages go.
    const ended = await app.sessionTurns.end(session);
    // Its open streams would otherwise stay open and silent: nothing will happen in it any more.
    // This instance's at once; every instance's (this one's again, ended once) by the notice.
    streams.endSession(session.id, 'ended');
    app.sessionEvents
      .publishEnd(session.id, 'ended')
      .catch((error: unknown) =>
        app.logger.warn(
          { err: error, sessionId: session.id },
          'the end of a session could not be told to its streams on other instances (Redis): they learn of it at their next message',
        ),
      );
    return reply.code(200).send(await summaryOf(app, ended));
  });

  server.get<IdParams & { Querystring: Record<string, string> }>(
    '/v1/sessions/:id/messages',
    async (request) => {
      const session = await authorizeSession(sessions, request.params.id, bearerToken(request));
      const query = parseInput(messagePageQuerySchema, request.query, 'query');
      // One more than is shown, to know whether any follow: a full last page is still the last,
      // and says so, rather than sending the client for an empty one.
      const records = await conversations.messages(session.id, {
        ...(query.after !== undefined ? { afterSeq: query.after } : {}),
        limit: query.limit + 1,
      });
      const shown = records.slice(0, query.limit);
      const page: MessagePage = {
        items: shown.map((m) => ({
          id: m.id,
          seq: m.seq,
          role: m.role,
          text: m.text,
          ...(m.role === 'staff' ? { author: m.author ?? null } : {}),
          createdAt: m.createdAt,
          ...(m.role === 'assistant' && Array.isArray(m.metadata.sources)
            ? { sources: m.metadata.sources as SourceItem[] }
            : {}),
          // A message of files only has no text: without their names it reloads as an empty bubble.
          ...(m.role === 'user' ? attachmentsOf(m.metadata) : {}),
        })),
        nextAfter: records.length > query.limit ? (shown.at(-1)?.seq ?? null) : null,
      };
      return page;
    },
  );

  server.get<IdParams>('/v1/sessions/:id/events', async (request, reply) => {
    // A browser's EventSource sends no headers of its own: the token may come as `?token=`.
    const token = headerOrQueryToken(request);
    let gone = false;
    reply.raw.once('close', () => (gone = true));
    // Subscribed before the stream opens, and the session read once, after: `ready` means no
    // later event will be missed, the session's end included, wherever it happens.
    const { session, follow } = await followSession(app, request.params.id, token, 'query');
    let freeSlot: () => void;
    try {
      if (!acceptsEventStream(request)) {
        throw new AppError(
          'invalid_input',
          'This route streams events: send `Accept: text/event-stream` (or none).',
        );
      }
      // Taken before the stream opens, and given back when its socket closes, whoever closes
      // it: a client may not hold streams (and what they follow) without bound.
      freeSlot = streams.slots.take(session.id, clientKey(request.ip));
    } catch (error) {
      follow.stop();
      throw error;
    }
    // A HEAD is answered as its GET would be, without a body: a stream opened for it would
    // never end, and would hold one of the session's places for streams, and its connection,
    // on which no later request would be answered, for as long as the client kept it.
    if (request.method === 'HEAD') {
      follow.stop();
      freeSlot();
      return reply.code(200).headers(SSE_HEADERS).send();
    }
    // The client left while the session was followed: its `close` has come and gone.
    if (gone) {
      follow.stop();
      freeSlot();
      reply.hijack();
      return;
    }
    const stream = new SseStream(reply, headersOf(reply));
    const release = streams.add(stream, { sessionId: session.id, reply, status: 200 });
    const ready: StreamNotice = { type: 'ready', sessionId: session.id };
    stream.send(ready);
    follow.attach({
      event: (event) => stream.send(event),
      ended: (notice) => streams.endSession(session.id, notice.reason),
    });
    reply.raw.on('close', () => {
      follow.stop();
      freeSlot();
      release();
    });
  });

  server.post<IdParams>(
    '/v1/sessions/:id/messages',
    { config: TAKES_FILES },
    async (request, reply) => {
      const session = await authorizeSession(sessions, request.params.id, bearerToken(request));
      const idempotencyKey = idempotencyKeyOf(request);
      const charge = () =>
        enforceRateLimit(
          app.rateLimiter,
          sessionScope(session.id),
          config.http.sessionMessagesPerMinute,
          'session_messages',
          reply,
        );
      // A new message is charged before its body is read: a refused client's upload is not
      // read, whether it sent a key or not. A key already known is a retry: one that gets the
      // stored reply, or a 409 while the first request still runs (a widget following its
      // Retry-After), is not a new message. It is charged only if its key is claimed after all
      // (released or forgotten since), once claimed.
      const known =
        idempotencyKey !== undefined &&
        (await conversations.peekIdempotencyKey(session.id, idempotencyKey)) !== 'absent';
      if (!known) await charge();
      const { text, attachments } = await readMessage(request, app);
      const controller = new AbortController();
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) controller.abort();
      });
      const outcome = await app.sessionTurns.send({
        session,
        text,
        ...(attachments.length > 0 ? { attachments } : {}),
        requestId: String(request.id),
        signal: controller.signal,
        ...(idempotencyKey !== undefined
          ? { idempotencyKey, ...(known ? { admit: charge } : {}) }
          : {}),
      });
      if (outcome.type === 'replay') markReplayed(reply);
      if (wantsEventStream(request)) return streamTurn(reply, session.id, outcome, streams);
      const result = outcome.type === 'replay' ? outcome.result : await outcome.result;
      return reply.code(200).send(result);
    },
  );
}

/**
 * A session as its owner sees it: its state, the customer's messages it counts, and every
 * message its history holds (replies included), so that neither count is taken for the other.
 */
async function summaryOf(app: App, session: Session): Promise<SessionSummary> {
  // Not `{ ...viewOf(session), transcriptMessages }`: on Node 20 a spread followed by a key of
  // its own makes a new hidden class on every call; the view is a fresh object, completed here.
  return Object.assign(viewOf(session), {
    transcriptMessages: await app.conversations.countMessages(session.id),
  });
}

/** The text and files of a message, from a JSON or a multipart body. */
async function readMessage(
  request: FastifyRequest,
  app: App,
): Promise<{ text: string; attachments: Array<{ name: string; data: Uint8Array }> }> {
  if (request.isMultipart()) {
    const body = await readMultipart(request, {
      maxFileBytes: app.config.attachments.maxFileBytes,
      maxTotalBytes: app.config.attachments.maxMessageBytes,
      maxFiles: MAX_FILES_PER_MESSAGE,
      fields: ['text'],
    });
    const { text } = parseInput(sendMessageBodySchema, { text: body.fields.text ?? '' }, 'message');
    return { text, attachments: body.files };
  }
  if (request.body === undefined) {
    throw new AppError(
      'invalid_input',
      'Send the message as JSON, e.g. {"text": "How do I reset my password?"}, or as multipart/form-data with files.',
    );
  }
  const { text } = parseInput(sendMessageBodySchema, request.body, 'message');
  return { text, attachments: [] };
}

/** Streams a turn's events as SSE; a replay as {@link replayEvents}. */
async function streamTurn(
  reply: FastifyReply,
  sessionId: string,
  outcome: SendOutcome,
  streams: StreamRegistry,
): Promise<void> {
  const stream = new SseStream(reply, headersOf(reply));
  let running = true;
  let ended: StreamNotice | undefined;
  const entry: OpenStream = {
    finish(event) {
      // Ended (by this customer in another tab, say) while this turn streams: the turn runs to
      // its end and its reply is stored, so it is sent whole, then the end, as a WebSocket does.
      if (event.type === 'ended' && running) ended = event;
      else stream.finish(event);
    },
  };
  const release = streams.add(entry, { sessionId, reply, status: 200 });
  // The client may go away before the turn ends: its stream is counted then, not at the end.
  reply.raw.on('close', release);
  try {
    if (outcome.type === 'replay') {
      for (const event of replayEvents(outcome.result)) stream.send(event);
      return;
    }
    for await (const event of outcome.events) stream.send(event);
    await outcome.result.catch(() => undefined);
  } finally {
    running = false;
    release();
    if (ended) stream.finish(ended);
    else stream.end();
  }
}

/** The names of the files a customer's message carried, as its metadata keeps them. */
function attachmentsOf(metadata: Record<string, unknown>): { attachments?: string[] } {
  const names = metadata.attachments;
  if (!Array.isArray(names) || names.length === 0) return {};
  return { attachments: names.filter((name): name is string => typeof name === 'string') };
}

/** The headers already set on a reply (request id, CORS, security), for a hijacked response. */
function headersOf(reply: FastifyReply): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined)
      headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return headers;
}
