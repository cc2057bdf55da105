// Acceptance: two real processes share one session through Redis. 2 processes × 25 concurrent
// increments end at exactly 50; a holder whose lock expired cannot write over newer data.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisSessionStore, type SessionData } from '../src/session/index.js';
import { REDIS_URL, serviceAvailable, uniqueName } from './helpers/services.js';

const redisUp = await serviceAvailable('Redis', REDIS_URL, 6379);

const data: SessionData = {
  tokenHash: 'd'.repeat(64),
  status: 'active',
  messageCount: 0,
  lastMessageAt: null,
  metadata: {},
};

/** A fixture under test/fixtures/session-store/ run as its own Node process, read line by line. */
function startProcess(fixture: string, args: string[]) {
  const script = fileURLToPath(new URL(`./fixtures/session-store/${fixture}`, import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return {
    async line(): Promise<string> {
      const next = await lines.next();
      if (next.done) {
        const code = await exited;
        throw new Error(`${fixture} exited (${code}) without output: ${stderr}`);
      }
      return next.value;
    },
    send(text: string) {
      child.stdin?.write(`${text}\n`);
    },
    async exitCode() {
      return exited;
    },
    kill() {
      if (child.exitCode === null) child.kill();
    },
  };
}

describe.runIf(redisUp)('a session shared by two processes through Redis', () => {
  const keyPrefix = `${uniqueName('session_processes_test')}:`;
  const store = redisUp
    ? new RedisSessionStore({ url: REDIS_URL, keyPrefix, ttlMs: 60_000 })
    : null;
  const started: ReturnType<typeof startProcess>[] = [];
  const start = (fixture: string, args: string[]) => {
    const child = startProcess(fixture, [REDIS_URL, keyPrefix, ...args]);
    started.push(child);
    return child;
  };

  afterAll(async () => {
    for (const child of started) child.kill();
    await store?.close();
    const admin = new Redis(REDIS_URL);
    const keys = await admin.keys(`${keyPrefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  });

  it('2 processes × 25 concurrent increments end at exactly 50', async () => {
    const { id } = await store!.create(data);
    const writers = [start('increment.ts', [id, '25']), start('increment.ts', [id, '25'])];
    for (const writer of writers) expect(await writer.line()).toBe('ready');
    for (const writer of writers) writer.send('go');
    for (const writer of writers) {
      expect(JSON.parse(await writer.line())).toEqual({ written: 25 });
      expect(await writer.exitCode()).toBe(0);
    }
    expect(await store!.get(id)).toMatchObject({ messageCount: 50, version: 51 });
  });

  it('refuses the write of a process whose lock expired once another took it', async () => {
    const { id } = await store!.create(data);
    const lockTtlMs = 300;
    const first = start('locked-write.ts', [id, String(lockTtlMs), 'first']);
    const { token: firstToken } = JSON.parse(await first.line()) as { token: number };
    await new Promise((resolve) => setTimeout(resolve, lockTtlMs * 2));

    // The second process locks without waiting: it can only because the first lock expired.
    const second = start('locked-write.ts', [id, '10000', 'second']);
    const { token: secondToken } = JSON.parse(await second.line()) as { token: number };
    expect(secondToken).toBe(firstToken + 1);
    second.send('write');
    expect(JSON.parse(await second.line())).toEqual({ outcome: 'written' });

    first.send('write');
    expect(JSON.parse(await first.line())).toMatchObject({
      outcome: 'refused',
      code: 'conflict',
      message: expect.stringMatching(/the session lock was lost/),
    });
    expect(await first.exitCode()).toBe(0);
    expect(await second.exitCode()).toBe(0);
    expect(await store!.get(id)).toMatchObject({ metadata: { writer: 'second' }, version: 2 });
  });
});
