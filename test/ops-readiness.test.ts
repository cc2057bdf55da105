/**
 * What an operator reads on `/ready` with the admin key when a dependency fails: why, and where.
 * The README promises the host and the service's own error for each failing check, as the
 * database check gives them ("PostgreSQL at host:port/db is unavailable: connect ECONNREFUSED").
 * And a disk with less free space than DATA_DIR_MIN_FREE_MB takes the instance out of the load
 * balancer before messages fail on it, tried with bounds above and below the disk's free space.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkServices } from '../src/cli/checks.js';
import { loadConfig } from '../src/config/index.js';
import { cachedCheck, withDeadline, type ReadinessCheck } from '../src/readiness.js';
import { ADMIN_KEY, call, startServer, type TestServer } from './helpers/http.js';
import { killCliProcesses, startCli } from './helpers/process.js';
import { POSTGRES_URL } from './helpers/services.js';
import { closedPort, silentServer } from './helpers/tcp-proxy.js';

let t: TestServer | undefined;
afterEach(async () => {
  killCliProcesses();
  await t?.close();
  t = undefined;
});

async function redisDetail(server: TestServer): Promise<string> {
  const ready = await call(server.url, 'GET', '/ready', {
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
  });
  expect(ready.status).toBe(503);
  const check = ready.body.checks.find((c: { name: string }) => c.name === 'redis');
  expect(check.ok).toBe(false);
  return check.detail as string;
}

describe('/ready with the admin key, Redis failing', () => {
  it('names the Redis host and the connection error when nothing listens there', async () => {
    const port = await closedPort();
    t = await startServer({ REDIS_URL: `redis://127.0.0.1:${port}` });
    const detail = await redisDetail(t);
    expect(detail).toContain(`127.0.0.1:${port}`);
    expect(detail).toContain('ECONNREFUSED');
    // Not a customer's apology: the operator is the reader here.
    expect(detail).not.toContain('please try again');
  });

  it('names the Redis host and says it does not answer when it hangs', async () => {
    const silent = await silentServer();
    try {
      t = await startServer({ REDIS_URL: `redis://127.0.0.1:${silent.port}` });
      const detail = await redisDetail(t);
      expect(detail).toContain(`127.0.0.1:${silent.port}`);
      expect(detail).not.toContain('please try again');
      expect(detail).not.toContain('maxRetriesPerRequest');
    } finally {
      await t?.close();
      t = undefined;
      await silent.close();
    }
  });
});

/** The MiB this user may still write on the disk of `dir`, as the check reads it. */
async function freeMiB(dir: string): Promise<number> {
  const disk = await statfs(dir);
  return Math.floor((disk.bavail * disk.bsize) / (1024 * 1024));
}

