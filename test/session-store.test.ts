import { describe, expect, it } from 'vitest';
import { MemorySessionStore, type SessionData } from '../src/session/index.js';
import { FakeClock } from '../src/testing/index.js';
import { sessionStoreContract } from './contracts/session-store.contract.js';

const data = (overrides: Partial<SessionData> = {}): SessionData => ({
  tokenHash: 'c'.repeat(64),
  status: 'active',
  messageCount: 0,
  lastMessageAt: null,
  metadata: {},
  ...overrides,
});

let clock = new FakeClock();
sessionStoreContract(
  'in memory',
  async ({ ttlMs }) => {
    clock = new FakeClock();
    return new MemorySessionStore({ ttlMs, clock });
  },
  (ms) => clock.advance(ms),
);

describe('MemorySessionStore', () => {
  it('evicts the least recently used session when full', async () => {
    const store = new MemorySessionStore({ maxSessions: 3, clock: new FakeClock() });
    const a = await store.create(data());
    const b = await store.create(data());
    const c = await store.create(data());
    await store.get(a.id);
    const d = await store.create(data());
    expect(store.size).toBe(3);
    expect(await store.get(b.id)).toBeNull();
    for (const { id } of [a, c, d]) expect(await store.get(id)).not.toBeNull();
    await store.touch(c.id);
    await store.create(data());
    expect(await store.get(a.id)).toBeNull();
    expect(await store.get(c.id)).not.toBeNull();
  });
});
