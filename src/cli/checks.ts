import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { sessionKeys, type Config } from '../config/index.js';
import { checkDataDir, checkDiskSpace, withDeadline } from '../readiness.js';
import { checkSessionKey, connectRedis } from '../session/index.js';
import { MIGRATIONS, schemaTooNew, storedSchemaVersion, toSqliteError } from '../store/index.js';
import { createDataDir } from './startup.js';

/** The result of checking one configured service. */
export interface ServiceCheck {
  name: string;
  target: string;
  ok: boolean;
  detail: string;
}

const TIMEOUT_MS = 3_000;

/**
 * Checks every configured service: the data directory (and, with the embedded database, the
 * free space of its disk), the database (the SQLite file's schema version, or Postgres logging
 * in and answering a query; nothing is migrated), Redis (answers PING, and its sessions are
 * encrypted with this `SESSION_ENCRYPTION_KEY`, or unencrypted as here), the LLM and embeddings
 * APIs (`GET /models`) and the OTLP collector (connect).
 * Services that are not configured are not checked.
 */
export async function checkServices(config: Config): Promise<ServiceCheck[]> {
  const dir = checkDir(config.dataDir);
  const checks: Array<Promise<ServiceCheck | ServiceCheck[]>> = [
    // The embedded database's disk, once the folder is there: `/ready` fails below the bound.
    config.databaseUrl || config.dataDirMinFreeMb === 0
      ? dir
      : dir.then(async (made) =>
          made.ok ? [made, await checkDisk(config.dataDir, config.dataDirMinFreeMb)] : [made],
        ),
  ];
  checks.push(
    config.databaseUrl
      ? checkPostgres(config.databaseUrl)
      : checkSqlite(join(config.dataDir, 'support-agent.db')),
  );
  const redisUrl = config.redisUrl;
  if (redisUrl) {
    // Its sessions are looked at once Redis answers: a Redis that is down fails once, by name.
    checks.push(
      checkRedis(redisUrl).then(async (ping) =>
        ping.ok ? [ping, await checkSessionsKey(config, redisUrl)] : [ping],
      ),
    );
  }
  if (config.llm.baseUrl) checks.push(checkModels('llm', config.llm.baseUrl, config.llm.apiKey));
  if (config.embeddings.baseUrl) {
    checks.push(checkModels('embeddings', config.embeddings.baseUrl, config.embeddings.apiKey));
  }
  if (config.telemetry.otlpEndpoint)
    checks.push(checkTcp('otlp', config.telemetry.otlpEndpoint, 4318));
  return (await Promise.all(checks)).flat();
}

function target(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
}

async function checkDir(dir: string): Promise<ServiceCheck> {
  // `serve` creates the directory at start, so a fresh install is not a failure; made here, it
  // is made as `serve` makes it, for this user only.
  const created = Promise.resolve()
    .then(() => createDataDir(dir))
    .then(
      () => checkDataDir(dir),
      (error: Error) => ({
        name: 'data_dir',
        ok: false,
        detail: `cannot create ${dir}: ${error.message}`,
      }),
    );
  const check = await withDeadline('data_dir', created, TIMEOUT_MS);
  return { name: 'data_dir', target: dir, ok: check.ok, detail: check.detail ?? '' };
}

async function checkDisk(dir: string, minFreeMb: number | undefined): Promise<ServiceCheck> {
  const check = await withDeadline('disk_space', checkDiskSpace(dir, minFreeMb), TIMEOUT_MS);
  return { name: 'disk_space', target: dir, ok: check.ok, detail: check.detail ?? '' };
}

/**
 * The SQLite file `serve` opens, read as it is (nothing is migrated): one that is not a database,
 * is damaged or unreadable, or that a newer version migrated, is what `serve` would stop on.
 */
async function checkSqlite(path: string): Promise<ServiceCheck> {
  const known = Math.max(...MIGRATIONS.map((m) => m.version));
  const check = (ok: boolean, detail: string) => ({ name: 'database', target: path, ok, detail });
  try {
    const version = storedSchemaVersion(path);
    if (version === undefined) return check(true, 'SQLite; made at the first start');
    if (version > known) return check(false, schemaTooNew(version, known));
    return check(
      true,
      version === known
        ? `SQLite, schema version ${version}`
        : `SQLite, schema version ${version}; serve upgrades it to ${known}`,
    );
  } catch (error) {
    return check(false, (toSqliteError(error, path) as Error).message);
  }
}

