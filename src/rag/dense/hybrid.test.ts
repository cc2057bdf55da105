import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../../store/sqlite/database.js';
import {
  hashEmbedding,
  startFakeOpenAi,
  type FakeOpenAi,
} from '../../testing/fake-openai-server.js';
import { reciprocalRankFusion } from './fusion.js';
import { createOpenAiEmbedder } from './openai-embedder.js';
import { SqliteVectorIndex } from './vector-index.js';

/**
 * The stand-in for a real embedding model: what such a model learns is that "refund" and "money
 * back" mean the same. Here a synonym table says so — each group of synonyms owns one dimension —
 * and every other word falls into the fake server's word-hash dimensions, so texts that share
 * only ordinary words stay far apart.
 */
const SYNONYMS: RegExp[] = [/\brefunds?\b|\bmoney back\b/g, /\bcancel\w*|\bterminat\w*/g];
const CONCEPT_WEIGHT = 2;

function synonymEmbedding(text: string): number[] {
  let rest = text.toLowerCase();
  const concepts = SYNONYMS.map((pattern) => {
    const matches = rest.match(pattern)?.length ?? 0;
    rest = rest.replace(pattern, ' ');
    return CONCEPT_WEIGHT * Math.min(matches, 1);
  });
  return [...concepts, ...hashEmbedding(rest)];
}

const CORPUS = [
  { chunkId: 1, text: 'Passwords: to change your password, open Settings and choose Security.' },
  { chunkId: 2, text: 'Money back: we return the full price within 30 days of purchase.' },
  { chunkId: 3, text: 'Shipping: parcels leave our warehouse within two working days.' },
  { chunkId: 4, text: 'Cancelling your subscription: open Billing and press Cancel plan.' },
  { chunkId: 5, text: 'How do gift cards work? Gift cards never expire and work in every store.' },
  { chunkId: 6, text: 'Contracts: your contract renews every year on the date you signed it.' },
];
type Chunk = (typeof CORPUS)[number];

const words = (text: string) => new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);

/** The simplest lexical ranking: chunks sharing more words with the question first. */
function lexicalRanking(question: string): Chunk[] {
  const asked = words(question);
  return CORPUS.map((chunk) => ({
    chunk,
    overlap: [...words(chunk.text)].filter((w) => asked.has(w)).length,
  }))
    .filter((scored) => scored.overlap > 0)
    .sort((a, b) => b.overlap - a.overlap)
    .map((scored) => scored.chunk);
}

let fake: FakeOpenAi;
let db: SqliteDatabase;
let index: SqliteVectorIndex;
let embed: (text: string) => Promise<Float32Array>;

beforeAll(async () => {
  fake = await startFakeOpenAi({ embed: synonymEmbedding });
  const embedder = createOpenAiEmbedder({ baseUrl: fake.url, model: 'synonyms', batchSize: 4 });
  const vectors = await embedder.embed(CORPUS.map((chunk) => chunk.text));
  db = openDatabase(':memory:');
  // A vector is kept only for a stored chunk.
  db.prepare(
    `INSERT INTO documents (id, scope, source, doc_key, title, format, file_hash, content_hash,
       chunk_count, created_at, updated_at) VALUES ('doc', 'kb', 'help.md', '', 'Help', 'markdown', 'h', 'h', 0, '', '')`,
  ).run();
  for (const chunk of CORPUS) {
    db.prepare(
      `INSERT INTO chunks (id, document_id, scope, ordinal, title, heading_path, text)
       VALUES (?, 'doc', 'kb', 0, 'Help', '', ?)`,
    ).run(chunk.chunkId, chunk.text);
  }
  index = new SqliteVectorIndex(db);
  index.configure(embedder.model, vectors[0]?.length ?? 0);
  index.upsert(CORPUS.map((chunk, i) => ({ chunkId: chunk.chunkId, vector: vectors[i]! })));
  embed = async (text) => (await embedder.embed([text]))[0]!;
});

afterAll(async () => {
  db.close();
  await fake.close();
});

describe('hybrid retrieval: lexical and dense rankings fused', () => {
  it.each([
    { question: 'How do refunds work?', answer: 2 },
    { question: 'How can I terminate my contract?', answer: 4 },
  ])(
    'finds the answer to "$question" that shares no word with it',
    async ({ question, answer }) => {
      const lexical = lexicalRanking(question);
      expect(lexical.length).toBeGreaterThan(0);
      expect(lexical.map((chunk) => chunk.chunkId)).not.toContain(answer);

      const dense = index
        .search(await embed(question), { limit: 5 })
        .map((hit) => CORPUS.find((chunk) => chunk.chunkId === hit.chunkId)!);
      expect(dense[0]?.chunkId).toBe(answer);

      const fused = reciprocalRankFusion([lexical, dense]);
      expect(
        fused.slice(0, 3).map((f) => f.item.chunkId),
        'the answer is among the top 3 after fusion',
      ).toContain(answer);
    },
  );
});
