import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppError } from '../../errors/index.js';
import { openDatabase } from '../../store/sqlite/database.js';
import { SqliteKnowledgeRepository } from '../../store/sqlite/sqlite-knowledge-repository.js';
import type { ChunkOptions } from '../chunk/index.js';
import { ingestPaths } from '../ingest/ingest.js';
import type { ParseLimits, ParseWorkers } from '../parse/index.js';
import { Retriever, type RetrieverSettings } from '../search/retriever.js';
import type { Synonyms } from '../search/synonyms.js';
import { mrrAt, ndcgAt, percentile, recallAt } from './metrics.js';

/** What `support-agent eval retrieval` prints. */
export interface RetrievalEvaluation {
  dataset: string;
  queries: number;
  documents: number;
  chunks: number;
  'ndcg@10': number;
  'recall@10': number;
  'mrr@10': number;
  /** Share of queries for which the search answered "nothing relevant". */
  noAnswerRate: number;
  latencyMs: { p50: number; p99: number };
  settings: RetrieverSettings & { chunk: Required<ChunkOptions>; relevanceFloor: boolean };
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new AppError(
      'invalid_input',
      `${path} ${code === 'ENOENT' ? 'does not exist' : 'cannot be read'}: a BEIR folder holds corpus.jsonl, queries.jsonl and qrels/test.tsv`,
    );
  }
}

/** Reads `qrels/test.tsv`: query id → (document id → grade). */
function parseQrels(text: string): Map<string, Map<string, number>> {
  const qrels = new Map<string, Map<string, number>>();
  for (const [i, line] of text.split('\n').entries()) {
    const [query, doc, grade] = line.trim().split('\t');
    if (!query || !doc || grade === undefined || (i === 0 && Number.isNaN(Number(grade)))) continue;
    if (!qrels.has(query)) qrels.set(query, new Map());
    qrels.get(query)?.set(doc, Number(grade));
  }
  return qrels;
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/**
 * Measures retrieval on a BEIR-format folder: ingests `corpus.jsonl` into a temporary in-memory
 * store through the real ingestion pipeline, runs every judged query of `queries.jsonl` through
 * the real retriever, and scores the ranking of documents against `qrels/test.tsv`. The corpus
 * is read by `workers` within `limits` (see `IngestOptions`): `support-agent eval retrieval`
 * gives those of its configuration (`PARSE_*`), as ingestion does.
 */
export async function evaluateRetrieval(
  dir: string,
  options: {
    settings: RetrieverSettings;
    chunk: Required<ChunkOptions>;
    relevanceFloor?: boolean;
    /** The built-in support vocabulary when omitted. */
    synonyms?: Synonyms;
    /** The parse workers that read the corpus; default, a set with the default settings. */
    workers?: ParseWorkers;
    /** How much the parsers may read of the corpus; the defaults for those not given. */
    limits?: Partial<ParseLimits>;
  },
): Promise<RetrievalEvaluation> {
  const queriesText = await readText(join(dir, 'queries.jsonl'));
  const qrels = parseQrels(await readText(join(dir, 'qrels', 'test.tsv')));
  // Sources are stored by absolute path: the corpus is looked up by the same.
  const corpus = resolve(dir, 'corpus.jsonl');
  await readText(corpus);

  const db = openDatabase(':memory:');
  try {
    const repo = new SqliteKnowledgeRepository(db);
    const report = await ingestPaths(repo, [corpus], {
      maxFileBytes: 2 ** 31,
      chunk: options.chunk,
      ...(options.workers ? { workers: options.workers } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
    });
    if (report.failed.length > 0) {
      throw new AppError(
        'invalid_input',
        `The corpus could not be ingested: ${report.failed.map((f) => f.reason).join('; ')}`,
      );
    }
    const keyOf = new Map((await repo.documentsOf('kb', corpus)).map((d) => [d.id, d.docKey]));
    const stats = await repo.stats('kb');
    const retriever = new Retriever(repo, options.settings, undefined, options.synonyms);
    const floor = options.relevanceFloor ?? true;

    let ndcg = 0;
    let recall = 0;
    let mrr = 0;
    let unanswered = 0;
    let count = 0;
    const latencies: number[] = [];
    for (const line of queriesText.split('\n')) {
      if (line.trim() === '') continue;
      const query = JSON.parse(line) as { _id: string; text: string };
      const judged = qrels.get(query._id);
      if (!judged) continue;
      const started = performance.now();
      const result = await retriever.search(query.text, {
        topK: 10 * options.settings.maxPerDocument,
        noFloor: !floor,
      });
      latencies.push(performance.now() - started);
      const ranked = [...new Set(result.hits.map((h) => keyOf.get(h.documentId) ?? ''))].slice(
        0,
        10,
      );
      if (ranked.length === 0) unanswered++;
      ndcg += ndcgAt(ranked, judged, 10);
      recall += recallAt(ranked, judged, 10);
      mrr += mrrAt(ranked, judged, 10);
      count++;
    }
    if (count === 0)
      throw new AppError('invalid_input', `No query in ${dir} has judgements in qrels/test.tsv`);
    return {
      dataset: dir,
      queries: count,
      documents: stats.documents,
      chunks: stats.chunks,
      'ndcg@10': round(ndcg / count),
      'recall@10': round(recall / count),
      'mrr@10': round(mrr / count),
      noAnswerRate: round(unanswered / count),
      latencyMs: {
        p50: round(percentile(latencies, 0.5)),
        p99: round(percentile(latencies, 0.99)),
      },
      settings: { ...options.settings, chunk: options.chunk, relevanceFloor: floor },
    };
  } finally {
    db.close();
  }
}
