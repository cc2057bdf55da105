/**
 * Uploads through the admin API whose files share a name, and what search shows afterwards: a
 * document is known by its name, so two files of one upload with one name are refused (one
 * would silently replace the other), and search never shows a passage that is not stored —
 * nor keeps, with dense retrieval on, the vector of one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteVectorIndex, toVectorIndex } from '../src/rag/dense/index.js';
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
import {
  ADMIN,
  listedSources,
  searchHits,
  uploadFiles,
  type UploadedFile,
} from './helpers/admin-documents.js';
import { call, startServer, type Json, type TestServer } from './helpers/http.js';
import { POSTGRES_URL, serviceAvailable, uniqueName } from './helpers/services.js';

let t: TestServer;

beforeAll(async () => {
  t = await startServer();
  // Search once, as a running server has: the index it keeps in memory is built and must follow.
  expect((await search('refund')).hits).not.toHaveLength(0);
});
afterAll(() => t.close());

const page = (title: string, text: string) =>
  new Blob([`<html><head><title>${title}</title></head><body><p>${text}</p></body></html>`]);

const upload = (files: readonly UploadedFile[], url = t.url) => uploadFiles(url, files);

/** The search playground's passages for `query`, each checked to have its text. */
async function search(query: string): Promise<{ hits: Array<{ title: string; text: string }> }> {
  const hits = await searchHits(t.url, query);
  for (const hit of hits) expect(hit.text, `${query}: ${hit.title}`).not.toBe('');
  return { hits };
}

const sources = () => listedSources(t.url);

describe('an upload two of whose files have one name', () => {
  it.each([
    ['in two folders', ['a/index.html', 'b/index.html']],
    ['twice the same', ['index.html', 'index.html']],
  ])(
    'is refused, naming the files and the name, and stores none of its files (%s)',
    async (_, names) => {
      const before = await sources();
      const refused = await upload([
        [names[0] as string, page('Shipping', 'We ship parcels by zeppelin to 40 countries.')],
        ['gift-cards.md', new Blob(['# Gift cards\n\nGift cards never expire, even on the moon.'])],
        [
          names[1] as string,
          page('Returns', 'Returns are accepted by carrier pigeon for 30 days.'),
        ],
      ]);
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({
        error: {
          code: 'invalid_input',
          message:
            'Files 1 and 3 of this upload are both named "index.html" (an upload keeps file names, not folders). A document is known by its name, so one would replace the other: rename one of them and upload again. Nothing was stored.',
          requestId: expect.any(String),
        },
      });
      expect(await sources()).toEqual(before);
      for (const query of ['zeppelin', 'pigeon', 'moon']) {
        expect((await search(query)).hits, query).toEqual([]);
      }
    },
  );
});

describe('an upload whose files have different names', () => {
  it('keeps each file as its own document, found by its own words with its own title', async () => {
    const stored = await upload([
      ['shipping/index.html', page('Shipping', 'We ship parcels by zeppelin to 40 countries.')],
      ['returns.html', page('Returns', 'Returns are accepted by carrier pigeon for 30 days.')],
    ]);
    expect(stored.status).toBe(201);
    expect(stored.body.documents).toEqual([
      { id: expect.any(String), source: 'uploads/index.html', title: 'Shipping', chunkCount: 1 },
      { id: expect.any(String), source: 'uploads/returns.html', title: 'Returns', chunkCount: 1 },
    ]);
    const [zeppelin] = (await search('zeppelin')).hits;
    expect(zeppelin).toMatchObject({
      title: 'Shipping',
      text: expect.stringContaining('zeppelin'),
    });
    const [pigeon] = (await search('pigeon')).hits;
    expect(pigeon).toMatchObject({ title: 'Returns', text: expect.stringContaining('pigeon') });
  });

  it('shows only what is stored after the same name comes again changed, and after a delete', async () => {
    const first = await upload([['hours.html', page('Opening hours', 'We open at nine o’clock.')]]);
    expect((await search('open nine')).hits[0]).toMatchObject({ title: 'Opening hours' });
    const changed = await upload([
      ['hours.html', page('Support hours', 'Support answers from eight until late evening.')],
    ]);
    expect(changed.body.documents[0].id).toBe(first.body.documents[0].id);
    expect((await search('nine')).hits).toEqual([]);
    expect((await search('support eight evening')).hits[0]).toMatchObject({
      title: 'Support hours',
      text: 'Support answers from eight until late evening.',
    });
    const removed = await call(
      t.url,
      'DELETE',
      `/v1/admin/documents/${changed.body.documents[0].id}`,
      ADMIN,
    );
    expect(removed.body.removed).toBe(1);
    expect((await search('support eight evening')).hits).toEqual([]);
  });
});

