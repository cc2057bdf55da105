import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_RETRIEVER_SETTINGS, ingestPaths, Retriever } from '../src/rag/index.js';
import { percentile } from '../src/rag/eval/metrics.js';
import { openDatabase, SqliteKnowledgeRepository } from '../src/store/index.js';
import { SyntheticCorpus } from './synthetic-corpus.js';

/** Options of {@link runRetrievalBench}. */
export interface RetrievalBenchOptions {
  /** Corpus sizes in chunks; 10k and 100k by default. */
  sizes?: number[];
  /** Measured queries per corpus. */
  queries?: number;
}

/** Figures for one corpus size. */
export interface CorpusFigures {
  chunks: number;
  files: number;
  ingest: { seconds: number; chunks_per_second: number };
  query: { queries: number; p50_ms: number; p99_ms: number; answered: number };
}

/** What `npm run bench -- retrieval` prints. */
export interface RetrievalBenchResult {
  benchmark: 'retrieval';
  node: string;
  corpora: CorpusFigures[];
  targets: { ingest_chunks_per_second: number; p50_ms: Record<string, number> };
  meets_target: Record<string, boolean>;
}

const SECTIONS_PER_FILE = 10;
const WORDS_PER_SECTION = 150;

/** Writes `chunks / 10` Markdown articles of ten sections, each section one chunk. */
export async function writeCorpus(
  dir: string,
  chunks: number,
  corpus: SyntheticCorpus,
): Promise<number> {
  const files = Math.ceil(chunks / SECTIONS_PER_FILE);
  for (let f = 0; f < files; f++) {
    const sections = Array.from(
      { length: SECTIONS_PER_FILE },
      () => `## ${corpus.text(4)}\n\n${corpus.text(WORDS_PER_SECTION)}.\n`,
    );
    await writeFile(
      join(dir, `article-${f}.md`),
      `# ${corpus.question()}\n\n${sections.join('\n')}`,
    );
  }
  return files;
}

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

/**
 * Measures the knowledge base on synthetic corpora: ingestion throughput through the real
 * pipeline (Markdown files read, parsed, chunked and stored in SQLite), then the latency of
 * customer-style questions through the real retriever, after a warm-up like a running server's.
 */
export async function runRetrievalBench(
  options: RetrievalBenchOptions = {},
): Promise<RetrievalBenchResult> {
  const sizes = options.sizes ?? [10_000, 100_000];
  const queries = options.queries ?? 500;
  const corpora: CorpusFigures[] = [];
  for (const size of sizes) {
    const corpus = new SyntheticCorpus(size);
    const dir = await mkdtemp(join(tmpdir(), 'sa-bench-kb-'));
    const db = openDatabase(':memory:');
    try {
      const files = await writeCorpus(dir, size, corpus);
      const repo = new SqliteKnowledgeRepository(db);
      const started = performance.now();
      const report = await ingestPaths(repo, [dir], {
        maxFileBytes: 10 * 1024 * 1024,
        chunk: { size: 180, overlap: 30 },
      });
      const seconds = (performance.now() - started) / 1000;
      if (report.failed.length > 0)
        throw new Error(`ingestion failed: ${report.failed[0]?.reason}`);
      const stored = (await repo.stats()).chunks;

      const retriever = new Retriever(repo, DEFAULT_RETRIEVER_SETTINGS);
      for (let i = 0; i < 100; i++) await retriever.search(corpus.question());
      const latencies: number[] = [];
      let answered = 0;
      for (let i = 0; i < queries; i++) {
        const question = corpus.question();
        const t = performance.now();
        const result = await retriever.search(question);
        latencies.push(performance.now() - t);
        if (result.hits.length > 0) answered++;
      }
      corpora.push({
        chunks: stored,
        files,
        ingest: { seconds: round(seconds), chunks_per_second: Math.round(stored / seconds) },
        query: {
          queries,
          p50_ms: round(percentile(latencies, 0.5)),
          p99_ms: round(percentile(latencies, 0.99)),
          answered,
        },
      });
    } finally {
      db.close();
      await rm(dir, { recursive: true, force: true });
    }
  }
  const p50Targets: Record<string, number> = { '10000': 1, '100000': 5 };
  const meets: Record<string, boolean> = {};
  for (const c of corpora) {
    const size = String(Math.round(c.chunks / 1000) * 1000);
    meets[`ingest_${size}`] = c.ingest.chunks_per_second >= 5_000;
    if (p50Targets[size] !== undefined) meets[`p50_${size}`] = c.query.p50_ms <= p50Targets[size];
  }
  return {
    benchmark: 'retrieval',
    node: process.version,
    corpora,
    targets: { ingest_chunks_per_second: 5_000, p50_ms: p50Targets },
    meets_target: meets,
  };
}
