import { setTimeout as delay } from 'node:timers/promises';
import { openApp } from '../app.js';
import type { Config } from '../config/index.js';
import { buildServer } from '../http/index.js';
import type { StreamNotice } from '../protocol/api.js';
import { adminKey, leftoverAdminKeyFile } from './admin-key.js';
import { checkStartupConfig, ensureDataDir, listenFailure } from './startup.js';

/** How long turns cut short at the end of the grace period get to store what they have. */
const CUT_SHORT_WAIT_MS = 2_000;

/**
 * Starts the HTTP server and stops it gracefully on SIGTERM or SIGINT: `/ready` turns 503
 * `draining`; on SIGTERM requests are still served for `SHUTDOWN_DRAIN_MS`, while balancers stop
 * routing here; then new connections are refused, and turns in flight get `SHUTDOWN_GRACE_MS` to
 * finish (their streams end with `complete`); a turn still running then is cut short and stores
 * the reply it has so far; then every open stream gets a final `shutdown` event, pools are
 * closed, telemetry is flushed, and the process exits 0 (1, after a line that names it, when a
 * pool failed to close or did not within its time).
 */
export async function serve(config: Config): Promise<void> {
  await checkStartupConfig(config);
  await ensureDataDir(config.dataDir);
  const starting = await adminKey(config, process.stderr.isTTY === true);
  const app = await openApp(config, starting.hash ? { adminKeyHash: starting.hash } : {});
  // The search index is ready before the first customer asks (on SQLite it is built in memory).
  await app.knowledge.prepareSearch();
  let draining = false;
  const server = await buildServer(app, { isDraining: () => draining });
  try {
    await server.listen({ host: config.server.host, port: config.server.port });
  } catch (error) {
    await server.close().catch(() => undefined);
    // What did not close is logged by `close`; why the start failed is the story.
    await app.close().catch(() => undefined);
    throw listenFailure(error, config.server.host, config.server.port);
  }
  // Kept only now that the server has started: a start that fails writes no key.
  const admin = await starting.keep().catch(async (error: unknown) => {
    await server.close().catch(() => undefined);
    await app.close().catch(() => undefined);
    throw error;
  });
  // Background work: webhook delivery, and the sweeps of old memories and, with RETENTION_DAYS,
  // of conversations past their retention (at once, then hourly; each logs what it erased).
  app.start();
  if (config.retention.days > 0) {
    app.logger.info(
      { retentionDays: config.retention.days },
      `conversations are erased ${config.retention.days} days after their last message, unless their ticket is open or pending`,
    );
  }
  // From the moment it listens, a signal stops it gracefully: a supervisor may send one as soon
  // as it sees the port open, before the start-up checks below are done.
  // A stop that fails is still a stop: the process must not be left running, or end in an
  // unhandled rejection.
  const stop = (signal: NodeJS.Signals): void => {
    shutdown(signal).catch((error: unknown) => {
      app.logger.error({ err: error }, 'shutdown failed; exiting');
      process.exit(1);
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  app.logger.info(
    { host: config.server.host, port, url: `http://${config.server.host}:${port}` },
    `support-agent listening on http://${config.server.host}:${port}`,
  );
  // A dependency that is down at start (Redis refusing connections, a full disk) fails every
  // request that needs it: say which, once, rather than only through /ready.
  for (const check of await app.readiness()) {
    if (!check.ok) {
      app.logger.warn(
        { check: check.name, detail: check.detail },
        `${check.name} is not ready at start (${check.detail ?? 'no answer'}); requests that need it fail until it is`,
      );
    }
  }
  const { documents } = await app.knowledge.stats('kb');
  if (documents === 0) {
    // Every question would get "not found": say so once, where the operator looks first.
    // `ingest` must write where this server reads: the same database, named as it is set.
    const store = config.databaseUrl ? 'DATABASE_URL' : 'DATA_DIR';
    app.logger.warn(
      { documents },
      `the knowledge base is empty, so every question will be answered "not found"; add the help center with \`node dist/cli/main.js ingest <path>\` (\`support-agent ingest\` once installed; same ${store} as the server) or POST /v1/admin/documents`,
    );
  }
  if (admin.printed) {
    // On a terminal, shown once and never logged: only its hash is kept.
    process.stderr.write(
      `\nAdmin API key (shown once; its hash is in ${admin.hashFile}):\n  ${admin.printed}\n` +
        'Set ADMIN_API_KEY to choose your own.\n\n',
    );
  } else if (admin.keyFile) {
    // Without a terminal stderr goes to a log store (Docker, systemd, Kubernetes), where the key
    // would be readable by whoever reads logs: it waits in a file of this user's instead.
    app.logger.warn(
      { file: admin.keyFile },
      `an admin API key was generated: it is in ${admin.keyFile}, readable by this user only; read it there and delete the file (only its hash is needed), or set ADMIN_API_KEY to choose your own`,
    );
  }
  // Said at every start while it is there: a key on disk is a secret whoever reads the disk has.
  const leftover = await leftoverAdminKeyFile(config, admin);
  if (leftover) app.logger.warn({ file: leftover.file }, leftover.message);

  async function shutdown(signal: NodeJS.Signals): Promise<void> {
    if (draining) return;
    draining = true;
    const grace = config.server.shutdownGraceMs;
    // Ctrl-C is a person at a terminal, not a load balancer that must first stop routing here.
    const drain = signal === 'SIGINT' ? 0 : config.server.shutdownDrainMs;
    app.logger.info(
      { signal, drainMs: drain, graceMs: grace, turns: app.sessionTurns.inFlight },
      'shutting down',
    );
    if (drain > 0) {
      // `/ready` answers 503 `draining` while requests are still served: a balancer (Kubernetes
      // removing the pod from its endpoints) takes a few seconds to stop sending new ones, and
      // a listener closed at once would refuse them.
      await drained(drain);
    }
    // A second signal ends the grace period at once: whoever sends it wants the server gone
    // now. It is still stopped in order (turns cut short store their replies, telemetry is
    // flushed), where the signal's default action would kill it and lose them.
    const deadline = new Promise<void>((resolve) => {
      setTimeout(resolve, grace).unref();
      process.on('SIGTERM', () => resolve());
      process.on('SIGINT', () => resolve());
    });
    // Stop listening; requests and turns in flight go on.
    const closed = server.close();
    await Promise.race([app.sessionTurns.drain(), deadline]);
    if (app.sessionTurns.inFlight > 0) {
      // Turns still running when the grace period ends are cut short, not dropped: each stores
      // the reply it has so far (and sends its stream's `complete`) before the database closes.
      app.sessionTurns.stopAll();
      await Promise.race([
        app.sessionTurns.drain(),
        delay(CUT_SHORT_WAIT_MS, undefined, { ref: false }),
      ]);
    }
    server.streams.finishAll(shutdownNotice(config));
    await Promise.race([closed, deadline]);
    if (app.sessionTurns.inFlight > 0 || server.streams.size > 0) {
      app.logger.warn('grace period over; closing the remaining connections');
    }
    server.server.closeAllConnections();
    await closed.catch(() => undefined);
    app.logger.info('stopped');
    // A part that did not close (a pool whose server stopped answering) was named in the log by
    // `close`, which flushed telemetry all the same: the exit code says the stop was not clean.
    process.exit(
      await app.close().then(
        () => 0,
        () => 1,
      ),
    );
  }
}

/**
 * Resolves after `ms`, or at once on a second SIGTERM or SIGINT: whoever sends it wants the
 * server gone now, not after the drain.
 */
function drained(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      process.off('SIGTERM', done);
      process.off('SIGINT', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    process.once('SIGTERM', done);
    process.once('SIGINT', done);
  });
}

/**
 * The last event of every stream at shutdown, true for the session store in use: sessions in
 * Redis outlive this process, so a customer reconnects and goes on; sessions in memory end with
 * it, and a reconnect with the old token would be refused.
 */
function shutdownNotice(config: Config): StreamNotice {
  return config.redisUrl
    ? {
        type: 'shutdown',
        resumable: true,
        message: 'The server is restarting; reconnect in a moment to continue this conversation.',
      }
    : {
        type: 'shutdown',
        resumable: false,
        message:
          'The server is restarting, which ends this conversation. Start a new conversation in a moment if you need more help.',
      };
}
