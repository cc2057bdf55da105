/**
 * The CLI is an operator's tool: when Redis is down, `ask` names Redis, where it was looked for
 * and why it could not be reached, not the words a customer would be shown.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killCliProcesses, startCli } from './helpers/process.js';

afterEach(killCliProcesses);

describe('support-agent ask with Redis down', () => {
  it('says Redis at its host and port is unreachable, with the error, and exits 1', async () => {
    const run = startCli(['ask', 'How do I reset my password?'], {
      DATA_DIR: mkdtempSync(join(tmpdir(), 'sa-cli-redis-')),
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(await run.exited).toBe(1);
    expect(run.out()).toBe('');
    expect(run.err()).toMatch(/^Redis at 127\.0\.0\.1:1 is unreachable: .*ECONNREFUSED/m);
    expect(run.err()).not.toContain('please try again in a moment');
  });

  it('chat says the same before it opens the conversation', async () => {
    const run = startCli(['chat'], {
      DATA_DIR: mkdtempSync(join(tmpdir(), 'sa-cli-redis-')),
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(await run.exited).toBe(1);
    expect(run.err()).toMatch(/^Redis at 127\.0\.0\.1:1 is unreachable: .*ECONNREFUSED/m);
  });
});
