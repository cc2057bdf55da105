import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { ingestPaths } from '../src/rag/index.js';
import { queryTerms } from '../src/rag/search/query-terms.js';
import {
  openDatabase,
  SqliteKnowledgeRepository,
  type DocumentInput,
  type LexicalQuery,
  type SqliteDatabase,
} from '../src/store/index.js';
import { splitHeadingPath } from '../src/store/heading-path.js';
import { STATEMENT_TITLE_STOP_WEIGHT, titleAsks } from '../src/store/lexical/search-text.js';
import { STOP_WORDS } from '../src/store/lexical/stop-words.js';
import { COVIDFAQ } from './helpers/covidfaq.js';

const opened: SqliteDatabase[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) db.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function open(path = ':memory:'): SqliteDatabase {
  const db = openDatabase(path);
  opened.push(db);
  return db;
}

/**
 * FTS5 over the same chunks, queried as the repository did before its index moved to memory:
 * the reference the in-memory index must rank exactly like. One rule FTS5 does not have is
 * added on top: a stop word's title match counts STATEMENT_TITLE_STOP_WEIGHT where neither the
 * title nor a heading asks, and where one does, its idf is at most its idf among the chunks
 * whose titles ask, times the share of chunks whose titles ask. FTS5's bm25 is a sum over the query's phrases, each its idf times a part
 * that the idf does not change: the title score of each stop word is taken apart, scaled, and
 * summed again.
 */
function fts5Reference(db: SqliteDatabase) {
  db.exec(`
    CREATE VIRTUAL TABLE reference_fts USING fts5 (title, heading_path, text,
      content = 'chunks', content_rowid = 'id', tokenize = 'porter unicode61 remove_diacritics 2');
    CREATE VIRTUAL TABLE reference_titles USING fts5 (title, heading_path,
      content = 'chunks', content_rowid = 'id', tokenize = 'porter unicode61 remove_diacritics 2');
    INSERT INTO reference_fts (reference_fts) VALUES ('rebuild');
    INSERT INTO reference_titles (reference_titles) VALUES ('rebuild');`);
  const quote = (term: string) => `"${term.replaceAll('"', '""')}"`;
  const count = db.prepare<[string, number], { n: number }>(
    'SELECT COUNT(*) AS n FROM (SELECT rowid FROM reference_fts WHERE reference_fts MATCH ? LIMIT ?)',
  );
  const whole = db.prepare<[string], { id: number; s: number }>(
    'SELECT rowid AS id, bm25(reference_fts) AS s FROM reference_fts WHERE reference_fts MATCH ?',
  );
  const titles = db.prepare<[string], { id: number; s: number }>(
    'SELECT rowid AS id, bm25(reference_titles) AS s FROM reference_titles WHERE reference_titles MATCH ?',
  );
  const asks = new Map(
    db
      .prepare<[], { id: number; title: string; heading_path: string }>(
        'SELECT id, title, heading_path FROM chunks',
      )
      .all()
      .map((c) => [c.id, titleAsks(c.title, splitHeadingPath(c.heading_path))]),
  );
  const titleScores = (terms: string[]) =>
    new Map(
      terms.length === 0
        ? []
        : titles.all(terms.map(quote).join(' OR ')).map((row) => [row.id, row.s]),
    );
  const rows = asks.size;
  const asking = [...asks.values()].filter(Boolean).length;
  // FTS5's idf: ln((N − n + 0.5) / (n + 0.5)), 1e-6 when that is not positive.
  const idf = (n: number, matches: number) => {
    const value = Math.log((n - matches + 0.5) / (matches + 0.5));
    return value <= 0 ? 1e-6 : value;
  };
  /** Each chunk's title score of the stop words, each word's scaled by the rule above. */
  const stopTitleScores = (terms: string[]) => {
    const out = new Map<number, number>();
    for (const term of terms) {
      const matches = titles.all(quote(term));
      const titleIdf = idf(rows, matches.length);
      const askingIdf = idf(asking, matches.filter((row) => asks.get(row.id)).length);
      for (const row of matches) {
        const factor = asks.get(row.id)
          ? ((Math.min(titleIdf, askingIdf) / titleIdf) * asking) / rows
          : STATEMENT_TITLE_STOP_WEIGHT;
        out.set(row.id, (out.get(row.id) ?? 0) + factor * row.s);
      }
    }
    return out;
  };
  return (query: LexicalQuery) => {
    // Terms join from the rarest while their (capped) match counts fit the budget.
    const counted = query.terms
      .map((term) => ({ term, n: count.get(quote(term), query.postingBudget + 1)?.n ?? 0 }))
      .filter(({ n }) => n > 0)
      .sort((a, b) => a.n - b.n);
    const chosen: string[] = [];
    let used = 0;
    for (const { term, n } of counted) {
      if (chosen.length > 0 && used + n > query.postingBudget) break;
      chosen.push(term);
      used += n;
    }
    if (chosen.length === 0) return [];
    const stop = stopTitleScores(chosen.filter((term) => STOP_WORDS.has(term)));
    const other = titleScores(chosen.filter((term) => !STOP_WORDS.has(term)));
    return whole
      .all(chosen.map(quote).join(' OR '))
      .map((row) => {
        const title = (other.get(row.id) ?? 0) + (stop.get(row.id) ?? 0);
        return { chunkId: row.id, rank: row.s + query.titleWeight * title };
      })
      .sort((a, b) => a.rank - b.rank || a.chunkId - b.chunkId)
      .slice(0, query.limit)
      .map((row) => ({ chunkId: row.chunkId, score: -row.rank }));
  };
}

