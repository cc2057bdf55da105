import { randomUUID } from 'node:crypto';
import { context } from '@opentelemetry/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { App } from '../../app.js';
import { replayEvents, type SendOutcome } from '../../agent/session-turns.js';
import { isAppError } from '../../errors/index.js';
import {
  MAX_MESSAGE_CHARS,
  MAX_WS_MESSAGE_BYTES,
  wsClientMessageSchema,
  wsFrameIdSchema,
  type WsClientMessage,
} from '../../protocol/api.js';
import type { TurnEvent } from '../../protocol/events.js';
import type { Session } from '../../session/index.js';
import { headerOrQueryToken } from '../auth.js';
import { clientKey } from '../client-address.js';
import { clientMessage, sendError } from '../errors.js';
import { assertActive, authorizeSession, enforceRateLimit } from '../session-access.js';
import { followSession, type SessionFollow } from '../session-follow.js';
import type { StreamRegistry } from '../streams.js';
import { TurnOrder } from '../turn-order.js';
import { MAX_UNREAD_STREAM_BYTES } from '../sse.js';
import { parseJson } from '../body.js';
import { parseInput } from '../validate.js';
import { sessionScope } from '../../store/index.js';

/**
 * The transport's own cap on a WebSocket message (`maxPayload`): a message larger than this is
 * never buffered whole; the socket is closed with 1009 instead. It sits well above
 * {@link MAX_WS_MESSAGE_BYTES}, the limit a client is told of with an `error` event on an open
 * socket, so that only a client far past any message it could mean to send is cut off.
 */
export const WS_MAX_FRAME_BYTES = 1024 * 1024;

/**
 * Messages of one socket waiting for their turn or running it. A client past it (one that does
 * not wait for answers) gets a `rate_limited` error event for each further message: what waits
 * is held in memory, and a turn can take a while.
 */
export const WS_MAX_PENDING_MESSAGES = 4;

/**
 * Frames refused in a row (past the waiting bound or the session's limit, too large, or not a
 * valid message) past which the socket is closed (1008): the client is not listening, or is
 * broken, and each refusal costs the server an answer.
 */
export const WS_MAX_REFUSALS = 20;

/**
 * How long a socket holds its own turn's events back for the session's earlier turns to come
 * through the session's channel (see `TurnOrder`): far longer than Redis takes to relay them, so
 * that only a relay that is lost holds a turn back this long.
 */
export const WS_RELAY_WAIT_MS = 1_000;

/**
 * Most pings a socket answers in {@link WS_PING_WINDOW_MS}: a client's keepalive pings every few
 * seconds, far fewer. Past it the socket is closed with 1008 and a reason: each ping costs a pong,
 * written whether or not the client reads it.
 */
export const WS_MAX_PINGS = 100;

/** The window {@link WS_MAX_PINGS} is counted in: any span of this length, not fixed ones. */
export const WS_PING_WINDOW_MS = 10_000;

/**
 * The times of a socket's last {@link WS_MAX_PINGS} pings, in a ring: a ping is admitted when the
 * one that many pings before it is older than {@link WS_PING_WINDOW_MS}. Counted in fixed windows,
 * a burst on both sides of a window's edge passed twice the bound. The ring is made on the first
 * ping: most sockets never ping, or seldom.
 */
class PingWindow {
  #times: Float64Array | undefined;
  #next = 0;

  admit(now: number): boolean {
    this.#times ??= new Float64Array(WS_MAX_PINGS).fill(-Infinity);
    const oldest = this.#times[this.#next] as number;
    if (now - oldest < WS_PING_WINDOW_MS) return false;
    this.#times[this.#next] = now;
    this.#next = (this.#next + 1) % WS_MAX_PINGS;
    return true;
  }
}

type WsRequest = FastifyRequest<{ Params: { id: string } }>;

