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

/** Options of {@link runTurnBench}; the defaults are what `npm run bench -- turn` measures. */
export interface TurnBenchOptions {
  /** Chunks of the synthetic knowledge base. */
  chunks?: number;
  /** Measured extractive turns. */
  turns?: number;
  /** Extractive turns in flight at once, each on its own session. */
  concurrency?: number;
  /** Sessions each worker spreads its turns over (turns of one session run one at a time). */
  sessionsPerWorker?: number;
  /** Turns run before measuring, so that code is compiled and caches are warm. */
  warmupTurns?: number;
  /** Turns with the language model; the first fifth are not measured. */
  llmTurns?: number;
}

/** What `npm run bench -- turn` prints. */
export interface TurnBenchResult {
  benchmark: 'turn';
  /** In words: what was measured, and how. */
  measures: string;
  node: string;
  setup: {
    process: 'one Node.js process (one JavaScript thread)';
    database: 'SQLite in memory';
    /** Lexical (BM25, the in-memory index of SQLite) search; no embeddings. */
    retrieval: 'lexical';
    /** Synthetic Markdown articles of ten sections; each section (about 150 words) one chunk. */
    knowledge_base: { chunks: number; articles: number };
    questions: { source: 'synthetic'; count: number; distinct: number };
  };
  extractive: {
    turns: number;
    warmup_turns: number;
    concurrency: number;
    sessions: number;
    turns_per_session: number;
    seconds: number;
    turns_per_second: number;
    /** Process CPU time (all threads: JavaScript, SQLite, garbage collection) per turn. */
    cpu_ms_per_turn: number;
    p50_ms: number;
    p99_ms: number;
  };
  first_text_with_llm: {
    turns: number;
    sessions: number;
    /** The fake OpenAI-compatible server streams its reply with no delay. */
    model: 'fake, zero delay';
    p50_ms: number;
    p99_ms: number;
  };
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
 * Measures whole turns in one process: the user message stored, memory loaded, search over a
 * 10k-passage knowledge base, escalation, the extractive answer, facts and memories stored, the
 * reply stored. Extractive turns run `concurrency` sessions at a time (turns of one session are
 * serialised by design); then, with the fake OpenAI-compatible server streaming at zero delay,
 * the time from the request to the first `text` event, one turn at a time.
 */
export async function runTurnBench(options: TurnBenchOptions = {}): Promise<TurnBenchResult> {
  const chunkCount = options.chunks ?? 10_000;
  const turns = options.turns ?? 3_000;
  const concurrency = options.concurrency ?? 32;
  const sessionsPerWorker = options.sessionsPerWorker ?? 20;
  const warmupTurns = options.warmupTurns ?? 200;
  const llmTurns = options.llmTurns ?? 300;
  const llmWarmup = Math.floor(llmTurns / 5);
  const corpus = new SyntheticCorpus(42);
  const dir = await mkdtemp(join(tmpdir(), 'sa-bench-turn-'));
  const articles = await writeCorpus(dir, chunkCount, corpus);
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
    // The warm-up asks questions of its own: the measured ones are all new to the process.
    for (let i = 0; i < warmupTurns; i++) {
      const text = corpus.question();
      await extractive.turns.start({ sessionId: `warm-${i % 10}`, text }).result;
    }
    const questions = Array.from({ length: turns }, () => corpus.question());
    const latencies: number[] = [];
    const sessions = new Set<string>();
    let next = 0;
    const started = performance.now();
    const cpu = process.cpuUsage();
    await Promise.all(
      Array.from({ length: concurrency }, async (_, worker) => {
        while (next < turns) {
          const i = next++;
          const sessionId = `s-${worker}-${i % sessionsPerWorker}`;
          sessions.add(sessionId);
          const t = performance.now();
          await extractive.turns.start({ sessionId, text: questions[i] as string }).result;
          latencies.push(performance.now() - t);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const cpuUsed = process.cpuUsage(cpu);

    const firstText: number[] = [];
    for (let i = 0; i < llmTurns; i++) {
      const t = performance.now();
      const text = questions[i % questions.length] as string;
      const run = llm.turns.start({ sessionId: `llm-${i % 20}`, text });
      let seen = false;
      for await (const event of run.events) {
        if (!seen && event.type === 'text') {
          if (i >= llmWarmup) firstText.push(performance.now() - t);
          seen = true;
        }
      }
      await run.result;
    }

    const turnsPerSecond = Math.round(turns / seconds);
    const firstP50 = round(percentile(firstText, 0.5));
    return {
      benchmark: 'turn',
      measures:
        `Whole customer turns with the extractive responder, ${concurrency} sessions at a time ` +
        `in one process, over a ${chunks}-chunk knowledge base; then the time from the request ` +
        'to the first streamed text with a language model that answers at once.',
      node: process.version,
      setup: {
        process: 'one Node.js process (one JavaScript thread)',
        database: 'SQLite in memory',
        retrieval: 'lexical',
        knowledge_base: { chunks, articles },
        questions: { source: 'synthetic', count: turns, distinct: new Set(questions).size },
      },
      extractive: {
        turns,
        warmup_turns: warmupTurns,
        concurrency,
        sessions: sessions.size,
        turns_per_session: round(turns / Math.max(1, sessions.size)),
        seconds: round(seconds),
        turns_per_second: turnsPerSecond,
        cpu_ms_per_turn: round((cpuUsed.user + cpuUsed.system) / 1000 / turns),
        p50_ms: round(percentile(latencies, 0.5)),
        p99_ms: round(percentile(latencies, 0.99)),
      },
      first_text_with_llm: {
        turns: firstText.length,
        sessions: Math.min(20, llmTurns),
        model: 'fake, zero delay',
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
