import { afterEach, describe, expect, it } from 'vitest';
import type { Session, SessionData, SessionStore } from '../../src/session/index.js';

/** What a test needs of a store: a fresh one, whose sessions live `ttlMs`. */
export type MakeSessionStore = (options: { ttlMs: number }) => Promise<SessionStore>;

/** Moves the store's time forward by `ms`: a fake clock's advance, or real waiting. */
export type AdvanceTime = (ms: number) => Promise<void>;

/** A promise whose outcome can be looked at before it settles, without an unhandled rejection. */
function observe<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  const done = promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return { state, done };
}

const data = (overrides: Partial<SessionData> = {}): SessionData => ({
  tokenHash: 'a'.repeat(64),
  status: 'active',
  messageCount: 0,
  lastMessageAt: null,
  metadata: { locale: 'en-GB' },
  ...overrides,
});

const dataOf = ({ tokenHash, status, messageCount, lastMessageAt, metadata }: Session) => ({
  tokenHash,
  status,
  messageCount,
  lastMessageAt,
  metadata,
});

// Short enough to wait for in real time against Redis, long enough that a slow, shared machine
// does not see a lock or session expire between two steps that expect it alive.
const TTL = 400;
const SHORT_LOCK = 200;
const LONG = 10_000;

/**
 * What every SessionStore must do. `makeStore` gives a fresh store; `advance` moves its time.
 * Stores made here are closed after each test.
 */