function doc(docKey: string, title: string, texts: string[]): DocumentInput {
  return {
    docKey,
    title,
    format: 'markdown',
    contentHash: JSON.stringify([title, texts]),
    chunks: texts.map((text, ordinal) => ({ ordinal, headingPath: ['Help', title], text })),
  };
}

const query = (terms: string[], overrides: Partial<LexicalQuery> = {}): LexicalQuery => ({
  terms,
  scopes: ['kb'],
  limit: 10,
  titleWeight: 3,
  postingBudget: 500,
  ...overrides,
});

const ranking = async (repo: SqliteKnowledgeRepository, q: LexicalQuery) =>
  (await repo.searchLexical(q)).map((hit) => [hit.chunkId, hit.score]);

describe('the lexical index of SQLite', () => {
  it('ranks every CovidFAQ question exactly as FTS5 did, stop words in statement titles aside', async () => {
    expect(COVIDFAQ, 'the CovidFAQ set is expected at ../shared/data/covidfaq').toBeDefined();
    const dir = COVIDFAQ as string;
    const db = open();
    const repo = new SqliteKnowledgeRepository(db);
    const config = loadConfig({ env: {} });
    await ingestPaths(repo, [join(dir, 'corpus.jsonl')], {
      maxFileBytes: 2 ** 31,
      chunk: { size: config.kb.chunkSize, overlap: config.kb.chunkOverlap },
    });
    const reference = fts5Reference(db);
    const questions = readFileSync(join(dir, 'queries.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => (JSON.parse(line) as { text: string }).text);
    expect(questions.length).toBeGreaterThan(1000);
    let compared = 0;
    let results = 0;
    // The default budget, and a small one under which common words are left out.
    for (const postingBudget of [500, 40]) {
      for (const text of questions) {
        const q = query(queryTerms(text).terms, { limit: 20, postingBudget });
        const expected = reference(q);
        const actual = await repo.searchLexical(q);
        expect(
          actual.map((hit) => hit.chunkId),
          text,
        ).toEqual(expected.map((e) => e.chunkId));
        actual.forEach((hit, i) => {
          const score = expected[i]?.score ?? NaN;
          expect(Math.abs(hit.score - score), text).toBeLessThanOrEqual(1e-9 * Math.abs(score));
        });
        compared++;
        results += actual.length;
      }
    }
    expect(compared).toBe(2 * questions.length);
    expect(results).toBeGreaterThan(compared * 10);
  }, 120_000);

  it('follows its own writes once the index is built, and leaves out a batch source that failed', async () => {
    const db = open();
    const repo = new SqliteKnowledgeRepository(db);
    await repo.replaceSource('kb', 'a.md', 'h1', [doc('1', 'Refunds', ['refunds take ten days'])]);
    expect(await repo.searchLexical(query(['refunds']))).toHaveLength(1);

    const results = await repo.replaceSources([
      { scope: 'kb', source: 'b.md', fileHash: 'h', documents: [doc('1', 'Beta', ['beta'])] },
      {
        scope: 'kb',
        source: 'c.md',
        fileHash: 'h',
        documents: [doc('1', 'Gamma', ['gamma']), doc('1', 'Gamma again', ['gamma two'])],
      },
    ]);
    expect(results[1]).toBeInstanceOf(Error);
    expect(await repo.searchLexical(query(['beta']))).toHaveLength(1);
    expect(await repo.searchLexical(query(['gamma']))).toEqual([]);

    await repo.replaceSource('kb', 'a.md', 'h2', [doc('1', 'Returns', ['returns are free'])]);
    expect(await repo.searchLexical(query(['refunds']))).toEqual([]);
    const [hit] = await repo.searchLexical(query(['returns']));
    expect(hit).toMatchObject({
      title: 'Returns',
      headingPath: ['Help', 'Returns'],
      text: 'returns are free',
      source: 'a.md',
    });

    await repo.deleteSource('kb', 'b.md');
    expect(await repo.searchLexical(query(['beta']))).toEqual([]);

    // What the index followed write by write is what a new index reads from the table.
    const fresh = new SqliteKnowledgeRepository(db);
    for (const terms of [['returns'], ['free', 'help'], ['beta', 'gamma', 'returns']]) {
      expect(await ranking(repo, query(terms))).toEqual(await ranking(fresh, query(terms)));
    }
  });

  it('catches up at its next search with what another process wrote into the same file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sa-lexical-'));
    dirs.push(dir);
    const file = join(dir, 'kb.sqlite');
    const serving = new SqliteKnowledgeRepository(open(file));
    await serving.replaceSource('kb', 'a.md', 'h', [
      doc('1', 'Refunds', ['refunds take ten days']),
      doc('2', 'Returns', ['returns are free']),
    ]);
    await serving.replaceSource('kb', 'z.md', 'h', [doc('1', 'Warranty', ['two years'])]);
    expect(await serving.searchLexical(query(['delivery']))).toEqual([]);

    const ingesting = new SqliteKnowledgeRepository(open(file));
    // New chunks, a document changed in place (same document, new chunks) and one removed.
    await ingesting.replaceSource('kb', 'b.md', 'h', [
      doc('1', 'Delivery', ['delivery in 3 days']),
    ]);
    await ingesting.replaceSource('kb', 'a.md', 'h2', [
      doc('1', 'Refunds', ['refunds take five days', 'refunds go to the card']),
      doc('2', 'Returns', ['returns are free']),
    ]);
    await ingesting.deleteSource('kb', 'z.md');
    expect((await serving.searchLexical(query(['delivery']))).map((h) => h.text)).toEqual([
      'delivery in 3 days',
    ]);
    expect(await serving.searchLexical(query(['warranty']))).toEqual([]);
    expect((await serving.searchLexical(query(['refunds']))).map((h) => h.text).sort()).toEqual([
      'refunds go to the card',
      'refunds take five days',
    ]);
    // ...its own writes still reach its index afterwards, and it ranks as a new index would.
    await serving.replaceSource('kb', 'c.md', 'h', [doc('1', 'Warranty', ['three years'])]);
    const fresh = new SqliteKnowledgeRepository(open(file));
    for (const terms of [['warranty'], ['refunds', 'card'], ['returns', 'delivery', 'days']]) {
      const ranked = await ranking(serving, query(terms));
      expect(ranked.length).toBeGreaterThan(0);
      expect(ranked).toEqual(await ranking(fresh, query(terms)));
    }
  });

  it('ranks as a new index after most documents were replaced many times', async () => {
    const db = open();
    const repo = new SqliteKnowledgeRepository(db);
    const words = ['refund', 'delivery', 'password', 'invoice', 'warranty', 'account', 'card'];
    // Five of the seven words (a different five by chunk and round), and a rarer one.
    const text = (i: number, round: number) =>
      [
        ...Array.from({ length: 5 + (i % 3) }, (_, k) => words[(i * 3 + k * 2 + round) % 7]),
        `item${(i + round) % 13}`,
      ].join(' ');
    const docs = (round: number) =>
      Array.from({ length: 60 }, (_, i) =>
        doc(String(i), `Article ${i % 9}`, [text(i, round), text(i + 1, round)]),
      );
    await repo.replaceSource('kb', 'all.md', 'h0', docs(0));
    await repo.searchLexical(query(['refund']));
    // Every round replaces every document: far more chunks removed than kept, so the index
    // renumbers its chunks along the way.
    for (let round = 1; round <= 30; round++) {
      await repo.replaceSource('kb', 'all.md', `h${round}`, docs(round));
    }
    const fresh = new SqliteKnowledgeRepository(db);
    for (const terms of [['refund'], ['delivery', 'item4'], ['article', 'warranty', 'item7']]) {
      const q = query(terms, { limit: 30 });
      const ranked = await ranking(repo, q);
      expect(ranked.length).toBeGreaterThan(0);
      expect(ranked).toEqual(await ranking(fresh, q));
    }
  });
});
