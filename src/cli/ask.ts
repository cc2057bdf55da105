import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Config } from '../config/index.js';
import { isAppError } from '../errors/index.js';
import { openCliApp } from './open-app.js';

/**
 * `support-agent ask "<message>" [--session ID] [--attach FILE]... [--json]`: runs one turn and
 * prints the answer, or with `--json` the whole turn result (its `sessionId` continues the
 * conversation).
 */
export async function ask(
  config: Config,
  message: string,
  options: { session?: string; attach: string[]; json: boolean },
): Promise<number> {
  const app = await openCliApp(config);
  try {
    const attachments = await Promise.all(
      options.attach.map(async (path) => ({
        name: basename(path),
        data: new Uint8Array(await readFile(path)),
      })),
    );
    const sessionId = options.session ?? randomUUID();
    if (options.session !== undefined && (await app.conversations.countMessages(sessionId)) === 0) {
      // A mistyped id would otherwise go on as a conversation with no past, without a word.
      console.error(`No earlier conversation has session id ${sessionId}; starting a new one.`);
    }
    const result = await app.turns.start({ sessionId, text: message, attachments }).result;
    await app.webhooks?.deliverDue();
    if (options.json) {
      console.log(JSON.stringify(result, null, 2));
    } else {
      console.log(result.text);
      for (const source of result.sources)
        console.log(`  [${source.id}] ${source.title} — ${source.url ?? source.source}`);
      if (result.escalation.ticketId) console.log(`  ticket ${result.escalation.ticketId}`);
      console.log(`  (session ${sessionId})`);
    }
    return 0;
  } catch (error) {
    if (isAppError(error) || (error as NodeJS.ErrnoException).code === 'ENOENT') {
      console.error((error as Error).message);
      return 1;
    }
    throw error;
  } finally {
    await app.close();
  }
}