/**
 * `GET /v1/sessions/:id/ws`: a WebSocket carrying the same turn events as SSE for the messages
 * sent over it (`{"type":"message","text":"…"}`), and the session's other turns as the live feed
 * does. The token comes as `Authorization: Bearer`, or as the `token` query parameter, since
 * browsers cannot set headers on a WebSocket; it is checked
 * before the upgrade, so a refused client gets the same 401 as on every other route, and a plain
 * GET that passes the same checks gets 426. Messages of one socket run in the order they were
 * sent; a frame that is not a valid message, or is larger than {@link MAX_WS_MESSAGE_BYTES}, gets
 * an `error` event and the socket stays open. A frame may carry an `id` of the client's: the
 * `error` events that answer it, and its turn's `start` and end, carry it back as `replyTo`, since
 * they may come among another turn's events. A message is counted against the session's limit
 * when it arrives (one with an `idempotencyKey` once its key is claimed: sent again, it gets its
 * stored reply and is not counted again); past {@link WS_MAX_PENDING_MESSAGES} waiting, or past
 * the limit, it gets a `rate_limited` error event, and past {@link WS_MAX_REFUSALS} refusals in
 * a row (of any kind) the socket is closed with 1008, as it is past {@link WS_MAX_PINGS} pings in
 * {@link WS_PING_WINDOW_MS}. Ending the session (or shutdown) sends a
 * last event and closes the socket: 1000 for `ended`, 1001 for `shutdown`. The socket follows the session's
 * events as a live feed does: it also carries the turns sent another way (over HTTP, another
 * WebSocket, another instance), each opened by the customer's message; its own turns are opened
 * by theirs too (the message as stored, its id and `seq`), and come once. Turns come in the
 * order they were stored, each one's events together: its own turn waits for the session's
 * earlier turns to have come through (at most {@link WS_RELAY_WAIT_MS}), and the turns relayed
 * while it runs wait for its end (see `TurnOrder`). An end on another instance, or an erasure by the retention sweep, closes it too. An upgrade takes one of the
 * places for a session's streams (see `StreamSlots`): past them it gets 429 instead.
 */
