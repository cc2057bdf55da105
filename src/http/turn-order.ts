import type { Clock, TimerHandle } from '../resilience/index.js';

/** An event a WebSocket sends: a turn's, a notice, or an answer to a frame. */
type StreamEvent = { type: string } & Record<string, unknown>;

/**
 * Events that go out together, one group after another: a turn, relayed from the session's
 * channel, run by the socket itself, or replayed.
 */
interface Group {
  /** A turn of the channel's, one the socket runs, or one it replays. */
  readonly kind: 'relayed' | 'own' | 'aside';
  /** Waiting to go out: a group sends as events come only once it is first in line. */
  readonly events: StreamEvent[];
  /** More events may come: the groups behind it wait for it. */
  open: boolean;
  /** The relayed turn it is, to tell its events from the next turn's. */
  readonly turnId?: string;
  /** Told once every event of the group has gone out. */
  readonly sent?: () => void;
}

/**
 * Own turns sent without their opening having come through the channel that a socket keeps, so
 * as to know their copies if the relay is only late. Turns that run or wait are bounded apart
 * (a socket's messages in flight are).
 */
const KEPT_UNRELAYED = 16;

/** One of the socket's own turns, known by its request id before it runs. */
interface OwnState {
  readonly requestId: string;
  /** Its events, until it has its place in line. */
  readonly held: StreamEvent[];
  /** Set once it has its place: its events go there. */
  group: Group | undefined;
  ended: boolean;
  timer: TimerHandle | undefined;
  /** Resolves its `end()`. */
  readonly done: () => void;
  readonly finished: Promise<void>;
}

/** One turn a WebSocket sends itself, as it runs (see {@link TurnOrder.own}). */
export interface OwnTurn {
  /** One of the turn's events, in order. */
  send(event: StreamEvent): void;
  /** The turn sent its last event: resolves once every one of them has gone out. */
  end(): Promise<void>;
  /** The turn never ran (refused, or replayed): nothing of it comes on the session's channel. */
  cancel(): void;
}

/**
 * The order of what one WebSocket sends: the turns of its session as they were stored, each
 * turn's events together. The socket sends its own turns' events itself, as they run, while the
 * session's other turns (sent over HTTP, another socket, another instance) reach it through the
 * session's channel, a moment late across instances. Left alone, a message sent right after
 * another device's turn would start before that turn had been relayed through, and the two
 * turns' events would mix.
 *
 * The channel has the turns in the order they were stored: each turn's events are published
 * under the session's lock, opened by its customer's message as stored, with its `seq` (or by
 * its `start`, for one that could not be stored). So an own turn's events are held until its own
 * opening comes through the channel: every earlier turn has been relayed by then. A relay that
 * never comes (Redis away, an event lost) stalls the socket for at most `waitMs`: the turn is
 * then sent, and an earlier turn's late events come after it. The turns relayed while an own
 * turn runs wait for its end, as a replayed turn sent while a relayed turn runs waits for that
 * turn's (or `waitMs`, when its end is lost). Answers to frames (a refusal, an error) are not
 * turns: the socket sends them at once. A message of the staff's (`staff_message`) is published
 * between turns, under the same lock: it goes out alone, in the channel's order.
 *
 * @example
 * const order = new TurnOrder((event) => socket.send(JSON.stringify(event)), { clock, waitMs: 1_000 });
 * follow.attach({ event: (event) => order.relayed(event), ended });
 * const turn = order.own(requestId); // before the turn starts
 * for await (const event of outcome.events) turn.send(event);
 * await turn.end();
 */
export class TurnOrder {
  /** Groups in line: the first sends as its events come, the others wait. */
  readonly #line: Group[] = [];
  /** Own turns whose opening has not yet come through the channel, by request id. */
  readonly #own = new Map<string, OwnState>();
  /** The relayed turn the channel is in, while its events come. */
  #relaying: Group | undefined;
  /** The channel is in one of this socket's own turns: its copies are not sent again. */
  #skipping = false;
  /** Bounds the wait behind a relayed turn whose end does not come. */
  #stall: { group: Group; timer: TimerHandle } | undefined;
  #closed = false;

