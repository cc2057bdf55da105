import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { FakeClock, flushPromises } from '../src/testing/index.js';

describe('forgetting old memories', () => {
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
});