export function sessionStoreContract(
  name: string,
  makeStore: MakeSessionStore,
  advance: AdvanceTime,
): void {
  describe(`SessionStore contract: ${name}`, () => {
    const opened: SessionStore[] = [];
    const make = async (ttlMs = LONG * 6) => {
      const store = await makeStore({ ttlMs });
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    it('creates a session at version 1 under a new random id and reads it back', async () => {
      const store = await make();
      const first = await store.create(data());
      const second = await store.create(data());
      expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(second.id).not.toBe(first.id);
      expect(first).toMatchObject({ ...data(), version: 1 });
      expect(first.updatedAt).toBe(first.createdAt);
      expect(new Date(first.createdAt).toISOString()).toBe(first.createdAt);
      expect(await store.get(first.id)).toEqual(first);
      expect(await store.get('no-such-session')).toBeNull();
    });

    it('creates under a given id once; a second create with it is a conflict', async () => {
      const store = await make();
      const id = `given-${Math.random().toString(36).slice(2)}`;
      await store.create(data(), { id });
      await expect(store.create(data({ tokenHash: 'b'.repeat(64) }), { id })).rejects.toMatchObject(
        { code: 'conflict' },
      );
      expect((await store.get(id))?.tokenHash).toBe('a'.repeat(64));
    });

    it('updates with what mutate returns, bumping the version and keeping createdAt', async () => {
      const store = await make();
      const created = await store.create(data());
      let seen: Session | undefined;
      const updated = await store.update(created.id, (current) => {
        seen = current;
        return { ...dataOf(current), messageCount: 1, metadata: { locale: 'fr-FR' } };
      });
      expect(seen).toEqual(created);
      expect(updated).toMatchObject({ id: created.id, version: 2, messageCount: 1 });
      expect(updated.metadata).toEqual({ locale: 'fr-FR' });
      expect(updated.createdAt).toBe(created.createdAt);
      expect(await store.get(created.id)).toEqual(updated);
    });

    it('keeps its own copy: changing a returned or given object changes nothing stored', async () => {
      const store = await make();
      const given = data();
      const created = await store.create(given);
      given.metadata.locale = 'changed';
      created.metadata.locale = 'changed too';
      const read = await store.get(created.id);
      expect(read?.metadata).toEqual({ locale: 'en-GB' });
      read!.messageCount = 99;
      expect((await store.get(created.id))?.messageCount).toBe(0);
    });

    it('refuses data no session can hold, writing nothing', async () => {
      const store = await make();
      const { id } = await store.create(data());
      await expect(
        store.update(id, (s) => ({ ...dataOf(s), messageCount: -1 })),
      ).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(store.create(data({ tokenHash: '' }))).rejects.toMatchObject({
        code: 'invalid_input',
      });
      expect((await store.get(id))?.version).toBe(1);
    });

    it('fails an update of a missing session with not_found', async () => {
      const store = await make();
      await expect(store.update('missing', (s) => dataOf(s))).rejects.toMatchObject({
        code: 'not_found',
      });
    });

    it('fails a stale expectedVersion with a conflict at once, writing nothing', async () => {
      const store = await make();
      const { id } = await store.create(data());
      const increment = (s: Session) => ({ ...dataOf(s), messageCount: s.messageCount + 1 });
      await store.update(id, increment, { expectedVersion: 1 });
      await expect(store.update(id, increment, { expectedVersion: 1 })).rejects.toMatchObject({
        code: 'conflict',
      });
      expect(await store.get(id)).toMatchObject({ version: 2, messageCount: 1 });
      await store.update(id, increment, { expectedVersion: 2 });
      expect(await store.get(id)).toMatchObject({ version: 3, messageCount: 2 });
    });

    it('loses no update when 50 increments run concurrently', async () => {
      const store = await make();
      const { id } = await store.create(data());
      await Promise.all(
        Array.from({ length: 50 }, () =>
          store.update(id, (s) => ({ ...dataOf(s), messageCount: s.messageCount + 1 })),
        ),
      );
      expect(await store.get(id)).toMatchObject({ messageCount: 50, version: 51 });
    });

    it('deletes a session once', async () => {
      const store = await make();
      const { id } = await store.create(data());
      expect(await store.delete(id)).toBe(true);
      expect(await store.get(id)).toBeNull();
      expect(await store.delete(id)).toBe(false);
      expect(await store.touch(id)).toBe(false);
      await expect(store.update(id, (s) => dataOf(s))).rejects.toMatchObject({
        code: 'not_found',
      });
    });

    it('expires a session not written or touched for its time to live', async () => {
      const store = await make(TTL);
      const touched = await store.create(data());
      const written = await store.create(data());
      const idle = await store.create(data());
      await advance(TTL * 0.6);
      expect(await store.touch(touched.id)).toBe(true);
      await store.update(written.id, (s) => ({ ...dataOf(s), messageCount: 1 }));
      await advance(TTL * 0.6);
      expect(await store.get(idle.id)).toBeNull();
      expect(await store.get(touched.id)).not.toBeNull();
      expect(await store.get(written.id)).not.toBeNull();
      await advance(TTL * 1.2);
      expect(await store.get(touched.id)).toBeNull();
      expect(await store.get(written.id)).toBeNull();
      expect(await store.touch(touched.id)).toBe(false);
    });

    it('gives a lock to one holder at a time; a busy lock is rejected as retryable', async () => {
      const store = await make();
      const { id } = await store.create(data());
      const held = await store.lock(id, LONG);
      expect(held.sessionId).toBe(id);
      const busy = store.lock(id, LONG, { waitMs: 0 });
      await expect(busy).rejects.toMatchObject({ code: 'rejected', retryable: true });
      await expect(busy).rejects.toThrow(/the session is busy/);
      expect(await held.release()).toBe(true);
      const next = await store.lock(id, LONG, { waitMs: 0 });
      expect(next.token).toBe(held.token + 1);
    });

    it('locks of different sessions do not block each other', async () => {
      const store = await make();
      const a = await store.create(data());
      const b = await store.create(data());
      await store.lock(a.id, LONG);
      await expect(store.lock(b.id, LONG, { waitMs: 0 })).resolves.toMatchObject({
        sessionId: b.id,
      });
    });

    it('waits for a held lock until it is released', async () => {
      const store = await make();
      const { id } = await store.create(data());
      const held = await store.lock(id, LONG);
      const waiter = observe(store.lock(id, LONG, { waitMs: 5_000 }));
      await advance(150);
      expect(waiter.state.settled).toBe(false);
      await held.release();
      await advance(250);
      await waiter.done;
      expect(waiter.state.error).toBeUndefined();
      expect(waiter.state.value?.token).toBe(held.token + 1);
    });

    it('waits for a held lock until it expires', async () => {
      const store = await make();
      const { id } = await store.create(data());
      const held = await store.lock(id, SHORT_LOCK);
      const waiter = observe(store.lock(id, LONG, { waitMs: 5_000 }));
      await advance(SHORT_LOCK * 2);
      await waiter.done;
      expect(waiter.state.value?.token).toBe(held.token + 1);
    });

    it('gives up waiting after waitMs with a retryable rejection', async () => {
      const store = await make();
      const { id } = await store.create(data());
      await store.lock(id, LONG);
      const waiter = observe(store.lock(id, LONG, { waitMs: 300 }));
      await advance(150);
      expect(waiter.state.settled).toBe(false);
      await advance(400);
      await waiter.done;
      expect(waiter.state.error).toMatchObject({ code: 'rejected', retryable: true });
    });

    it('stops waiting when the signal aborts, without taking the lock', async () => {
      const store = await make();
      const { id } = await store.create(data());
      const held = await store.lock(id, LONG);
      const controller = new AbortController();
      const waiter = observe(store.lock(id, LONG, { waitMs: 5_000, signal: controller.signal }));
      await advance(50);
      controller.abort();
      await advance(10);
      await waiter.done;
      expect(waiter.state.error).toMatchObject({ code: 'cancelled' });
      await expect(store.lock(id, LONG, { signal: AbortSignal.abort() })).rejects.toMatchObject({
        code: 'cancelled',
      });
      expect(await held.release()).toBe(true);
      await expect(
        store.lock(id, LONG, { waitMs: 0, signal: AbortSignal.abort() }),
      ).rejects.toMatchObject({ code: 'cancelled' });
      await expect(store.lock(id, LONG, { waitMs: 0 })).resolves.toBeDefined();
    });

    it('lets only the holder extend or release a lock, and only while it holds it', async () => {
      const store = await make();
      const { id } = await store.create(data());
      const first = await store.lock(id, SHORT_LOCK);
      expect(await first.extend(LONG)).toBe(true);
      await advance(SHORT_LOCK * 2);
      await expect(store.lock(id, LONG, { waitMs: 0 })).rejects.toMatchObject({
        code: 'rejected',
      });
      expect(await first.release()).toBe(true);
      expect(await first.release()).toBe(false);
      expect(await first.extend(LONG)).toBe(false);

      const expired = await store.lock(id, SHORT_LOCK);
      await advance(SHORT_LOCK * 2);
      expect(await expired.extend(LONG)).toBe(false);
      const current = await store.lock(id, LONG, { waitMs: 0 });
      expect(await expired.release()).toBe(false);
      expect(await expired.extend(LONG)).toBe(false);
      await expect(store.lock(id, LONG, { waitMs: 0 })).rejects.toMatchObject({
        code: 'rejected',
      });
      expect(await current.release()).toBe(true);
    });

    it('issues tokens 1, 2, 3… per session, across releases and expiries', async () => {
      const store = await make();
      const a = await store.create(data());
      const b = await store.create(data());
      const tokens: number[] = [];
      const first = await store.lock(a.id, LONG);
      tokens.push(first.token);
      await first.release();
      tokens.push((await store.lock(a.id, SHORT_LOCK)).token);
      await advance(SHORT_LOCK * 2);
      tokens.push((await store.lock(a.id, LONG, { waitMs: 0 })).token);
      expect(tokens).toEqual([1, 2, 3]);
      expect((await store.lock(b.id, LONG)).token).toBe(1);
    });

    it('refuses the write of a holder whose lock expired and was taken again (fencing)', async () => {
      const store = await make();
      const { id } = await store.create(data());
      const write = (writer: string, fence: number) =>
        store.update(id, (s) => ({ ...dataOf(s), metadata: { writer } }), { fence });

      const stale = await store.lock(id, SHORT_LOCK);
      await write('first', stale.token);
      await advance(SHORT_LOCK * 2);
      // Expired, but nobody has locked since: nothing newer exists to overwrite.
      await write('first again', stale.token);

      const fresh = await store.lock(id, LONG, { waitMs: 0 });
      expect(fresh.token).toBeGreaterThan(stale.token);
      const written = await write('second', fresh.token);
      const refused = write('first, late', stale.token);
      await expect(refused).rejects.toMatchObject({ code: 'conflict' });
      await expect(refused).rejects.toThrow(/the session lock was lost/);
      expect(await store.get(id)).toEqual(written);
      await fresh.release();
      // A release does not make an old token valid again.
      await expect(write('first, later', stale.token)).rejects.toMatchObject({ code: 'conflict' });
    });

    it('answers ping when it can serve', async () => {
      const store = await make();
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