export function wsRoutes(server: FastifyInstance, app: App, streams: StreamRegistry): void {
  const sessionsOf = new WeakMap<FastifyRequest, Session>();
  const repliesOf = new WeakMap<FastifyRequest, FastifyReply>();
  const followsOf = new WeakMap<FastifyRequest, SessionFollow>();

  server.route({
    method: 'GET',
    url: '/v1/sessions/:id/ws',
    preValidation: async (request: WsRequest, reply: FastifyReply) => {
      // Its origin was checked with every `/v1` request's (see `refuseForeignOrigin`): browsers
      // let any page open a WebSocket to any host.
      const token = headerOrQueryToken(request);
      if (!request.ws) {
        // A plain GET opens nothing: checked as an upgrade is, with nothing followed.
        assertActive(await authorizeSession(app.sessions, request.params.id, token, 'query'));
        return;
      }
      // Followed before the upgrade, for the session's other turns and its end: ended on another
      // instance, or erased by the retention sweep, it is told and closed. The session is read
      // once, after the subscription: one that ended meanwhile is refused as one ended before.
      const { session, follow } = await followSession(app, request.params.id, token, 'query');
      // An upgrade takes a stream's place before it is made, so that a client past the limit is
      // told with a 429 rather than a socket closed at once. An upgraded socket serves no other
      // request: the place is given back when it closes, however it closes.
      let freeSlot: () => void;
      try {
        freeSlot = streams.slots.take(session.id, clientKey(request.ip));
      } catch (error) {
        follow.stop();
        throw error;
      }
      const socket = request.raw.socket;
      const close = () => {
        freeSlot();
        follow.stop();
      };
      if (socket.destroyed) close();
      else socket.once('close', close);
      followsOf.set(request, follow);
      sessionsOf.set(request, session);
      repliesOf.set(request, reply);
    },
    // Checked as an upgrade is (origin, token, an active session), so a plain GET learns nothing
    // of a session it may not open.
    handler: async (_request: WsRequest, reply: FastifyReply) => {
      // RFC 9110 §15.5.22 and §7.8: a 426 names the protocol, and Upgrade is hop-by-hop.
      reply.header('upgrade', 'websocket');
      reply.header('connection', 'upgrade');
      return sendError(
        reply,
        426,
        'invalid_input',
        'This address is a WebSocket: open it with a WebSocket client (a request with `Upgrade: websocket`). To follow the session over plain HTTP, use GET /v1/sessions/:id/events.',
      );
    },
    wsHandler: (socket: WebSocket, request: WsRequest) => {
      const session = sessionsOf.get(request);
      const reply = repliesOf.get(request);
      const follow = followsOf.get(request);
      if (session === undefined || reply === undefined || follow === undefined) {
        socket.close(1008, 'unauthorized');
        return;
      }
      const controller = new AbortController();
      let queue: Promise<void> = Promise.resolve();
      const send = (event: object) => {
        if (socket.readyState !== socket.OPEN) return;
        // A client that stopped reading is cut off, as an event stream's is: past the limit,
        // what it leaves unread would pile up in this server's memory.
        if (socket.bufferedAmount > MAX_UNREAD_STREAM_BYTES) {
          socket.terminate();
          return;
        }
        socket.send(JSON.stringify(event));
      };
      // The session's turns in the order they were stored, each one's events together: this
      // socket's own as they run, the others' as they come through the session's channel.
      const order = new TurnOrder(send, { clock: app.clock, waitMs: WS_RELAY_WAIT_MS });
      const release = streams.add(
        {
          // After the messages already sent: their turns' events come first.
          finish: (event) => {
            queue = queue.then(() => {
              order.flush();
              send(event);
              if (event.type === 'shutdown') socket.close(1001, 'server shutting down');
              else socket.close(1000, 'session ended');
            });
          },
        },
        { sessionId: session.id, reply, status: 101 },
      );
      follow.attach({
        event: (event) => order.relayed(event),
        ended: (notice) => streams.endSession(session.id, notice.reason),
      });
      let pending = 0;
      // Refusals since a message was last let through, of whatever kind: past the bound, the
      // client is not listening to them, and the socket is closed.
      let refusals = 0;
      const refused = () => {
        refusals += 1;
        if (refusals <= WS_MAX_REFUSALS) return false;
        socket.close(1008, 'too many messages');
        return true;
      };
      const onMessage = (data: RawData, isBinary: boolean): void => {
        // Read before anything is checked, for the id that every answer to it carries back.
        // A frame over the size limit is refused unread (its id, too): reading a megabyte of
        // JSON for each of a flood of them would cost what the limit is there to spare.
        const oversized = byteLength(data) > MAX_WS_MESSAGE_BYTES;
        const frame = oversized ? { parsed: false as const } : readFrame(data, isBinary);
        const answer = (event: { type: 'error' } & Record<string, unknown>) =>
          send(frame.id !== undefined ? { ...event, replyTo: frame.id } : event);
        if (pending >= WS_MAX_PENDING_MESSAGES) {
          // Refused before it is validated or counted: a flood costs neither memory nor Redis
          // calls.
          if (refused()) return;
          answer({
            type: 'error',
            code: 'rate_limited',
            message: `Too many messages at once: wait for the answers to your messages before sending more (at most ${WS_MAX_PENDING_MESSAGES} may wait).`,
            retryable: true,
          });
          return;
        }
        if (oversized) {
          if (refused()) return;
          answer({
            type: 'error',
            code: 'payload_too_large',
            message: `The message is too long: a WebSocket message may be at most ${MAX_WS_MESSAGE_BYTES / 1024} KB, and its text at most ${MAX_MESSAGE_CHARS} characters. Shorten it and send it again.`,
            retryable: false,
          });
          return;
        }
        let message: WsClientMessage;
        try {
          if (!frame.parsed) throw new SyntaxError('not a JSON text frame');
          message = parseInput(wsClientMessageSchema, frame.json, 'message');
        } catch (error) {
          if (refused()) return;
          answer({
            type: 'error',
            code: 'invalid_input',
            message: isAppError(error)
              ? error.message
              : 'Send JSON text frames like {"type":"message","text":"How do I reset my password?"}.',
            retryable: false,
          });
          return;
        }
        pending += 1;
        const charge = () =>
          enforceRateLimit(
            app.rateLimiter,
            sessionScope(session.id),
            app.config.http.sessionMessagesPerMinute,
            'session_messages',
          );
        // Counted as it arrives, not when its turn comes: messages waiting behind a slow turn
        // count, and one over the limit is told so at once and does not wait. One with an
        // idempotency key is counted once its key is claimed (see `SendInput.admit`): sent again
        // on a new socket after a dropped one, it gets its stored reply and is not a new message.
        const keyed = message.idempotencyKey !== undefined;
        const charged = (keyed ? Promise.resolve() : charge()).then(
          () => {
            // A keyed message is let through once it is admitted (see `runMessage`).
            if (!keyed) refusals = 0;
            return true;
          },
          (error: unknown) => {
            pending -= 1;
            if (!isAppError(error) || error.code !== 'rate_limited' || !refused()) {
              fail(error, message.id);
            }
            return false;
          },
        );
        queue = queue.then(async () => {
          if (!(await charged)) return;
          try {
            await runMessage(message, keyed ? charge : undefined);
          } finally {
            pending -= 1;
          }
        });
      };
      // Each message is a request of its own, with its own id in logs and traces, known before
      // anything of it is checked: every line written for it, a refusal before its turn starts
      // included, names it and the session. A socket's events run outside the request that
      // opened it; its trace is taken along, so the spans of a message's turn are children of
      // the upgrade's span.
      const traced = context.active();
      socket.on('message', (data, isBinary) =>
        context.with(traced, () =>
          app.correlation.run({ requestId: randomUUID(), sessionId: session.id }, () =>
            onMessage(data, isBinary),
          ),
        ),
      );
      // Answered here rather than by the transport, whose own bound on pongs not yet written
      // cuts the connection without a close frame (1006): a client could not tell why.
      const pings = new PingWindow();
      socket.on('ping', (data) => {
        if (socket.readyState !== socket.OPEN) return;
        if (!pings.admit(app.clock.now())) {
          socket.close(
            1008,
            `too many pings (at most ${WS_MAX_PINGS} in ${WS_PING_WINDOW_MS / 1000} s)`,
          );
          return;
        }
        socket.pong(data, false);
      });
      socket.on('close', () => {
        follow.stop();
        order.close();
        release();
        controller.abort();
      });

      const fail = (error: unknown, replyTo: string | undefined) => {
        const known = isAppError(error);
        // What the client is told is what an HTTP client would be: a database's address and
        // its driver's words stay in the log.
        if (!known || clientMessage(error) !== error.message) {
          app.logger.error({ err: error }, 'a WebSocket message failed');
        }
        send({
          type: 'error',
          code: known ? error.code : 'internal',
          message: known ? clientMessage(error) : 'Internal error',
          retryable: known ? error.retryable : false,
          ...(replyTo !== undefined ? { replyTo } : {}),
        });
      };

      const runMessage = async (message: WsClientMessage, admit?: () => Promise<void>) => {
        // Known before the turn starts, so that its events on the session's channel are known
        // as this socket's.
        const requestId = app.correlation.get()?.requestId ?? randomUUID();
        const turn = order.own(requestId);
        const reply = replyingTo(message.id);
        let outcome: SendOutcome;
        try {
          outcome = await app.sessionTurns.send({
            session,
            text: message.text,
            requestId,
            signal: controller.signal,
            ...(message.idempotencyKey !== undefined
              ? { idempotencyKey: message.idempotencyKey }
              : {}),
            ...(admit ? { admit } : {}),
          });
        } catch (error) {
          // Refused before a turn started (busy, ended): nothing of it comes on the channel.
          turn.cancel();
          // A keyed message over the limit is a refusal as one refused on arrival is.
          if (admit && isAppError(error) && error.code === 'rate_limited' && refused()) return;
          fail(error, message.id);
          return;
        }
        if (admit) refusals = 0;
        if (outcome.type === 'replay') {
          // Nothing ran, nothing of it comes on the channel: it goes out between turns.
          turn.cancel();
          order.aside(replayEvents(outcome.result).map(reply));
          return;
        }
        for await (const event of outcome.events) turn.send(reply(event));
        await turn.end();
        await outcome.result.catch(() => undefined);
      };
    },
  });
}

