import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../config/index.js';
import { AppError } from '../errors/index.js';
import { createLogger } from '../telemetry/index.js';
import { FakeClock } from '../testing/index.js';
import { defineTool, ToolRegistry } from '../tools/index.js';
import { noopObserver } from './observer.js';
import { ToolStatsObserver } from './tool-stats.js';

/** A registry on a fake clock whose calls are counted by a stats observer. */
function setup(env: Record<string, string> = {}) {
  const clock = new FakeClock();
  const stats = new ToolStatsObserver(noopObserver);
  const config = loadConfig({ env: { TOOL_RETRY_ATTEMPTS: '1', ...env } });
  const tools = new ToolRegistry({
    config: config.tools,
    logger: createLogger({ level: 'silent' }),
    clock,
    observer: stats,
  });
  return { clock, stats, tools };
}

/** A tool that takes `ms` of the clock's time per call, then fails or answers. */
function timed(clock: FakeClock, durations: () => number, fail = false) {
  return defineTool({
    name: 'timed',
    description: 'takes a given time',
    input: z.object({}),
    async execute() {
      await new Promise<void>((resolve) => clock.setTimer(resolve, durations()));
      if (fail) throw new AppError('upstream_unavailable', 'down', { retryable: true });
      return 'done';
    },
  });
}

describe('the latency figures of a tool', () => {
  it('leave out calls the tool never ran: a refusal by the breaker or the cap is not a latency', async () => {
    const { clock, stats, tools } = setup({ TOOL_BREAKER_THRESHOLD: '2' });
    tools.register(timed(clock, () => 200, true));
    for (let i = 0; i < 2; i++) await clock.run(tools.call('timed', {}));
    expect(tools.breaker('timed').state).toBe('open');
    // While the breaker is open, many more calls are refused at once, in 0 ms.
    for (let i = 0; i < 8; i++) {
      expect(await clock.run(tools.call('timed', {}))).toMatchObject({ type: 'circuit_open' });
    }
    // And input the tool never saw.
    expect(await clock.run(tools.call('timed', 'not an object'))).toMatchObject({
      type: 'error',
      code: 'invalid_input',
    });
    expect(stats.stats('timed')).toEqual({
      calls: 11,
      failures: 11,
      p50Ms: 200,
      p95Ms: 200,
      lastOutcome: 'error',
    });
  });

  it('leave out a call its caller cancelled: how long it ran before is no latency of the tool', async () => {
    const { clock, stats, tools } = setup();
    let n = 0;
    tools.register(timed(clock, () => (++n === 1 ? 300 : 60_000)));
    await clock.run(tools.call('timed', {}));
    for (let i = 0; i < 2; i++) {
      const controller = new AbortController();
      const cancelled = tools.call('timed', {}, { signal: controller.signal });
      await clock.advance(5);
      controller.abort();
      expect(await cancelled).toMatchObject({ type: 'cancelled', attempts: 1, durationMs: 5 });
    }
    expect(stats.stats('timed')).toMatchObject({ calls: 3, p50Ms: 300, p95Ms: 300 });
  });

  it('have no percentiles while every call was refused', async () => {
    const { clock, stats, tools } = setup({ TOOL_CONCURRENCY: '1', TOOL_QUEUE: '0' });
    let calls = 0;
    tools.register(timed(clock, () => (calls++ === 0 ? 60_000 : 10)));
    const running = tools.call('timed', {});
    expect(await tools.call('timed', {})).toMatchObject({ type: 'rejected' });
    expect(stats.stats('timed')).toMatchObject({ calls: 1, p50Ms: null, p95Ms: null });
    await clock.run(running);
  });

  it('give the nearest-rank percentile: one slow call in twenty is not the p95', async () => {
    const { clock, stats, tools } = setup();
    let n = 0;
    // Nineteen calls of 10 ms and one of 1 s: 95% of the calls took 10 ms or less.
    tools.register(timed(clock, () => (++n === 7 ? 1_000 : 10)));
    for (let i = 0; i < 20; i++) await clock.run(tools.call('timed', {}));
    expect(stats.stats('timed')).toMatchObject({ calls: 20, p50Ms: 10, p95Ms: 10 });
    // A twenty-first call of 1 s: now more than 5% of the calls took 1 s.
    n = 6;
    await clock.run(tools.call('timed', {}));
    expect(stats.stats('timed')).toMatchObject({ calls: 21, p50Ms: 10, p95Ms: 1_000 });
  });

  it('are taken over the last 256 calls only', async () => {
    const { clock, stats, tools } = setup();
    let slow = true;
    tools.register(timed(clock, () => (slow ? 500 : 20)));
    for (let i = 0; i < 256; i++) await clock.run(tools.call('timed', {}));
    expect(stats.stats('timed')).toMatchObject({ p50Ms: 500, p95Ms: 500 });
    slow = false;
    for (let i = 0; i < 256; i++) await clock.run(tools.call('timed', {}));
    expect(stats.stats('timed')).toMatchObject({ calls: 512, p50Ms: 20, p95Ms: 20 });
  });
});
