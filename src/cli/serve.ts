import { mkdir } from 'node:fs/promises';
import { createApp } from '../app.js';
import type { Config } from '../config/index.js';
import { buildServer } from '../http/index.js';

/**
 * Starts the HTTP server and stops it gracefully on SIGTERM or SIGINT: `/ready` turns 503,
 * new connections are refused, in-flight requests get `SHUTDOWN_GRACE_MS` to finish, then
 * telemetry is flushed and the process exits 0.
 */
export async function serve(config: Config): Promise<void> {
  await mkdir(config.dataDir, { recursive: true });
  const app = createApp(config);
  let draining = false;
  const server = await buildServer(app, { isDraining: () => draining });
  await server.listen({ host: config.server.host, port: config.server.port });
  app.start();
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  app.logger.info(
    { host: config.server.host, port, url: `http://${config.server.host}:${port}` },
    `support-agent listening on http://${config.server.host}:${port}`,
  );

  const shutdown = async (signal: NodeJS.Signals) => {
    if (draining) return;
    draining = true;
    app.logger.info({ signal, graceMs: config.server.shutdownGraceMs }, 'shutting down');
    const force = setTimeout(() => {
      app.logger.warn('grace period over; closing the remaining connections');
      server.server.closeAllConnections();
    }, config.server.shutdownGraceMs);
    force.unref();
    try {
      await server.close();
    } finally {
      clearTimeout(force);
      app.logger.info('stopped');
      await app.close();
    }
    process.exit(0);
  };
  process.once('SIGTERM', (signal) => void shutdown(signal));
  process.once('SIGINT', (signal) => void shutdown(signal));
}
