import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import type { Config } from '../config/index.js';
import { isAppError } from '../errors/index.js';
import type { Session } from '../session/index.js';
import { cliSession, openCliApp, operatorMessage } from './open-app.js';

/** The commands of `chat`, as `/help` lists them. */
const COMMANDS: ReadonlyArray<readonly [string, string]> = [
  ['/new', 'start a new conversation (a new session)'],
  ['/quit', 'leave (also /exit or Ctrl-D)'],
  ['/help', 'list these commands'],
];

/**
 * A line that is a command: a slash and a word first ("/hlep", "/new please"). A path such as
 * "/etc/hosts" is not one, and is sent as a message.
 */
const COMMAND = /^\/[a-z]+(?:\s|$)/i;

/**
 * `support-agent chat`: an interactive conversation in the terminal. Answers stream as they are
 * produced; `/new` starts a new session, `/quit` (or Ctrl-D) leaves, `/help` lists the
 * commands. Another `/command` is refused rather than sent to the agent as the customer's words.
 */
export async function chat(config: Config, options: { session?: string }): Promise<number> {
  const app = await openCliApp(config);
  let session: Session;
  try {
    const opened = await cliSession(app, options.session);
    if (opened.notice) console.error(opened.notice);
    session = opened.session;
  } catch (error) {
    await app.close();
    if (!isAppError(error)) throw error;
    console.error(await operatorMessage(config, error));
    return 1;
  }
  const lines = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: process.stdin.isTTY === true,
  });
  console.log(
    `Support chat (session ${session.id}). Type /new for a new conversation, /quit to leave, /help for the commands.`,
  );
  try {
    // The iterator buffers lines that arrive while an answer is still streaming (a pasted
    // block of questions); readline's question() would drop them.
    process.stdout.write('\nyou> ');
    for await (const line of lines) {
      const text = line.trim();
      if (text === '/quit' || text === '/exit') break;
      if (text === '/new') {
        try {
          session = (await cliSession(app)).session;
          console.log(`(new session ${session.id})`);
        } catch (error) {
          if (!isAppError(error)) throw error;
          console.log(`(${error.message})`);
        }
        process.stdout.write('\nyou> ');
        continue;
      }
      if (text === '') {
        process.stdout.write('you> ');
        continue;
      }
      if (COMMAND.test(text)) {
        const name = text.split(/\s/, 1)[0] ?? text;
        if (name === '/help') {
          for (const [command, what] of COMMANDS) console.log(`  ${command.padEnd(6)}  ${what}`);
        } else {
          console.log(`(unknown command ${name}, not sent; /help lists the commands)`);
        }
        process.stdout.write('\nyou> ');
        continue;
      }
      let run;
      try {
        // The way a message over HTTP goes: under the session's lock, counted on the session,
        // told to its live feeds; an ended session refuses it in the API's words.
        const outcome = await app.sessionTurns.send({ session, text, requestId: randomUUID() });
        if (outcome.type !== 'run') continue;
        run = outcome;
      } catch (error) {
        console.log(isAppError(error) ? error.message : String(error));
        process.stdout.write('\nyou> ');
        continue;
      }
      process.stdout.write('agent> ');
      for await (const event of run.events) {
        if (event.type === 'text') process.stdout.write(event.delta);
        else if (event.type === 'error') process.stdout.write(`\n(${event.message})`);
        else if (event.type === 'complete') {
          process.stdout.write('\n');
          for (const source of event.message.sources) {
            console.log(`  [${source.id}] ${source.title} — ${source.url ?? source.source}`);
          }
        }
      }
      await run.result.catch(() => undefined);
      process.stdout.write('\nyou> ');
    }
    await app.webhooks?.deliverDue();
    return 0;
  } finally {
    lines.close();
    // A terminal or a pipe left open by the other side would otherwise keep the process alive.
    process.stdin.destroy();
    await app.close();
  }
}
