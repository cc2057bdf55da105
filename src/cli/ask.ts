import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Config } from '../config/index.js';
import { isAppError } from '../errors/index.js';
import { turnResultBody } from '../protocol/index.js';
import type { ConversationRepository } from '../store/index.js';
import { openCliApp } from './open-app.js';

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
    const sessionId = options.session ?? randomUUID();
    if (options.session !== undefined && (await app.conversations.countMessages(sessionId)) === 0) {
      // A mistyped id would otherwise go on as a conversation with no past, without a word.
      console.error(`No earlier conversation has session id ${sessionId}; starting a new one.`);
    }
    const run = app.turns.start({ sessionId, text: message, attachments });
    const result = await run.result;
    await app.webhooks?.deliverDue();
    if (options.json) {
      const body = turnResultBody(result, {
        turnId: run.turnId,
        messageCount: await customerMessages(app.conversations, sessionId),
      });
      console.log(JSON.stringify(body, null, 2));
    } else {
      console.log(result.text);
      for (const source of result.sources)
        console.log(`  [${source.id}] ${source.title} — ${source.url ?? source.source}`);
      if (result.escalation.ticketId) console.log(`  ticket ${result.escalation.ticketId}`);
      console.log(`  (session ${sessionId})`);
    }
    return 0;
  } catch (error) {
    if (isAppError(error)) {
      console.error((error as Error).message);
      return 1;
    }
    throw error;
  } finally {
    await app.close();
  }
}

/**
 * The customer's messages in a conversation, this one included: what a session's `messageCount`
 * counts. The CLI keeps no session record to count them in, so they are counted in its history.
 */
async function customerMessages(
  conversations: ConversationRepository,
  sessionId: string,
): Promise<number> {
  const messages = await conversations.messages(sessionId);
  return messages.filter((m) => m.role === 'user').length;
}
