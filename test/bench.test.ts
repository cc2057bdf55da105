import { describe, expect, it } from 'vitest';
import { runHttpBench } from '../bench/http.js';
import { runTurnBench } from '../bench/turn.js';
import { runWrapperBench } from '../bench/wrapper.js';

// Timings are for `npm run bench`; this only keeps the benchmark honest and working: every
// wrapped call returns the right value and every recorded call's span reaches the exporter.
describe('wrapper benchmark', () => {
  it('measures three variants over correct calls', async () => {
    const result = await runWrapperBench({ rounds: 2, callsPerRound: 500, warmupCalls: 100 });
    expect(result.failures).toBe(0);
    expect(result.log_lines).toBe(0);
    expect(result.spans_exported).toBe(result.spans_expected);
    expect(result.samples.wrapped_recording).toHaveLength(2);
    for (const figure of [result.bare, result.wrapped_not_recording, result.wrapped_recording]) {
      expect(figure).toBeGreaterThan(0);
    }
  });
});

describe('turn benchmark', () => {
  it('runs every turn and says what it measured', async () => {
    const result = await runTurnBench({
      chunks: 200,
      turns: 60,
      concurrency: 4,
      sessionsPerWorker: 3,
      warmupTurns: 10,
      llmTurns: 10,
    });
    expect(result.setup).toMatchObject({
      database: 'SQLite in memory',
      knowledge_base: { chunks: 200, articles: 20 },
      questions: { count: 60 },
    });
    expect(result.extractive).toMatchObject({ turns: 60, concurrency: 4, sessions: 12 });
    expect(result.extractive.turns_per_second).toBeGreaterThan(0);
    expect(result.extractive.cpu_ms_per_turn).toBeGreaterThan(0);
    expect(result.first_text_with_llm.turns).toBe(8);
    expect(result.first_text_with_llm.p50_ms).toBeGreaterThan(0);
  });
});

describe('http benchmark', () => {
  it('measures the bare route, the product and the idle feeds over real sockets', async () => {
    // Small and short: this only keeps `npm run bench -- http` working and its figures derived
    // from what it measured; the figures themselves come from the full run.
    const result = await runHttpBench({
      seconds: 0.5,
      warmupSeconds: 0.2,
      connections: 4,
      sessions: 8,
      // More than STREAMS_PER_ADDRESS allows by default: the benchmark stands for many customers.
      idle: 60,
      chunks: 300,
    });
    expect(result.failures).toBe(0);
    expect(result.chunks).toBe(300);
    for (const load of [result.bare_route, result.messages, result.session_read]) {
      expect(load.requests).toBeGreaterThan(0);
    }
    expect(result.store_and_search.requests).toBeGreaterThan(0);
    expect(result.messages.cpuMsPerMessage).toBeGreaterThan(0);
    expect(result.bare_route.cpuMsPerRequest).toBeGreaterThan(0);
    expect(result.cpu_ratio).toBeGreaterThan(0);
    expect(result.store_and_search.cpuMsPerRequest).toBeGreaterThan(0);
    expect(result.ratio).toBeCloseTo(result.messages.perSecond / result.bare_route.perSecond, 2);
    expect(result.idle_sse.connections).toBe(60);
    expect(result.idle_sse.rss_after_mb).toBeGreaterThan(0);
    expect(result.meets_target.ratio).toBe(result.ratio >= result.targets.ratio);
  }, 60_000);
});