  constructor(
    private readonly send: (event: StreamEvent) => void,
    private readonly options: {
      clock: Clock;
      /** How long a relay that does not come may hold the socket's own events back. */
      waitMs: number;
    },
  ) {}

  /** An event of the session's channel, in the channel's order. */
  relayed(event: StreamEvent): void {
    if (this.#closed) return;
    const opening = event.type === 'customer_message' || event.type === 'start';
    if (opening) {
      const requestId = String(event.requestId);
      const own = this.#own.get(requestId);
      this.#skipping = own !== undefined;
      if (own !== undefined) {
        // The `start` that follows the customer's message is the turn's last opening.
        if (event.type === 'start') this.#own.delete(requestId);
        // The customer's message as stored (its id and `seq`) is the one event of its own turn
        // the socket learns only from the channel: it goes out first, as the others' do, so a
        // widget can settle the bubble it showed while sending. Late (its turn already sent),
        // it still goes out, after what was sent.
        const stored = event.type === 'customer_message' ? event : undefined;
        if (own.group === undefined) this.#place(own, stored);
        else if (stored !== undefined) this.#push(own.group, stored);
      }
    }
    // A message of the staff's is no turn's, so never a copy of this socket's own turn, even
    // when that turn's end was lost and its copies seem to go on.
    if (this.#skipping && event.type !== 'staff_message') {
      if (event.type === 'complete' || event.type === 'error') this.#skipping = false;
      return;
    }
    this.#relay(event, opening);
  }

  /**
   * Starts one of the socket's own turns, before it runs: its events are held until the turn has
   * its place among the session's turns (see {@link TurnOrder}).
   */
  own(requestId: string): OwnTurn {
    let done = () => {};
    const finished = new Promise<void>((resolve) => (done = resolve));
    const state: OwnState = {
      requestId,
      held: [],
      group: undefined,
      ended: false,
      timer: undefined,
      done,
      finished,
    };
    this.#forgetLost();
    this.#own.set(requestId, state);
    return {
      send: (event) => {
        if (state.group !== undefined) this.#push(state.group, event);
        else {
          state.held.push(event);
          this.#wait(state);
        }
      },
      end: () => {
        state.ended = true;
        if (state.group !== undefined) this.#end(state.group);
        else this.#wait(state);
        return state.finished;
      },
      cancel: () => {
        this.#own.delete(requestId);
        this.#clear(state);
        state.done();
      },
    };
  }

  /**
   * A turn that is on no channel (a replay of a stored result): sent now, or after the turn being
   * sent, so as not to cut into it.
   */
  aside(events: StreamEvent[]): void {
    if (this.#closed || events.length === 0) return;
    this.#enqueue({ kind: 'aside', events: [...events], open: false });
  }

  /** Own turns kept for their copies to be known: sent, but their opening not yet come. */
  get awaitingRelay(): number {
    return this.#own.size;
  }

  /**
   * Forgets the oldest own turns that were sent without their opening having come (its relay was
   * lost, or is very late), past {@link KEPT_UNRELAYED}: each is kept so that its copies are not
   * sent twice when they do come, but a socket whose session's relays stay lost must not keep
   * one for every message it sends. A copy that comes after its turn was forgotten is sent as
   * another turn's would be.
   */
  #forgetLost(): void {
    let excess = this.#own.size - KEPT_UNRELAYED;
    if (excess <= 0) return;
    for (const [requestId, own] of this.#own) {
      if (excess <= 0) break;
      if (own.group === undefined || !own.ended) continue;
      this.#own.delete(requestId);
      excess--;
    }
  }

  /** Sends everything held back, in order, at once: the socket is about to close. */
  flush(): void {
    for (const own of this.#own.values()) {
      if (own.group === undefined && own.held.length > 0) this.#place(own);
    }
    for (const group of this.#line.splice(0)) {
      for (const event of group.events.splice(0)) this.send(event);
      group.sent?.();
    }
    this.#relaying = undefined;
    this.#unstall();
  }

  /** The socket closed: nothing more is sent, and no timer is left. */
  close(): void {
    this.#closed = true;
    for (const own of this.#own.values()) {
      this.#clear(own);
      own.done();
    }
    this.#own.clear();
    for (const group of this.#line.splice(0)) group.sent?.();
    this.#unstall();
  }

  /** A relayed event of another turn, in its turn's group. */
  #relay(event: StreamEvent, opening: boolean): void {
    const turnId = typeof event.turnId === 'string' ? event.turnId : undefined;
    if (opening && this.#relaying !== undefined && this.#relaying.turnId !== turnId) {
      // The previous turn's end was lost: it ends here, where the next one begins.
      this.#end(this.#relaying);
      this.#relaying = undefined;
    }
    if (opening && this.#relaying === undefined) {
      this.#relaying = {
        kind: 'relayed',
        events: [],
        open: true,
        ...(turnId !== undefined ? { turnId } : {}),
      };
      this.#enqueue(this.#relaying);
    }
    const group = this.#relaying;
    if (group === undefined) {
      // An event outside any turn (its opening lost, or its wait over): it goes out alone.
      this.#enqueue({ kind: 'relayed', events: [event], open: false });
      return;
    }
    this.#push(group, event);
    if (event.type === 'complete' || event.type === 'error') {
      this.#relaying = undefined;
      this.#end(group);
    }
  }

