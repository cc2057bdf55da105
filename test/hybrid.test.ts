import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, openApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { indexVectors, SqliteVectorIndex, toVectorIndex } from '../src/rag/dense/index.js';
import {
  DEFAULT_RETRIEVER_SETTINGS,
  ingestPaths,
  Retriever,
  type SearchResult,
} from '../src/rag/index.js';
import {
  createPostgresPool,
  openDatabase,
  openPostgresStore,
  type VectorIndex,
} from '../src/store/index.js';
import {
  hashEmbedding,
  startFakeOpenAi,
  type FakeOpenAi,
} from '../src/testing/fake-openai-server.js';
import { POSTGRES_URL, serviceAvailable, uniqueName } from './helpers/services.js';
import {
  deletePostgresChunksLeavingVectors,
  deleteSqliteChunksLeavingVectors,
} from './helpers/stale-vectors.js';

/**
 * The stand-in for an embedding model: such a model places "refund" near "money back" and
 * "cancel" near "terminate". Each group of synonyms owns a dimension; other words fall into the
 * fake server's word-hash dimensions.
 */
const SYNONYMS = [/\brefund\w*|\bmoney back\b/g, /\bcancel\w*|\bterminat\w*/g];
function embedding(text: string): number[] {
  let rest = text.toLowerCase();
  const concepts = SYNONYMS.map((pattern) => {
    const found = pattern.test(rest);
    rest = rest.replace(pattern, ' ');
    return found ? 3 : 0;
  });
  return [...concepts, ...hashEmbedding(rest)];
}

const ARTICLES: Array<[string, string]> = [
  [
    'Money back guarantee',
    'We return the full price within 30 days of purchase, no questions asked.',
  ],
  ['Changing your password', 'Open Settings, choose Security and pick a new password.'],
  ['Shipping times', 'Parcels leave our warehouse within two working days.'],
  [
    'Ending your subscription',
    'Open Billing and press End plan; access continues until the period ends.',
  ],
];

describe('hybrid retrieval', () => {
  let fake: FakeOpenAi;
  let app: App;

  beforeEach(async () => {
    fake = await startFakeOpenAi({ embed: (text) => embedding(text) });
    app = createApp(
      loadConfig({
        env: {
          LOG_LEVEL: 'silent',
          EMBEDDINGS_BASE_URL: fake.url,
          EMBEDDINGS_MODEL: 'fake-embed',
          TOOL_RETRY_ATTEMPTS: '1',
        },
      }),
      { databasePath: ':memory:' },
    );
    await writeArticles(app);
    expect(await app.indexVectors()).toEqual({ embedded: 4, pending: 0, removed: 0 });
  });

  afterEach(async () => {
    await app.close();
    await fake.close();
  });

  const search = (query: string) => app.tools.call<SearchResult>('kb_search', { query });

  it('finds by meaning what no shared word finds, and fuses it into the ranking', async () => {
    const question = 'Can I get a refund?';
    const lexicalOnly = await new Retriever(app.knowledge, DEFAULT_RETRIEVER_SETTINGS).search(
      question,
    );
    expect(lexicalOnly.hits.map((h) => h.title)).not.toContain('Money back guarantee');

    const result = await search(question);
    expect(result).toMatchObject({ type: 'ok', value: { mode: 'hybrid' } });
    const titles = result.type === 'ok' ? result.value.hits.map((h) => h.title) : [];
    expect(titles[0]).toBe('Money back guarantee');

    const cancel = await search('how do I cancel my subscription');
    expect(cancel.type === 'ok' && cancel.value.hits[0]?.title).toBe('Ending your subscription');
  });

  it('embeds through the tool-call layer, and falls back to lexical search when embeddings fail', async () => {
    fake.failNext(1, { status: 500 });
    const result = await search('how do I change my password');
    expect(result).toMatchObject({
      type: 'ok',
      value: { mode: 'lexical', degraded: 'dense_unavailable' },
    });
    expect(result.type === 'ok' && result.value.hits[0]?.title).toBe('Changing your password');
    const metrics = await app.telemetry.renderPrometheus();
    expect(metrics).toContain(
      'support_agent_tool_calls_total{tool="embed_texts",outcome="error"} 1',
    );
  });

  it('indexes only what has no vector yet, and says nothing is relevant when nothing is close', async () => {
    expect(await app.indexVectors()).toEqual({ embedded: 0, pending: 0, removed: 0 });
    expect(await search('what is the capital of France')).toMatchObject({
      type: 'ok',
      value: { hits: [], reason: 'nothing_relevant' },
    });
  });
});

