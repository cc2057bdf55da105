import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { openApp } from '../app.js';
import type { Config } from '../config/index.js';
import { isAppError } from '../errors/index.js';

/**
 * `support-agent chat`: an interactive conversation in the terminal. Answers stream as they are
 * produced; `/new` starts a new session, `/quit` (or Ctrl-D) leaves.
 */
export async function chat(config: Config, options: { session?: string }): Promise<number> {
  const app = await openApp({ ...config, log: { ...config.log, level: 'warn' } });
  const lines = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: process.stdin.isTTY === true,
  });
  let sessionId = options.session ?? randomUUID();
  console.log(
    `Support chat (session ${sessionId}). Type /new for a new conversation, /quit to leave.`,
  );
  try {
    // The iterator buffers lines that arrive while an answer is still streaming (a pasted
    // block of questions); readline's question() would drop them.
    process.stdout.write('\nyou> ');
    for await (const line of lines) {
      const text = line.trim();
      if (text === '/quit' || text === '/exit') break;
      if (text === '/new') {
        sessionId = randomUUID();
        console.log(`(new session ${sessionId})`);
        process.stdout.write('\nyou> ');
        continue;
      }
      if (text === '') {
        process.stdout.write('you> ');
        continue;
      }
      let run;
      try {
        run = app.turns.start({ sessionId, text });
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
