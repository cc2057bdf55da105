import { randomBytes, randomUUID } from 'node:crypto';
import { openApp, type App } from '../app.js';
import type { Config } from '../config/index.js';
import { AppError } from '../errors/index.js';
import { hashToken } from '../http/auth.js';
import type { Session } from '../session/index.js';
import { redisUnreachable } from './checks.js';
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

/**
 * An error of a one-shot command in an operator's words. A store that is down is told to a
 * customer without its address ("Redis is unavailable…; please try again"); the operator is told
 * which Redis, where, and why it cannot be reached.
 */
export async function operatorMessage(config: Config, error: AppError): Promise<string> {
  if (error.code !== 'upstream_unavailable' || !config.redisUrl) return error.message;
  return (await redisUnreachable(config.redisUrl)) ?? error.message;
}

/**
 * The session `ask` and `chat` send to, from the configured session store, so that their messages
 * go the way one over HTTP does (`app.sessionTurns`: the session's lock, its counters, its live
 * events). Without `id`, a new session. With Redis (`REDIS_URL`) the session must be there, as
 * for the HTTP API: an unknown or expired one is refused in the API's words. With sessions in
 * memory no earlier process's session is kept, so the conversation stored under `id` goes on in
 * a session made for it here, counting the customer messages it has; `notice` says when it has
 * none (a mistyped id would otherwise go on as a conversation with no past, without a word).
 * The command never shows a token: it acts as the operator, not as the session's customer.
 * @throws {AppError} `not_found`, or `upstream_unavailable` when Redis cannot be reached.
 */
export async function cliSession(
  app: App,
  id?: string,
): Promise<{ session: Session; notice?: string }> {
  const { sessions, conversations, config } = app;
  const data = {
    tokenHash: hashToken(randomBytes(32).toString('base64url')),
    status: 'active' as const,
    messageCount: 0,
    lastMessageAt: null,
    metadata: {},
  };
  // Made or continued here, it would be one the instances with the right key cannot read.
  await sessions.assertServing();
  if (id === undefined) return { session: await sessions.create(data, { id: randomUUID() }) };
  const found = await sessions.get(id);
  if (found !== null) return { session: found };
  if (config.redisUrl) {
    throw new AppError('not_found', 'This session does not exist or has expired.');
  }
  const history = await conversations.messages(id);
  const asked = history.filter((m) => m.role === 'user');
  const session = await sessions.create(
    { ...data, messageCount: asked.length, lastMessageAt: asked.at(-1)?.createdAt ?? null },
    { id },
  );
  return history.length > 0
    ? { session }
    : { session, notice: `No earlier conversation has session id ${id}; starting a new one.` };
}