  /** Gives an own turn its place in line, now: its held events go there. */
  #place(own: OwnState, first?: StreamEvent): void {
    if (own.group !== undefined) return;
    this.#clear(own);
    const held = own.held.splice(0);
    const group: Group = {
      kind: 'own',
      events: first !== undefined ? [first, ...held] : held,
      open: !own.ended,
      sent: own.done,
    };
    own.group = group;
    this.#enqueue(group);
  }

  /** Waits, at most `waitMs` from the turn's first event, for its place to come. */
  #wait(own: OwnState): void {
    if (own.timer !== undefined || this.#closed) return;
    own.timer = this.options.clock.setTimer(() => {
      own.timer = undefined;
      this.#place(own);
    }, this.options.waitMs);
  }

  #clear(own: OwnState): void {
    if (own.timer === undefined) return;
    this.options.clock.clearTimer(own.timer);
    own.timer = undefined;
  }

  #enqueue(group: Group): void {
    this.#line.push(group);
    this.#advance();
  }

  #push(group: Group, event: StreamEvent): void {
    if (this.#closed) return;
    if (this.#line[0] === group) this.send(event);
    else group.events.push(event);
  }

  #end(group: Group): void {
    group.open = false;
    if (this.#line[0] === group) this.#advance();
  }

  /** Sends what the first group holds; past a group that has ended, on to the next. */
  #advance(): void {
    for (;;) {
      const first = this.#line[0];
      if (first === undefined) break;
      for (const event of first.events.splice(0)) this.send(event);
      if (first.open) break;
      this.#line.shift();
      first.sent?.();
    }
    this.#watchStall();
  }

  /**
   * Bounds the wait behind a relayed turn in front: own turns end (the socket's turn runs to its
   * end), but a relayed turn's end may be lost.
   */
  #watchStall(): void {
    const first = this.#line[0];
    const stalling = first?.kind === 'relayed' && first.open && this.#line.length > 1;
    if (this.#stall?.group === first && stalling) return;
    this.#unstall();
    if (!stalling) return;
    const timer = this.options.clock.setTimer(() => {
      this.#stall = undefined;
      if (this.#line[0] !== first) return;
      if (this.#relaying === first) this.#relaying = undefined;
      this.#end(first);
    }, this.options.waitMs);
    this.#stall = { group: first, timer };
  }

  #unstall(): void {
    if (this.#stall === undefined) return;
    this.options.clock.clearTimer(this.#stall.timer);
    this.#stall = undefined;
  }
}
