#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig, productVersion, type Config } from '../config/index.js';
import { isAppError } from '../errors/index.js';
import { ask } from './ask.js';
import { chat } from './chat.js';
import { doctor } from './doctor.js';
import { evalRetrieval } from './eval.js';
import { ingest } from './ingest.js';
import { search } from './search.js';
import { serve } from './serve.js';
import { fatalAsJson, reportFatal } from './startup.js';

/** Exit code of an invalid configuration. */
const EXIT_CONFIG = 2;

/** The configuration once read: its LOG_FORMAT says how a fatal error is written. */
let loaded: Config | undefined;

/** Prints an invalid configuration as every command does, and exits with {@link EXIT_CONFIG}. */
function exitForConfig(error: ConfigError): never {
  reportFatal(error, fatalAsJson(loaded));
  process.exit(EXIT_CONFIG);
}

function configOrExit(): Config {
  try {
    loaded = loadConfig();
    return loaded;
  } catch (error) {
    if (error instanceof ConfigError) exitForConfig(error);
    throw error;
  }
}

const program = new Command()
  .name('support-agent')
  .description('Self-hosted customer-support AI agent')
  // `-v` as most tools spell it (commander's own is `-V`); the `version` command does the same.
  .version(productVersion(), '-v, --version', 'print the version')
  .showHelpAfterError();

program
  .command('serve')
  .description('start the HTTP server')
  .action(async () => {
    await serve(configOrExit());
  });

program
  .command('doctor')
  .description(
    'print the effective configuration (secrets masked) and check each configured service',
  )
  .action(async () => {
    process.exitCode = await doctor(configOrExit());
  });

program
  .command('ingest')
  .description(
    'add files and folders to the knowledge base (Markdown, text, HTML, PDF, DOCX, CSV, FAQ JSON, BEIR corpus.jsonl)',
  )
  .argument('<paths...>', 'files or folders (read recursively)')
  .option('--prune', 'remove documents whose files are gone from under the given paths', false)
  .action(async (paths: string[], options: { prune: boolean }) => {
    process.exitCode = await ingest(configOrExit(), paths, options);
  });

program
  .command('search')
  .description('search the knowledge base as the agent does')
  .argument('<query>', 'the question')
  .option('--json', 'print the whole result as JSON', false)
  .option('--top <n>', 'number of passages', (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 50)
      throw new InvalidArgumentError('a whole number from 1 to 50');
    return n;
  })
  .action(async (query: string, options: { json: boolean; top?: number }) => {
    process.exitCode = await search(configOrExit(), query, options);
  });

/**
 * A session id given on the command line: an id as `ask` and `chat` print them and the API makes
 * them, so that the conversation can be read in the admin API like any other.
 */
function sessionId(value: string): string {
  if (!SESSION_ID.test(value)) {
    throw new InvalidArgumentError(
      `"${value.slice(0, 80)}" is not a session id; give one as ask or chat printed it (like 0b7e…-…), or leave --session out to start a new conversation.`,
    );
  }
  return value.toLowerCase();
}
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

program
  .command('ask')
  .description('ask the agent one question and print its answer')
  .argument('<message>', "the customer's message")
  .option('--session <id>', 'continue this session (its id, as printed before)', sessionId)
  .option(
    '--attach <file>',
    'attach a file (repeatable)',
    (value: string, all: string[]) => [...all, value],
    [],
  )
  .option('--json', 'print the whole turn result as JSON', false)
  .action(
    async (message: string, options: { session?: string; attach: string[]; json: boolean }) => {
      process.exitCode = await ask(configOrExit(), message, options);
    },
  );

program
  .command('chat')
  .description('talk with the agent in the terminal; answers stream as they are written')
  .option('--session <id>', 'continue this session (its id, as printed before)', sessionId)
  .action(async (options: { session?: string }) => {
    process.exitCode = await chat(configOrExit(), options);
  });

program
  .command('eval')
  .description('measure quality')
  .command('retrieval')
  .description(
    'nDCG@10, Recall@10 and MRR@10 of the retriever on a BEIR folder (corpus.jsonl, queries.jsonl, qrels/test.tsv)',
  )
  .argument('<dir>', 'the BEIR folder')
  .action(async (dir: string) => {
    process.exitCode = await evalRetrieval(configOrExit(), dir);
  });

program
  .command('version')
  .description('print the version')
  .action(() => {
    console.log(productVersion());
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  // A setting refused where it is used (a DATA_DIR, a HOST, SESSION_ENCRYPTION_KEY when the app
  // opens) is as much an invalid configuration as one the schema refuses.
  if (error instanceof ConfigError) exitForConfig(error);
  if (isAppError(error) && error.code === 'config_invalid') {
    exitForConfig(new ConfigError([error.message]));
  }
  // Expected failures (a bad path, an unreadable file, a port in use) get their message; a
  // defect its stack.
  reportFatal(error, fatalAsJson(loaded));
  process.exit(1);
});