/**
 * A received message as far as it could be read: its JSON, when it is a text frame of JSON, and
 * its `id` when it has a valid one. The id is read even from a frame that is refused (too large,
 * invalid, one too many), so that the client knows which of its messages was refused.
 */
function readFrame(
  data: RawData,
  isBinary: boolean,
): { parsed: false; id?: undefined } | { parsed: true; json: unknown; id: string | undefined } {
  if (isBinary) return { parsed: false };
  let json: unknown;
  try {
    // Read as a JSON body is: a byte order mark before it is no error, a `__proto__` key is dropped.
    json = parseJson(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
  } catch {
    return { parsed: false };
  }
  const id = typeof json === 'object' && json !== null && 'id' in json ? json.id : undefined;
  const valid = wsFrameIdSchema.safeParse(id);
  return { parsed: true, json, id: valid.success ? valid.data : undefined };
}

/**
 * Marks the events that answer a frame with its id: its turn's `start` and its end (`complete`
 * or `error`). The rest of the turn's events come between the two, so they need none.
 */
function replyingTo(id: string | undefined): (event: TurnEvent) => TurnEvent {
  if (id === undefined) return (event) => event;
  return (event) =>
    event.type === 'start' || event.type === 'complete' || event.type === 'error'
      ? { ...event, replyTo: id }
      : event;
}

/** The size of a received message in bytes, however `ws` hands it over. */
function byteLength(data: RawData): number {
  return Array.isArray(data) ? data.reduce((n, part) => n + part.length, 0) : data.byteLength;
}