describe('an upload of a file stored already under another name', () => {
  it('is not added a second time, and the response names the file it is the same as', async () => {
    const text = 'Lost property is kept at the front desk for 90 days.';
    const first = await upload([['lost-property.html', page('Lost property', text)]]);
    expect(first.status).toBe(201);
    const again = await upload([
      ['lost-and-found.html', page('Lost property', text)],
      ['lockers.html', page('Lockers', 'Lockers take a one-euro coin.')],
    ]);
    expect(again.status).toBe(201);
    expect(again.body.report.duplicates).toEqual([
      { path: 'uploads/lost-and-found.html', sameAs: 'uploads/lost-property.html' },
    ]);
    expect(again.body.summary).toContain('1 not added, the same as a file already stored');
    // The copy is shown by the document that holds its bytes.
    expect(again.body.documents.map((d: Json) => d.source)).toEqual([
      'uploads/lockers.html',
      'uploads/lost-property.html',
    ]);
    expect(await sources()).not.toContain('uploads/lost-and-found.html');
    expect((await search('lost property front desk')).hits).toHaveLength(1);
  });
});

const postgresUp = await serviceAvailable('PostgreSQL', POSTGRES_URL, 5432);
const STORES = postgresUp ? (['SQLite', 'PostgreSQL'] as const) : (['SQLite'] as const);

describe.each(STORES)('with dense retrieval on, on %s', (store) => {
  let fake: FakeOpenAi;
  let dense: TestServer;
  /** The vectors as another instance on the server's database sees them. */
  let vectors: () => VectorIndex;
  const cleanup: Array<() => Promise<void> | void> = [];

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    cleanup.push(() => fake.close());
    const env: Record<string, string> = {
      EMBEDDINGS_BASE_URL: fake.url,
      EMBEDDINGS_MODEL: 'fake-embed',
    };
    if (store === 'SQLite') {
      const dir = mkdtempSync(join(tmpdir(), 'support-agent-vectors-'));
      const path = join(dir, 'support-agent.db');
      dense = await startServer(env, { databasePath: path });
      const db = openDatabase(path);
      cleanup.push(
        () => rmSync(dir, { recursive: true, force: true }),
        () => {
          db.close();
        },
      );
      // Made again each time: a SQLite index reads its configuration when it is made.
      vectors = () => toVectorIndex(new SqliteVectorIndex(db));
    } else {
      const schema = uniqueName('dense');
      // Opened first, it creates and migrates the schema the server then finds.
      const other = await openPostgresStore(POSTGRES_URL, { schema });
      cleanup.push(async () => {
        const admin = createPostgresPool(POSTGRES_URL);
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await admin.end();
      }, other.close);
      const url = new URL(POSTGRES_URL);
      url.searchParams.set('options', `-c search_path=${schema},public`);
      dense = await startServer({ ...env, DATABASE_URL: url.toString() });
      vectors = () => other.vectors;
    }
    cleanup.push(() => dense.close());
  });

  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  /** The chunks of the documents stored, and those a dense search for `text` finds. */
  async function chunksAndVectors(text: string) {
    const live = (await dense.app.knowledge.chunkIds()).sort((a, b) => a - b);
    const query = Float32Array.from(hashEmbedding(text));
    const found = (await vectors().search(query, { limit: 100 })).map((hit) => hit.chunkId);
    return { live, found: found.sort((a, b) => a - b), count: await vectors().count() };
  }

  it('keeps the vectors of stored passages only, through a changed upload and a delete', async () => {
    const before = 'We open at nine o’clock on weekdays.';
    const first = await upload([['hours.html', page('Opening hours', before)]], dense.url);
    expect(first.status).toBe(201);
    const id = first.body.documents[0].id as string;
    const [oldChunk] = await chunkIdsOfDocument(id);
    const after = 'Support answers from eight until late evening.';
    const changed = await upload([['hours.html', page('Support hours', after)]], dense.url);
    expect(changed.body.documents[0].id).toBe(id);

    // Searched with the very words of the passage replaced: only stored passages come back.
    const replaced = await chunksAndVectors(before);
    expect(replaced.live).not.toContain(oldChunk);
    expect(replaced.found).toEqual(replaced.live);
    expect(replaced.count).toBe(replaced.live.length);

    const [newChunk] = await chunkIdsOfDocument(id);
    const embeddings = () => fake.requests.filter((r) => r.path === '/v1/embeddings').length;
    const embeddedBefore = embeddings();
    const removed = await call(dense.url, 'DELETE', `/v1/admin/documents/${id}`, ADMIN);
    expect(removed.status).toBe(200);
    expect(removed.body.removed).toBe(1);
    const deleted = await chunksAndVectors(after);
    expect(deleted.found).not.toContain(newChunk);
    expect(deleted.found).toEqual(deleted.live);
    expect(deleted.count).toBe((await dense.app.knowledge.stats()).chunks);
    // A delete removes vectors; it never waits on the embeddings service.
    expect(embeddings()).toBe(embeddedBefore);
  });

  async function chunkIdsOfDocument(id: string): Promise<number[]> {
    const hits = await dense.app.knowledge.chunksByIds(await dense.app.knowledge.chunkIds(), [
      'kb',
    ]);
    return hits.filter((hit) => hit.documentId === id).map((hit) => hit.chunkId);
  }
});
