import { pino, type DestinationStream } from 'pino';
import pretty from 'pino-pretty';
import { openApp, type App } from '../app.js';
import type { Config } from '../config/index.js';
import { ensureDataDir } from './startup.js';

/**
 * Log lines of a one-shot command go to stderr: its stdout is its result, which a script
 * reads (`ask --json | jq`), and one warning there would break it. Pretty on a terminal, as
 * `LOG_FORMAT=auto` promises; written at once, as the command may exit right after.
 */
function stderrLogs(format: Config['log']['format']): DestinationStream {
  const usePretty = format === 'pretty' || (format === 'auto' && process.stderr.isTTY === true);
  return usePretty
    ? pretty({ colorize: process.stderr.isTTY === true, sync: true, destination: 2 })
    : pino.destination({ fd: 2, sync: true });
}

/**
 * Opens the app for a one-shot command (`ask`, `search`, `ingest`, `chat`): warnings and errors
 * only, logged to stderr, and a DATA_DIR that cannot be used reported as a configuration error.
 */
export async function openCliApp(config: Config): Promise<App> {
  if (!config.databaseUrl) await ensureDataDir(config.dataDir);
  return openApp(
    { ...config, log: { ...config.log, level: 'warn' } },
    { logDestination: stderrLogs(config.log.format) },
  );
}
