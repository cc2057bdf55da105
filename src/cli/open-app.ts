import { openApp, type App } from '../app.js';
import type { Config } from '../config/index.js';
import { ensureDataDir } from './startup.js';

/**
 * Opens the app for a one-shot command (`ask`, `search`, `ingest`, `chat`): warnings and errors
 * only, logged to stderr — its stdout is its result, which a script reads (`ask --json | jq`),
 * and one warning there would break it — and a DATA_DIR that cannot be used reported as a
 * configuration error.
 */
export async function openCliApp(config: Config): Promise<App> {
  if (!config.databaseUrl) await ensureDataDir(config.dataDir);
  return openApp({ ...config, log: { ...config.log, level: 'warn' } }, { logFd: 2 });
}
