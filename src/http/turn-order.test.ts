import { describe, expect, it } from 'vitest';
import { FakeClock } from '../testing/index.js';
import { TurnOrder } from './turn-order.js';

type Event = { type: string } & Record<string, unknown>;

/** A turn's events as the session's channel carries them, opened by the customer's message. */
function channelTurn(turnId: string, requestId: string, seq: number): Event[] {
  return [
    { type: 'customer_message', turnId, requestId, message: { seq } },
    { type: 'start', turnId, requestId },
    { type: 'text', delta: turnId },
    { type: 'complete', message: { id: `${turnId}-reply` } },
  ];
}

/** The same turn as the socket that runs it sends it: without the customer's message. */
function ownEvents(turnId: string, requestId: string): Event[] {
  return channelTurn(turnId, requestId, 0).slice(1);
}

/** What a socket sent, as `type:turn` labels (the turn of `start`, `text` and `complete`). */
function labels(sent: Event[]): string[] {
  return sent.map((e) => {
    const turn = e.turnId ?? e.delta ?? String((e.message as { id?: string }).id).split('-')[0];
    return `${e.type}:${String(turn)}`;
  });
}

function setup(waitMs = 1_000) {
  const clock = new FakeClock();
  const sent: Event[] = [];
  const order = new TurnOrder((event) => sent.push(event), { clock, waitMs });
  return { clock, sent, order };
}

describe('TurnOrder', () => {
  it("holds the socket's own turn until the earlier turn relayed late has gone out", async () => {
    const { sent, order } = setup();
    const own = order.own('r-own');
    // The socket's turn runs before the laptop's turn, stored first, has come through.
    for (const event of ownEvents('mine', 'r-own')) own.send(event);
    const ended = own.end();
    expect(sent).toEqual([]);
    for (const event of channelTurn('laptop', 'r-laptop', 1)) order.relayed(event);
    expect(sent).toHaveLength(4);
    // Its own copy on the channel places it: sent once, after the laptop's, opened by the
    // customer's message as stored (the one event the socket learns only from the channel).
    for (const event of channelTurn('mine', 'r-own', 3)) order.relayed(event);
    await ended;
    expect(labels(sent)).toEqual([
      'customer_message:laptop',
      'start:laptop',
      'text:laptop',
      'complete:laptop',
      'customer_message:mine',
      'start:mine',
      'text:mine',
      'complete:mine',
    ]);
  });

  it('keeps a turn relayed while its own turn runs until that turn has ended', async () => {
    const { sent, order } = setup();
    const own = order.own('r-own');
    const events = ownEvents('mine', 'r-own');
    own.send(events[0] as Event);
    for (const event of channelTurn('mine', 'r-own', 1)) order.relayed(event);
    // The next turn, stored after this one, comes through before the socket sent this one's end.
    for (const event of channelTurn('laptop', 'r-laptop', 3)) order.relayed(event);
    for (const event of events.slice(1)) own.send(event);
    await own.end();
    expect(labels(sent)).toEqual([
      'customer_message:mine',
      'start:mine',
      'text:mine',
      'complete:mine',
      'customer_message:laptop',
      'start:laptop',
      'text:laptop',
      'complete:laptop',
    ]);
  });

  it('sends its own turn after `waitMs` when the relay is lost, and the late turn after it', async () => {
    const { clock, sent, order } = setup(1_000);
    const own = order.own('r-own');
    for (const event of ownEvents('mine', 'r-own')) own.send(event);
    let done = false;
    void own.end().then(() => (done = true));
    await clock.advance(999);
    expect(sent).toEqual([]);
    expect(done).toBe(false);
    await clock.advance(1);
    expect(done).toBe(true);
    expect(labels(sent)).toEqual(['start:mine', 'text:mine', 'complete:mine']);
    // The earlier turn comes at last, and its own copy after it: the turn is not sent twice.
    for (const event of channelTurn('laptop', 'r-laptop', 1)) order.relayed(event);
    for (const event of channelTurn('mine', 'r-own', 3)) order.relayed(event);
    expect(sent).toHaveLength(7);
    expect(labels(sent).slice(3)).toEqual([
      'customer_message:laptop',
      'start:laptop',
      'text:laptop',
      'complete:laptop',
    ]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps a replay out of a relayed turn, and stops waiting when that turn never ends', async () => {
    const { clock, sent, order } = setup(1_000);
    const [opening, start, text] = channelTurn('laptop', 'r-laptop', 1);
    for (const event of [opening, start] as Event[]) order.relayed(event);
    order.aside(ownEvents('replayed', 'r-old'));
    order.relayed(text as Event);
    expect(labels(sent)).toEqual(['customer_message:laptop', 'start:laptop', 'text:laptop']);
    // The laptop's `complete` is lost.
    await clock.advance(1_000);
    expect(labels(sent).slice(3)).toEqual(['start:replayed', 'text:replayed', 'complete:replayed']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('sends a turn of its own that could not be stored once its `start` comes through', async () => {
    const { clock, sent, order } = setup();
    const own = order.own('r-own');
    const failed: Event[] = [
      { type: 'start', turnId: 'mine', requestId: 'r-own' },
      { type: 'error', code: 'internal', message: 'The message could not be stored' },
    ];
    for (const event of failed) own.send(event);
    const ended = own.end();
    for (const event of failed) order.relayed(event);
    await ended;
    expect(sent).toEqual(failed);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps a bounded number of its turns whose relay was lost, the newest', async () => {
    const { clock, sent, order } = setup(1_000);
    // Redis is away for good: each of 100 turns goes out after its wait, and none is relayed.
    for (let i = 0; i < 100; i++) {
      const own = order.own(`r-${i}`);
      for (const event of ownEvents(`t${i}`, `r-${i}`)) own.send(event);
      const ended = own.end();
      await clock.advance(1_000);
      await ended;
    }
    expect(sent).toHaveLength(300);
    expect(order.awaitingRelay).toBeLessThanOrEqual(17);
    // The relay is back: a late copy of a recent turn is still known and not sent twice.
    for (const event of channelTurn('t99', 'r-99', 200)) order.relayed(event);
    expect(sent).toHaveLength(300);
    expect(clock.pendingTimers).toBe(0);
  });

  it('frees a turn that never ran, and everything on close', async () => {
    const { clock, sent, order } = setup();
    order.own('refused').cancel();
    for (const event of channelTurn('laptop', 'r-laptop', 1)) order.relayed(event);
    expect(sent).toHaveLength(4);
    const own = order.own('r-own');
    own.send(ownEvents('mine', 'r-own')[0] as Event);
    const ended = own.end();
    order.close();
    await ended;
    expect(sent).toHaveLength(4);
    expect(clock.pendingTimers).toBe(0);
  });
});
