import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { FakeClock, flushPromises } from '../src/testing/index.js';

describe('the hourly sweep', () => {
  it('forgets memories older than MEMORY_MAX_AGE_DAYS at start and then every hour', async () => {
    const clock = new FakeClock(Date.UTC(2026, 5, 1));
    const app = createApp(loadConfig({ env: { LOG_LEVEL: 'silent', MEMORY_MAX_AGE_DAYS: '7' } }), {
      databasePath: ':memory:',
      clock,
    });
    const at = (daysAgo: number) => new Date(clock.now() - daysAgo * 86_400_000).toISOString();
    await app.conversations.remember({
      sessionId: 's',
      type: 'fact',
      content: 'Order number: 1',
      importance: 0.8,
      createdAt: at(10),
    });
    await app.conversations.remember({
      sessionId: 's',
      type: 'fact',
      content: 'Order number: 2',
      importance: 0.8,
      createdAt: at(6.9),
    });

    app.start();
    await flushPromises();
    expect((await app.conversations.memories('s')).map((m) => m.content)).toEqual([
      'Order number: 2',
    ]);

    await clock.advance(3_600_000); // an hour later the second one is still younger than 7 days
    expect(await app.conversations.memories('s')).toHaveLength(1);
    await clock.advance(3 * 3_600_000); // 6.9 days + 4 hours: past the limit at the next sweep
    expect(await app.conversations.memories('s')).toEqual([]);
    await app.close();
  });

  it('lets go of webhook events seven days after they were delivered, never before', async () => {
    const clock = new FakeClock(Date.UTC(2026, 5, 1));
    const app = createApp(loadConfig({ env: { LOG_LEVEL: 'silent' } }), {
      databasePath: ':memory:',
      clock,
    });
    const at = (daysAgo: number) => new Date(clock.now() - daysAgo * 86_400_000).toISOString();
    const old = await app.conversations.enqueue({ topic: 't', payload: { n: 1 } });
    const recent = await app.conversations.enqueue({ topic: 't', payload: { n: 2 } });
    const pending = await app.conversations.enqueue({ topic: 't', payload: { n: 3 } });
    await app.conversations.markDelivered(old.id, at(8));
    await app.conversations.markDelivered(recent.id, at(6.9));

    app.start();
    await flushPromises();
    // The sweep at start let the 8-day-old one go and kept the one delivered 6.9 days ago:
    // deleting what is left takes exactly one.
    expect(await app.conversations.dueOutbox(at(-1), 10)).toMatchObject([{ id: pending.id }]);
    expect(await app.conversations.forgetDeliveredBefore(at(-1))).toBe(1);
    await app.close();
  });
});