function openSocket(url: string, defaultPort: number): Promise<Socket> {
  const u = new URL(url);
  const port = Number(u.port || defaultPort);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: u.hostname, port, timeout: TIMEOUT_MS });
    socket.once('connect', () => resolve(socket));
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`no answer within ${TIMEOUT_MS} ms`));
    });
    socket.once('error', reject);
  });
}

async function checkPostgres(url: string): Promise<ServiceCheck> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: TIMEOUT_MS });
  // Connection errors after the check must not crash the command.
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return {
      name: 'postgres',
      target: target(url),
      ok: true,
      detail: `PostgreSQL ${rows[0]?.server_version ?? '?'} answers`,
    };
  } catch (error) {
    return { name: 'postgres', target: target(url), ok: false, detail: (error as Error).message };
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkTcp(name: string, url: string, defaultPort: number): Promise<ServiceCheck> {
  try {
    const socket = await openSocket(url, defaultPort);
    socket.destroy();
    return { name, target: target(url), ok: true, detail: 'reachable (TCP connect)' };
  } catch (error) {
    return { name, target: target(url), ok: false, detail: (error as Error).message };
  }
}

/**
 * Why Redis at `url` cannot be reached, in an operator's words (`Redis at 127.0.0.1:6379 is
 * unreachable: connect ECONNREFUSED 127.0.0.1:6379`), or undefined when it answers PING. A
 * failed command says only that Redis is down, in words meant for a customer; this names where
 * it was looked for, and the cause.
 */
export async function redisUnreachable(url: string): Promise<string | undefined> {
  const check = await checkRedis(url);
  if (check.ok) return undefined;
  const u = new URL(url);
  return `Redis at ${u.hostname}:${u.port || 6379} is unreachable: ${check.detail}`;
}

async function checkRedis(url: string): Promise<ServiceCheck> {
  try {
    const socket = await openSocket(url, 6379);
    const reply = await new Promise<string>((resolve, reject) => {
      socket.setTimeout(TIMEOUT_MS, () =>
        reject(new Error(`no answer to PING within ${TIMEOUT_MS} ms`)),
      );
      socket.once('data', (data) => resolve(data.toString()));
      socket.once('error', reject);
      socket.write('PING\r\n');
    }).finally(() => socket.destroy());
    const ok = reply.startsWith('+PONG');
    return {
      name: 'redis',
      target: target(url),
      ok,
      detail: ok ? 'PING answered PONG' : `PING answered ${reply.trim()}`,
    };
  } catch (error) {
    return { name: 'redis', target: target(url), ok: false, detail: (error as Error).message };
  }
}

/**
 * Reads the key check value a serving instance keeps in Redis: a different key (or none where
 * the others encrypt) fails here, before `serve` would answer every existing session as gone.
 * Nothing is written.
 */
async function checkSessionsKey(config: Config, url: string): Promise<ServiceCheck> {
  const client = connectRedis(url);
  const { current, previous } = sessionKeys(config);
  try {
    const check = await withDeadline(
      'sessions',
      checkSessionKey(client, {
        keyPrefix: config.redisKeyPrefix,
        ...(current ? { encryptionKey: current, previousEncryptionKeys: previous } : {}),
        ttlMs: config.sessions.ttlSeconds * 1000,
        write: false,
      }).then((outcome) => ({ name: 'sessions', ...outcome })),
      TIMEOUT_MS,
    );
    return { name: 'sessions', target: target(url), ok: check.ok, detail: check.detail ?? '' };
  } catch (error) {
    return { name: 'sessions', target: target(url), ok: false, detail: (error as Error).message };
  } finally {
    client.disconnect();
  }
}

async function checkModels(
  name: string,
  baseUrl: string,
  apiKey: string | undefined,
): Promise<ServiceCheck> {
  const url = `${baseUrl.replace(/\/+$/, '')}/models`;
  try {
    const response = await fetch(url, {
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const ok = response.ok;
    return { name, target: target(baseUrl), ok, detail: `GET /models answered ${response.status}` };
  } catch (error) {
    return { name, target: target(baseUrl), ok: false, detail: (error as Error).message };
  }
}
