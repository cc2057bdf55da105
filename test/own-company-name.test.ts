/**
 * A help center whose company bears a name customers also give to other companies' services
 * ("zipcar", "vodafone", "octopus energy"): its customers name it in question after question,
 * and the name is searched as itself, not as "another company" (a supplier, a provider), which
 * would bring the pages on company accounts to every question.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { ingestPaths } from '../src/rag/index.js';
import { askFresh } from './helpers/qa-app.js';

let app: App;
let folder: string;

beforeAll(async () => {
  // The car-sharing help center, as a company named Zipcar would write it.
  folder = mkdtempSync(join(tmpdir(), 'own-name-'));
  cpSync(fileURLToPath(new URL('./fixtures/help-center-carshare', import.meta.url)), folder, {
    recursive: true,
  });
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    writeFileSync(path, readFileSync(path, 'utf8').replace(/wheelshare/gi, 'Zipcar'));
  }
  app = createApp(loadConfig({ env: { LOG_LEVEL: 'silent' } }), { databasePath: ':memory:' });
  const report = await ingestPaths(app.knowledge, [folder], {
    maxFileBytes: 1024 * 1024,
    chunk: { size: 1000, overlap: 100 },
  });
  expect(report.failed).toEqual([]);
});

afterAll(async () => {
  await app?.close();
  rmSync(folder, { recursive: true, force: true });
});

const askOf = askFresh('own-name');
const ask = (text: string) => askOf(app, text);

describe("a help center's own company name in a question", () => {
  it('"my zipcar wont unlock" is told how to unlock, not how to open a business account', async () => {
    const reply = await ask('my zipcar wont unlock');
    expect(reply.text).toContain('Our team can unlock most cars remotely');
    expect(reply.text).not.toContain('business account');
  });

  it('"zipcar charged me twice" is not told of company accounts', async () => {
    const reply = await ask('zipcar charged me twice');
    expect(reply.text).not.toContain('business account');
  });
});
