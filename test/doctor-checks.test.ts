/**
 * `doctor` checks the configuration as `serve` does, and `serve` leaves nothing behind when it
 * does not start: a HOST serve cannot listen on, a per-tool override of no tool, a misspelt key
 * of the configuration file, a database that is down.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openDatabase } from '../src/store/index.js';
import { killCliProcesses, startCli, waitFor as waitUntil } from './helpers/process.js';
import { afterEach, describe, expect, it } from 'vitest';
import { POSTGRES_URL, serviceAvailable, uniqueName } from './helpers/services.js';

afterEach(killCliProcesses);

const start = (args: string[], env: Record<string, string>) => startCli(args, env);

/** Waits as long as a loaded machine may take to start a server. */
const waitFor = (check: () => boolean, what: string) => waitUntil(check, what, 30_000);

function configFile(settings: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sa-doc-cfg-')), 'config.json');
  writeFileSync(file, JSON.stringify(settings));
  return file;
}

const postgresUp = await serviceAvailable('PostgreSQL', POSTGRES_URL, 5432);

describe('doctor checks what serve checks', () => {
  it('refuses a HOST serve cannot listen on, with the same message and exit code 2', async () => {
    for (const host of ['10.9.9.9', 'nohost.invalid']) {
      const serve = start(['serve'], { HOST: host, PORT: '0' });
      const doctor = start(['doctor'], { HOST: host });
      expect(await serve.exited).toBe(2);
      expect(await doctor.exited).toBe(2);
      expect(doctor.err()).toContain(`HOST="${host}": `);
      expect(doctor.err()).toBe(serve.err());
      expect(doctor.out()).not.toContain('All checks passed');
    }
    const ok = start(['doctor'], { HOST: '127.0.0.1' });
    expect(await ok.exited).toBe(0);
    // Four processes, and a name looked up in DNS: slow on a busy machine.
  }, 60_000);

  it('warns of an override of no tool as serve does, and passes with the warning in sight', async () => {
    const SUPPORT_AGENT_CONFIG = configFile({
      tools: { overrides: { kb_serch: { timeoutMs: 5000 } } },
    });
    const warning =
      'configuration has overrides for "kb_serch", but no tool has that name; did you mean "kb_search"?';
    const doctor = start(['doctor'], { SUPPORT_AGENT_CONFIG });
    expect(await doctor.exited).toBe(0);
    expect(doctor.out()).toContain(`Warnings:\n  ${warning}\n`);
    expect(doctor.out()).toContain('All checks passed, with 1 warning (see Warnings above).');

    const serve = start(['serve'], { SUPPORT_AGENT_CONFIG, PORT: '0', LOG_FORMAT: 'json' });
    await waitFor(() => serve.out().includes('listening on'), 'serve to listen');
    const logged = serve
      .out()
      .split('\n')
      .filter((line) => line.includes('kb_serch'))
      .map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(logged).toEqual([warning]);
  });

  it('fails on a SQLite file serve cannot use, for the reason serve stops on', async () => {
    const notes = mkdtempSync(join(tmpdir(), 'sa-doc-db-'));
    writeFileSync(join(notes, 'support-agent.db'), 'Notes, not a database.\n'.repeat(100));
    const newer = mkdtempSync(join(tmpdir(), 'sa-doc-db-'));
    const db = new Database(join(newer, 'support-agent.db'));
    db.exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT);
      INSERT INTO schema_migrations VALUES (999, 'a later version', '2030-01-01T00:00:00.000Z')`);
    db.close();
    for (const [dir, reason] of [
      [notes, 'is not a SQLite database, or is damaged'],
      [newer, 'The database has schema version 999, newer than this program knows'],
    ] as const) {
      const doctor = start(['doctor'], { DATA_DIR: dir });
      const serve = start(['serve'], { DATA_DIR: dir, PORT: '0' });
      expect(await doctor.exited).toBe(1);
      expect(await serve.exited).not.toBe(0);
      expect(serve.err()).toContain(reason);
      const line = doctor
        .out()
        .split('\n')
        .find((l) => l.includes('database'));
      expect(line).toMatch(/^\s*FAIL\s+database\s/);
      expect(line).toContain(reason);
      expect(doctor.out()).not.toContain('All checks passed');
    }
    // A file this version made passes, and doctor leaves no journal files beside it.
    const fresh = mkdtempSync(join(tmpdir(), 'sa-doc-db-'));
    openDatabase(join(fresh, 'support-agent.db')).close();
    const ok = start(['doctor'], { DATA_DIR: fresh });
    expect(await ok.exited).toBe(0);
    expect(ok.out()).toMatch(/ok\s+database\s.*SQLite, schema version \d+/);
    expect(readdirSync(fresh)).toEqual(['support-agent.db']);
  }, 60_000);

  it('names the key a misspelt one of the configuration file nearly spells', async () => {
    const run = start(['doctor'], { SUPPORT_AGENT_CONFIG: configFile({ server: { prot: 8080 } }) });
    expect(await run.exited).toBe(2);
    expect(run.err()).toContain(
      'unknown key "prot" in "server" of the configuration file; did you mean "port"?',
    );
  });
});

describe('serve that cannot start', () => {
  it('writes no admin key when its database cannot be reached', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sa-doc-key-'));
    const run = start(['serve'], {
      DATA_DIR: dataDir,
      PORT: '0',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
    });
    expect(await run.exited).not.toBe(0);
    expect(readdirSync(dataDir).filter((name) => name.startsWith('admin-key'))).toEqual([]);
  });

  it('writes the key once it has started', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sa-doc-key-'));
    const run = start(['serve'], { DATA_DIR: dataDir, PORT: '0' });
    await waitFor(() => run.out().includes('an admin API key was generated'), 'the key');
    expect(existsSync(join(dataDir, 'admin-key'))).toBe(true);
    expect(existsSync(join(dataDir, 'admin-key.sha256'))).toBe(true);
  });
});

describe.runIf(postgresUp)('serve on Postgres with an empty knowledge base', () => {
  it('says ingest must use the same DATABASE_URL, not the same DATA_DIR', async () => {
    const schema = uniqueName('empty_kb');
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    try {
      const url = new URL(POSTGRES_URL);
      url.searchParams.set('options', `-c search_path=${schema}`);
      const run = start(['serve'], { DATABASE_URL: url.toString(), PORT: '0' });
      await waitFor(() => run.out().includes('knowledge base is empty'), 'the warning');
      const line = run
        .out()
        .split('\n')
        .find((l) => l.includes('knowledge base is empty'));
      expect(line).toContain('same DATABASE_URL as the server');
      expect(line).not.toContain('DATA_DIR');
      run.child.kill('SIGKILL');
      await run.exited;
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  });
});
