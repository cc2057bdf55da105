/**
 * `doctor` tells of an override of no tool from the names the app would register, without
 * building it: those names must be the ones the app registers, whatever is configured.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtInToolNames, createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';

describe('builtInToolNames', () => {
  it('names the tools createApp registers, with and without the LLM and embeddings', async () => {
    const optional: Array<Record<string, string>> = [
      {},
      { LLM_BASE_URL: 'http://127.0.0.1:1/v1', LLM_MODEL: 'm' },
      { EMBEDDINGS_BASE_URL: 'http://127.0.0.1:1/v1', EMBEDDINGS_MODEL: 'e' },
    ];
    for (const env of optional) {
      const config = loadConfig({
        env: { DATA_DIR: mkdtempSync(join(tmpdir(), 'sa-tools-')), LOG_LEVEL: 'silent', ...env },
      });
      const app = createApp(config);
      try {
        const registered = app.tools.list().map((tool) => tool.name);
        expect(builtInToolNames(config).sort()).toEqual(registered.sort());
      } finally {
        await app.close();
      }
    }
  });
});
