import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Config } from '../config/index.js';
import { isAppError } from '../errors/index.js';
import { cliSession, openCliApp, operatorMessage } from './open-app.js';

/** Why a file could not be attached, in the words of its error code. */
const UNREADABLE: Record<string, string> = {
  ENOENT: 'there is no such file',
  EISDIR: 'it is a folder, not a file',
  EACCES: 'this user may not read it (permission denied)',
  EPERM: 'this user may not read it (permission denied)',
};

/** A file given with `--attach`, read whole; a file that cannot be read is said so plainly. */
async function readAttachment(path: string): Promise<{ name: string; data: Uint8Array }> {
  try {
    return { name: basename(path), data: new Uint8Array(await readFile(path)) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const why = UNREADABLE[code] ?? (error as Error).message;
    throw new Error(`Cannot attach ${path}: ${why}. Nothing was sent.`, { cause: error });
  }
}

/**
 * `support-agent ask "<message>" [--session ID] [--attach FILE]... [--json]`: runs one turn and
 * prints the answer, or with `--json` the whole turn result in the shape the HTTP API answers a
 * message with (`TurnResultBody`; its `sessionId` continues the conversation).
 */
export async function ask(
  config: Config,
  message: string,
  options: { session?: string; attach: string[]; json: boolean },
): Promise<number> {
  let attachments: Array<{ name: string; data: Uint8Array }>;
  try {
    // Read before anything is opened or stored: a file that cannot be read sends nothing.
    attachments = await Promise.all(options.attach.map(readAttachment));
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
  const app = await openCliApp(config);
  try {
    const { session, notice } = await cliSession(app, options.session);
    if (notice) console.error(notice);
    // The way a message over HTTP goes: under the session's lock, counted on the session, told
    // to its live feeds.
    const outcome = await app.sessionTurns.send({
      session,
      text: message,
      ...(attachments.length > 0 ? { attachments } : {}),
      requestId: randomUUID(),
    });
    const body = outcome.type === 'run' ? await outcome.result : outcome.result;
    await app.webhooks?.deliverDue();
    if (options.json) {
      console.log(JSON.stringify(body, null, 2));
    } else {
      console.log(body.message.text);
      for (const source of body.sources)
        console.log(`  [${source.id}] ${source.title} — ${source.url ?? source.source}`);
      if (body.escalation.ticketId) console.log(`  ticket ${body.escalation.ticketId}`);
      console.log(`  (session ${session.id})`);
    }
    return 0;
  } catch (error) {
    if (isAppError(error)) {
      console.error(await operatorMessage(config, error));
      return 1;
    }
    throw error;
  } finally {
    await app.close();
  }
}
