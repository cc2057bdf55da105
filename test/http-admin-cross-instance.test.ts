/**
 * Two instances on one database, and a document re-indexed on one while the staff delete it or
 * upload a new version of it on the other: what the other instance did stands, and the re-index
 * says why it stored nothing (404 or 409), never a 200 that undid it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  listedDocuments,
  searchHits,
  textsFrom,
  uploadFile,
} from './helpers/admin-documents.js';
import { call, startServer, type TestServer } from './helpers/http.js';
import { POSTGRES_URL, serviceAvailable, uniqueName } from './helpers/services.js';
import { holdNextWrite } from './helpers/held-writes.js';

const postgresUp = await serviceAvailable('PostgreSQL', POSTGRES_URL, 5432);

describe.each([
  { database: 'SQLite', run: true },
  { database: 'PostgreSQL', run: postgresUp },
])('a document re-indexed on one instance of two on $database', ({ database, run }) => {
  let a: TestServer;
  let b: TestServer;
  const cleanup: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    if (!run) return;
    if (database === 'SQLite') {
      const dir = mkdtempSync(join(tmpdir(), 'support-agent-xinst-'));
      const path = join(dir, 'shared.db');
      a = await startServer({}, { databasePath: path });
      b = await startServer({}, { databasePath: path });
      cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    } else {
      const schema = uniqueName('reindex');
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`CREATE SCHEMA ${schema}`);
      const url = new URL(POSTGRES_URL);
      url.searchParams.set('options', `-c search_path=${schema}`);
      // One after the other: the second finds the schema migrated by the first.
      a = await startServer({ DATABASE_URL: url.toString() });
      b = await startServer({ DATABASE_URL: url.toString() });
      cleanup.push(async () => {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.end();
      });
    }
    cleanup.unshift(async () => {
      await a.close();
      await b.close();
    });
  }, 60_000);

  afterAll(async () => {
    for (const step of cleanup) await step();
  });

  const found = async (server: TestServer, query: string, source: string) =>
    textsFrom(await searchHits(server.url, query), source);

  it.runIf(run)(
    'stays deleted when the other instance deletes it meanwhile: the re-index is a 404',
    async () => {
      const first = await uploadFile(
        a.url,
        'lantern.md',
        '# Lantern\n\nThe glowfinch lantern runs on AA.\n',
      );
      expect(first.status).toBe(201);
      const id = first.body.documents[0].id as string;

      const held = holdNextWrite(a.app.knowledge);
      const reindex = call(a.url, 'POST', `/v1/admin/documents/${id}/reindex`, ADMIN);
      await held.reached;
      const deleted = await call(b.url, 'DELETE', `/v1/admin/documents/${id}`, ADMIN);
      expect(deleted.status).toBe(200);
      expect(deleted.body).toEqual({ removed: 1, source: 'uploads/lantern.md' });
      held.release();

      const refused = await reindex;
      expect(refused.status).toBe(404);
      expect(refused.body).toEqual({
        error: {
          code: 'not_found',
          message:
            'This document was deleted while it was re-indexed: nothing of it was stored again.',
          requestId: expect.any(String),
        },
      });
      for (const server of [a, b]) {
        expect(await listedDocuments(server.url, 'uploads/lantern.md')).toEqual([]);
        expect(await found(server, 'glowfinch lantern', 'uploads/lantern.md')).toEqual([]);
        expect(await server.app.knowledge.keptFile('kb', 'uploads/lantern.md')).toBeNull();
      }
      expect((await call(b.url, 'POST', `/v1/admin/documents/${id}/reindex`, ADMIN)).status).toBe(
        404,
      );
    },
  );

  it.runIf(run)(
    'keeps the version the other instance uploads meanwhile: the re-index is a 409',
    async () => {
      const first = await uploadFile(
        a.url,
        'kettle.md',
        '# Kettle\n\nThe otterkettle boils in 4 minutes.\n',
      );
      expect(first.status).toBe(201);
      const id = first.body.documents[0].id as string;

      const held = holdNextWrite(a.app.knowledge);
      const reindex = call(a.url, 'POST', `/v1/admin/documents/${id}/reindex`, ADMIN);
      await held.reached;
      const replaced = await uploadFile(
        b.url,
        'kettle.md',
        '# Kettle\n\nThe otterkettle boils in 2 minutes.\n',
      );
      expect(replaced.status).toBe(201);
      held.release();

      const refused = await reindex;
      expect(refused.status).toBe(409);
      expect(refused.body.error).toEqual({
        code: 'conflict',
        message:
          'A new version of this document was stored while it was re-indexed (uploaded again, or re-indexed elsewhere): that version is kept, and nothing of this re-index was stored.',
        requestId: expect.any(String),
      });
      for (const server of [a, b]) {
        expect(await found(server, 'otterkettle', 'uploads/kettle.md')).toEqual([
          'The otterkettle boils in 2 minutes.',
        ]);
        const kept = await server.app.knowledge.keptFile('kb', 'uploads/kettle.md');
        expect(Buffer.from(kept?.data ?? []).toString()).toContain('2 minutes');
      }
      // Re-indexed again, on either instance, it reads the version that was kept.
      const again = await call(a.url, 'POST', `/v1/admin/documents/${id}/reindex`, ADMIN);
      expect(again.status).toBe(200);
      expect(again.body.report.documents).toMatchObject({ unchanged: 1, updated: 0 });
    },
  );

  it.runIf(run)(
    'is re-indexed as ever when the other instance re-indexes it meanwhile',
    async () => {
      const first = await uploadFile(
        a.url,
        'stakes.md',
        '# Stakes\n\nThe hedgehogstake holds in sand.\n',
      );
      expect(first.status).toBe(201);
      const id = first.body.documents[0].id as string;

      const held = holdNextWrite(a.app.knowledge);
      const reindex = call(a.url, 'POST', `/v1/admin/documents/${id}/reindex`, ADMIN);
      await held.reached;
      // The same bytes written again elsewhere: nothing the first re-index would undo.
      const other = await call(b.url, 'POST', `/v1/admin/documents/${id}/reindex`, ADMIN);
      expect(other.status).toBe(200);
      held.release();

      expect((await reindex).status).toBe(200);
      expect(await found(b, 'hedgehogstake', 'uploads/stakes.md')).toEqual([
        'The hedgehogstake holds in sand.',
      ]);
    },
  );
});