const postgresUp = await serviceAvailable('PostgreSQL', POSTGRES_URL, 5432);

/** An app with dense retrieval, and the vectors as another instance on its database sees them. */
interface DenseApp {
  app: App;
  vectors(): VectorIndex;
  /** Another instance on the same database, without dense retrieval (no embedding model). */
  openLexical(): Promise<App>;
  /** Deletes chunks as versions before vectors went with their chunks did: the vectors stay. */
  deleteChunksLeavingVectors(ids: readonly number[]): Promise<void>;
  close(): Promise<void>;
}

async function openDenseApp(
  store: 'SQLite' | 'PostgreSQL',
  embeddingsUrl: string,
  dataDir: string,
): Promise<DenseApp> {
  const env = {
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    EMBEDDINGS_BASE_URL: embeddingsUrl,
    EMBEDDINGS_MODEL: 'fake-embed',
    TOOL_RETRY_ATTEMPTS: '1',
  };
  if (store === 'SQLite') {
    const path = join(dataDir, 'support-agent.db');
    const app = createApp(loadConfig({ env }), { databasePath: path });
    const db = openDatabase(path);
    return {
      app,
      // Made again each time: a SQLite index reads its configuration when it is made.
      vectors: () => toVectorIndex(new SqliteVectorIndex(db)),
      openLexical: async () =>
        createApp(loadConfig({ env: { LOG_LEVEL: 'silent', DATA_DIR: dataDir } }), {
          databasePath: path,
        }),
      async deleteChunksLeavingVectors(ids) {
        deleteSqliteChunksLeavingVectors(db, ids);
      },
      async close() {
        await app.close();
        db.close();
      },
    };
  }
  const schema = uniqueName('dense');
  // The second instance first: it creates and migrates the schema the app then finds.
  const other = await openPostgresStore(POSTGRES_URL, { schema });
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema},public`);
  const app = await openApp(loadConfig({ env: { ...env, DATABASE_URL: url.toString() } }));
  return {
    app,
    vectors: () => other.vectors,
    openLexical: () =>
      openApp(
        loadConfig({
          env: { LOG_LEVEL: 'silent', DATA_DIR: dataDir, DATABASE_URL: url.toString() },
        }),
      ),
    async deleteChunksLeavingVectors(ids) {
      const admin = createPostgresPool(POSTGRES_URL, { schema });
      try {
        await deletePostgresChunksLeavingVectors(admin, ids);
      } finally {
        await admin.end();
      }
    },
    async close() {
      await app.close();
      await other.close();
      const admin = createPostgresPool(POSTGRES_URL);
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    },
  };
}

const STORES = postgresUp ? (['SQLite', 'PostgreSQL'] as const) : (['SQLite'] as const);

describe.each(STORES)('vectors on %s', (store) => {
  let fake: FakeOpenAi;
  let dir: string;
  let dense: DenseApp;

  beforeEach(async () => {
    fake = await startFakeOpenAi({ embed: (text) => embedding(text) });
    dir = mkdtempSync(join(tmpdir(), 'support-agent-vectors-'));
    dense = await openDenseApp(store, fake.url, dir);
  });

  afterEach(async () => {
    await dense.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every chunk a dense search for `text` finds: the index holds fewer than the limit. */
  async function denseIds(text: string): Promise<number[]> {
    const hits = await dense.vectors().search(Float32Array.from(embedding(text)), { limit: 100 });
    return hits.map((hit) => hit.chunkId).sort((a, b) => a - b);
  }

  async function expectVectorsOfLiveChunksOnly(gone: string): Promise<number[]> {
    const live = (await dense.app.knowledge.chunkIds()).sort((a, b) => a - b);
    expect(await dense.vectors().count()).toBe((await dense.app.knowledge.stats()).chunks);
    expect(await dense.vectors().chunkIds()).toEqual(live);
    // Searched with the very words of the passage that went: only live chunks come back.
    expect(await denseIds(gone)).toEqual(live);
    return live;
  }

  it('follow the passages when a changed document is ingested again and a deleted one pruned', async () => {
    const help = join(dir, 'help');
    mkdirSync(help);
    const shipping = join(help, 'shipping.md');
    const giftCards = join(help, 'gift-cards.md');
    const oldShipping = 'Parcels leave our warehouse within two working days by zeppelin.';
    const giftCardText = 'Gift cards never expire and work in every store, even on the moon.';
    writeFileSync(shipping, `# Shipping\n\n${oldShipping}`);
    writeFileSync(giftCards, `# Gift cards\n\n${giftCardText}`);
    // As `support-agent ingest --prune <folder>` does.
    const ingest = async () => {
      const report = await ingestPaths(dense.app.knowledge, [help], {
        prune: true,
        maxFileBytes: 1 << 20,
        chunk: { size: 180, overlap: 30 },
      });
      expect(report.failed).toEqual([]);
      return dense.app.indexVectors();
    };

    expect(await ingest()).toEqual({ embedded: 2, pending: 0, removed: 0 });
    const [oldShippingChunk] = await chunkIdsOf(dense.app, shipping);
    await expectVectorsOfLiveChunksOnly(oldShipping);

    writeFileSync(shipping, '# Shipping\n\nParcels now leave our warehouse on the day you order.');
    // The changed document's passage is new (a new id); the old one's vector went with it.
    expect(await ingest()).toEqual({ embedded: 1, pending: 0, removed: 0 });
    const live = await expectVectorsOfLiveChunksOnly(oldShipping);
    expect(live).not.toContain(oldShippingChunk);

    const [giftCardChunk] = await chunkIdsOf(dense.app, giftCards);
    rmSync(giftCards);
    expect(await ingest()).toEqual({ embedded: 0, pending: 0, removed: 0 });
    expect(await expectVectorsOfLiveChunksOnly(giftCardText)).not.toContain(giftCardChunk);
    expect(await dense.vectors().count()).toBe(1);
  });

  it('go with their passages when they are deleted or replaced while dense retrieval is off', async () => {
    await writeArticles(dense.app);
    expect(await dense.app.indexVectors()).toEqual({ embedded: 4, pending: 0, removed: 0 });
    const before = await dense.app.knowledge.chunkIds();
    const [moneyBack, , , ending] = ARTICLES.map(([, text]) => text);
    // Every vector is read (and, on PostgreSQL, kept in memory by the other instance).
    expect(await denseIds(moneyBack as string)).toEqual(before);

    // Dense retrieval turned off: an instance without an embedding model changes the help
    // center. The first article is rewritten (a new passage), the last one deleted.
    const lexical = await dense.openLexical();
    try {
      expect(await lexical.indexVectors()).toBeUndefined();
      await lexical.knowledge.replaceSource(
        'kb',
        '/help/articles.json',
        'h2',
        ARTICLES.slice(0, 3).map(([title, text], i) => ({
          docKey: String(i),
          title,
          format: 'faq_json',
          contentHash: i === 0 ? 'rewritten' : String(i),
          chunks: [
            { ordinal: 0, headingPath: [], text: i === 0 ? 'Returns are free of charge.' : text },
          ],
        })),
      );
    } finally {
      await lexical.close();
    }

    // Dense retrieval back on, before any indexing: no vector of a passage that went is found,
    // however close it is to the question.
    const live = await dense.app.knowledge.chunkIds();
    const rewritten = live.filter((id) => !before.includes(id));
    expect(rewritten).toHaveLength(1);
    const kept = live.filter((id) => before.includes(id));
    expect(kept).toHaveLength(2);
    expect(await dense.vectors().chunkIds()).toEqual(kept);
    expect(await denseIds(moneyBack as string)).toEqual(kept);
    expect(await denseIds(ending as string)).toEqual(kept);
    // Indexing then has only the new passage to embed, and nothing left over to remove.
    expect(await dense.app.indexVectors()).toEqual({ embedded: 1, pending: 0, removed: 0 });
    expect(await dense.vectors().chunkIds()).toEqual(live);
  });

  it('go with a deleted document at once, and indexing as a delete asks for embeds nothing', async () => {
    await writeArticles(dense.app);
    expect(await dense.app.indexVectors()).toEqual({ embedded: 4, pending: 0, removed: 0 });
    await dense.app.knowledge.deleteSource('kb', '/help/articles.json');
    expect(await dense.vectors().count()).toBe(0);
    await dense.app.knowledge.replaceSource('kb', '/help/new.json', 'n', [
      {
        docKey: '0',
        title: 'New',
        format: 'faq_json',
        contentHash: 'n',
        chunks: [{ ordinal: 0, headingPath: [], text: 'A passage not embedded yet.' }],
      },
    ]);
    const calls = fake.requests.length;
    expect(await dense.app.indexVectors({ embed: false })).toEqual({
      embedded: 0,
      pending: 1,
      removed: 0,
    });
    expect(fake.requests.length).toBe(calls);
    expect(await dense.vectors().count()).toBe(0);
    expect(await denseIds((ARTICLES[0] as [string, string])[1])).toEqual([]);
  });

  it('left by an earlier version are swept by a delete, which lists no ids to find them', async () => {
    await writeArticles(dense.app);
    expect(await dense.app.indexVectors()).toEqual({ embedded: 4, pending: 0, removed: 0 });
    const before = (await dense.app.knowledge.chunkIds()).sort((a, b) => a - b);
    const gone = before.slice(0, 2);
    const live = before.slice(2);
    await dense.deleteChunksLeavingVectors(gone);
    expect(await dense.vectors().chunkIds()).toEqual(before);

    // What a delete's indexing asks of the passages and the vectors: neither lists every id.
    const asked: string[] = [];
    const removal = await indexVectors(
      recording(dense.app.knowledge, 'knowledge', asked),
      recording(dense.vectors(), 'vectors', asked),
      async () => {
        throw new Error('a delete embeds nothing');
      },
      { model: 'fake-embed', embed: false },
    );
    expect(removal).toEqual({ embedded: 0, pending: 0, removed: 2 });
    for (const listing of ['knowledge.chunkIds', 'vectors.chunkIds', 'vectors.missing']) {
      expect(asked).not.toContain(listing);
    }
    expect(await dense.vectors().chunkIds()).toEqual(live);
    expect(await denseIds((ARTICLES[0] as [string, string])[1])).toEqual(live);
    expect(await dense.app.indexVectors({ embed: false })).toEqual({
      embedded: 0,
      pending: 0,
      removed: 0,
    });
  });
});

/** `target`, writing `name.method` to `asked` at each call of one of its methods. */
function recording<T extends object>(target: T, name: string, asked: string[]): T {
  return new Proxy(target, {
    get(object, key) {
      const value: unknown = Reflect.get(object, key, object);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        asked.push(`${name}.${String(key)}`);
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}

/** The ids of the chunks of one source, from its documents. */
/** Writes {@link ARTICLES} to the help center, one document each, as one FAQ file. */
async function writeArticles(app: App): Promise<void> {
  await app.knowledge.replaceSource(
    'kb',
    '/help/articles.json',
    'h',
    ARTICLES.map(([title, text], i) => ({
      docKey: String(i),
      title,
      format: 'faq_json',
      contentHash: String(i),
      chunks: [{ ordinal: 0, headingPath: [], text }],
    })),
  );
}

async function chunkIdsOf(app: App, source: string): Promise<number[]> {
  const [document] = await app.knowledge.documentsOf('kb', source);
  expect(document).toBeDefined();
  const hits = await app.knowledge.chunksByIds(await app.knowledge.chunkIds('kb'), ['kb']);
  return hits.filter((hit) => hit.documentId === document?.id).map((hit) => hit.chunkId);
}