describe('/ready and the free space of DATA_DIR', () => {
  const staff = { headers: { authorization: `Bearer ${ADMIN_KEY}` } };

  it('is not ready while the disk has less free space than DATA_DIR_MIN_FREE_MB', async () => {
    // A bound far above what is free, whatever the disk: other writers cannot close that gap.
    const bound = (await freeMiB(tmpdir())) + 100 * 1024;
    t = await startServer({ DATA_DIR_MIN_FREE_MB: String(bound) });
    const anyone = await call(t.url, 'GET', '/ready');
    expect(anyone.status).toBe(503);
    expect(anyone.body.status).toBe('not_ready');
    // Anyone sees which check fails, not why.
    expect(anyone.body.checks).toContainEqual({ name: 'disk_space', ok: false });
    const ready = await call(t.url, 'GET', '/ready', staff);
    expect(ready.status).toBe(503);
    const check = ready.body.checks.find((c: ReadinessCheck) => c.name === 'disk_space');
    expect(check.ok).toBe(false);
    expect(check.detail).toContain(t.dataDir);
    expect(check.detail).toContain('DATA_DIR_MIN_FREE_MB');
    expect(check.detail).toMatch(/below the [\d.]+ [KMGTP]iB needed/);
    // Every other check passes: the disk alone takes the instance out of the balancer.
    for (const other of ready.body.checks.filter((c: ReadinessCheck) => c.name !== 'disk_space')) {
      expect(other.ok).toBe(true);
    }
  });

  it('is ready with the free space above the bound, and says how much there is', async () => {
    t = await startServer({ DATA_DIR_MIN_FREE_MB: '1' });
    const ready = await call(t.url, 'GET', '/ready', staff);
    expect(ready.status).toBe(200);
    const check = ready.body.checks.find((c: ReadinessCheck) => c.name === 'disk_space');
    expect(check).toMatchObject({ name: 'disk_space', ok: true });
    expect(check.detail).toMatch(/free \(at least 1\.0 MiB needed\)$/);
  });

  it('is not checked with DATA_DIR_MIN_FREE_MB=0, nor with Postgres, which keeps no data there', async () => {
    t = await startServer({ DATA_DIR_MIN_FREE_MB: '0' });
    const off = await call(t.url, 'GET', '/ready');
    expect(off.status).toBe(200);
    expect(off.body.checks.map((c: ReadinessCheck) => c.name)).not.toContain('disk_space');
    const dataDir = mkdtempSync(join(tmpdir(), 'sa-disk-doctor-'));
    try {
      const names = async (env: Record<string, string>) =>
        (await checkServices(loadConfig({ env: { DATA_DIR: dataDir, ...env } }))).map(
          (c) => c.name,
        );
      expect(await names({ DATABASE_URL: POSTGRES_URL, DATA_DIR_MIN_FREE_MB: '1' })).not.toContain(
        'disk_space',
      );
      expect(await names({ DATA_DIR_MIN_FREE_MB: '0' })).not.toContain('disk_space');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('is one of the checks of doctor, with the same bound', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sa-disk-doctor-'));
    try {
      const disk = async (bound: number) =>
        (
          await checkServices(
            loadConfig({ env: { DATA_DIR: dataDir, DATA_DIR_MIN_FREE_MB: String(bound) } }),
          )
        ).find((c) => c.name === 'disk_space');
      const low = await disk((await freeMiB(dataDir)) + 100 * 1024);
      expect(low).toMatchObject({ name: 'disk_space', target: dataDir, ok: false });
      expect(low?.detail).toContain('DATA_DIR_MIN_FREE_MB');
      expect(await disk(1)).toMatchObject({ name: 'disk_space', target: dataDir, ok: true });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('doctor and the free space of DATA_DIR', () => {
  it('fails below the bound, and warns of a bound that Postgres makes unused', async () => {
    const low = startCli(['doctor'], {
      DATA_DIR_MIN_FREE_MB: String((await freeMiB(tmpdir())) + 100 * 1024),
    });
    expect(await low.exited).toBe(1);
    expect(low.out()).toMatch(/FAIL\s+disk_space\s.*DATA_DIR_MIN_FREE_MB/);
    const postgres = startCli(['doctor'], {
      DATABASE_URL: POSTGRES_URL,
      DATA_DIR_MIN_FREE_MB: '100',
    });
    expect(await postgres.exited).toBe(0);
    expect(postgres.out()).toContain(
      'DATA_DIR_MIN_FREE_MB is set but unused: only the embedded SQLite database keeps its data in DATA_DIR, and DATABASE_URL is set',
    );
    expect(postgres.out()).not.toContain('disk_space');
  }, 60_000);
});

describe('a readiness check kept for a while', () => {
  const passing = (): Promise<ReadinessCheck> => Promise.resolve({ name: 'disk_space', ok: true });

  it('runs once however often it is asked, and again once its answer is old', async () => {
    let clock = 0;
    let runs = 0;
    const check = cachedCheck(
      () => {
        runs += 1;
        return passing();
      },
      1_500,
      () => clock,
    );
    await Promise.all(Array.from({ length: 50 }, () => check()));
    expect(runs).toBe(1);
    clock = 1_499;
    await check();
    expect(runs).toBe(1);
    clock = 1_500;
    await check();
    expect(runs).toBe(2);
  });

  it('answers within the deadline when the check hangs, and does not start it again meanwhile', async () => {
    let runs = 0;
    let finish: (check: ReadinessCheck) => void = () => undefined;
    const check = cachedCheck(() => {
      runs += 1;
      return new Promise<ReadinessCheck>((resolve) => (finish = resolve));
    });
    const started = performance.now();
    const first = await withDeadline('disk_space', check(), 100);
    const second = await withDeadline('disk_space', check(), 100);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(first).toEqual({ name: 'disk_space', ok: false, detail: 'no answer within 100 ms' });
    expect(second.ok).toBe(false);
    expect(runs).toBe(1);
    finish({ name: 'disk_space', ok: true });
    expect(await withDeadline('disk_space', check(), 100)).toEqual({
      name: 'disk_space',
      ok: true,
    });
    expect(runs).toBe(1);
  });
});
