import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { ingestPaths } from '../src/rag/index.js';
import { percentile } from '../src/rag/eval/metrics.js';
import { startFakeOpenAi } from '../src/testing/fake-openai-server.js';
import { writeCorpus } from './retrieval.js';
import { SyntheticCorpus } from './synthetic-corpus.js';

/** What `npm run bench -- turn` prints. */
export interface TurnBenchResult {
  benchmark: 'turn';
  node: string;
  chunks: number;
  extractive: {
    turns: number;
    concurrency: number;
    seconds: number;
    turns_per_second: number;
    p50_ms: number;
    p99_ms: number;
  };
  first_text_with_llm: { turns: number; p50_ms: number; p99_ms: number };
  targets: { turns_per_second: number; first_text_p50_ms: number };
  meets_target: { turns_per_second: boolean; first_text_p50_ms: boolean };
}

async function withKnowledgeBase(app: App, dir: string): Promise<number> {
  const report = await ingestPaths(app.knowledge, [dir], {
    maxFileBytes: 10 * 1024 * 1024,
    chunk: { size: 180, overlap: 30 },
  });
  if (report.failed.length > 0) throw new Error(`ingestion failed: ${report.failed[0]?.reason}`);
  return (await app.knowledge.stats()).chunks;
}

const round = (x: number) => Number(x.toFixed(3));

/**
 * Measures whole turns in one process: memory, search over a 10k-passage knowledge base,
 * escalation, the answer, facts and storage. Extractive turns run many sessions concurrently
 * (turns of one session are serialised by design); then, with the fake OpenAI-compatible server
 * streaming at zero delay, the time from the request to the first `text` event.
 */
export async function runTurnBench(
  options: { turns?: number; concurrency?: number } = {},
): Promise<TurnBenchResult> {
  const turns = options.turns ?? 3_000;
  const concurrency = options.concurrency ?? 32;
  const corpus = new SyntheticCorpus(42);
  const dir = await mkdtemp(join(tmpdir(), 'sa-bench-turn-'));
  await writeCorpus(dir, 10_000, corpus);
  const fake = await startFakeOpenAi();
  const base = { LOG_LEVEL: 'silent' };
  const extractive = createApp(loadConfig({ env: base }), { databasePath: ':memory:' });
  const llm = createApp(
    loadConfig({ env: { ...base, LLM_BASE_URL: fake.url, LLM_MODEL: 'fake' } }),
    {
      databasePath: ':memory:',
    },
  );
  try {
    const chunks = await withKnowledgeBase(extractive, dir);
    await withKnowledgeBase(llm, dir);
    const questions = Array.from({ length: turns }, () => corpus.question());

    for (let i = 0; i < 200; i++)
      await extractive.turns.start({ sessionId: `warm-${i % 10}`, text: questions[i]! }).result;
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async (_, worker) => {
        while (next < turns) {
          const i = next++;
          const t = performance.now();
          await extractive.turns.start({ sessionId: `s-${worker}-${i % 20}`, text: questions[i]! })
            .result;
          latencies.push(performance.now() - t);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;

    const firstText: number[] = [];
    for (let i = 0; i < 300; i++) {
      const t = performance.now();
      const run = llm.turns.start({ sessionId: `llm-${i % 20}`, text: questions[i]! });
      let seen = false;
      for await (const event of run.events) {
        if (!seen && event.type === 'text') {
          if (i >= 50) firstText.push(performance.now() - t);
          seen = true;
        }
      }
      await run.result;
    }

    const turnsPerSecond = Math.round(turns / seconds);
    const firstP50 = round(percentile(firstText, 0.5));
    return {
      benchmark: 'turn',
      node: process.version,
      chunks,
      extractive: {
        turns,
        concurrency,
        seconds: round(seconds),
        turns_per_second: turnsPerSecond,
        p50_ms: round(percentile(latencies, 0.5)),
        p99_ms: round(percentile(latencies, 0.99)),
      },
      first_text_with_llm: {
        turns: firstText.length,
        p50_ms: firstP50,
        p99_ms: round(percentile(firstText, 0.99)),
      },
      targets: { turns_per_second: 1_000, first_text_p50_ms: 10 },
      meets_target: {
        turns_per_second: turnsPerSecond >= 1_000,
        first_text_p50_ms: firstP50 <= 10,
      },
    };
  } finally {
    await extractive.close();
    await llm.close();
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  }
}
