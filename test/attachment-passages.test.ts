/**
 * How many passages one attached file may make: `ATTACHMENT_MAX_PASSAGES`, read from the
 * environment and held to by the attachments tool of the app built from it. A file within it
 * is read; one past it is refused as too large, and nothing of it is stored.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { ConfigError, loadConfig } from '../src/config/index.js';
import type { AttachmentSummary } from '../src/tools/index.js';

/** A plain text file of `words` words, one paragraph. */
function textFile(words: number): Uint8Array {
  const text = Array.from({ length: words }, (_, i) => `word${i}`).join(' ');
  return new TextEncoder().encode(`${text}.`);
}

/** An app whose passages are 20 words, none repeated, so that a file's passages are counted. */
function appWith(env: Record<string, string> = {}): App {
  const config = loadConfig({
    env: { LOG_LEVEL: 'silent', KB_CHUNK_SIZE: '20', KB_CHUNK_OVERLAP: '0', ...env },
  });
  return createApp(config, { databasePath: ':memory:' });
}

/** Attaches `files` to a message of session `s` and gives what the tool said of each. */
async function attach(app: App, files: Record<string, Uint8Array>) {
  const result = await app.tools.call<AttachmentSummary[]>(
    'attachments',
    { files: Object.entries(files).map(([name, data]) => ({ name, data })) },
    { sessionId: 's' },
  );
  if (result.type !== 'ok') throw new Error(`the attachments tool gave ${result.type}`);
  return Object.fromEntries(result.value.map((summary) => [summary.name, summary]));
}

describe('ATTACHMENT_MAX_PASSAGES', () => {
  let app: App | undefined;
  afterEach(() => app?.close());

  it('reads a file of as many passages as it allows and refuses one of more', async () => {
    app = appWith({ ATTACHMENT_MAX_PASSAGES: '5' });
    const read = await attach(app, { 'five.txt': textFile(100), 'six.txt': textFile(120) });
    expect(read['five.txt']).toMatchObject({ ok: true, chunks: 5 });
    expect(read['six.txt']).toMatchObject({
      ok: false,
      chunks: 0,
      problem: 'too_large',
      error: 'it makes more than the 5 passages this service keeps from one attached file',
    });
    expect(await app.knowledge.documentsOf('session:s', 'attachment:six.txt')).toEqual([]);
  });

  it('takes a file past the default of 2000 passages when raised', async () => {
    const large = { 'log.txt': textFile(2_001 * 20) };
    app = appWith();
    expect((await attach(app, large))['log.txt']).toMatchObject({
      ok: false,
      error: 'it makes more than the 2000 passages this service keeps from one attached file',
    });
    await app.close();
    app = appWith({ ATTACHMENT_MAX_PASSAGES: '2001' });
    expect((await attach(app, large))['log.txt']).toMatchObject({ ok: true, chunks: 2_001 });
  }, 60_000);

  it('refuses a value out of range, and a misspelt name, in the usual words', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig({ env });
        return [];
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        return error.problems;
      }
    };
    expect(problems({ ATTACHMENT_MAX_PASSAGES: '0' })).toEqual([
      'ATTACHMENT_MAX_PASSAGES="0": must be at least 1; expected a whole number of passages from 1 to 1000000',
    ]);
    expect(problems({ ATTACHMENT_MAX_PASSAGES: '2.5' })).toEqual([
      'ATTACHMENT_MAX_PASSAGES="2.5": must be a whole number; expected a whole number of passages from 1 to 1000000',
    ]);
    expect(problems({ ATTACHMENT_MAX_PASAGES: '5000' })).toEqual([
      'ATTACHMENT_MAX_PASAGES is not a setting; did you mean ATTACHMENT_MAX_PASSAGES?',
    ]);
  });
});
