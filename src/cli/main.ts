#!/usr/bin/env node
import { Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config/index.js';
import { doctor } from './doctor.js';
import { serve } from './serve.js';

/** Exit code of an invalid configuration. */
const EXIT_CONFIG = 2;

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      console.error('\nSee the configuration table in README.md.');
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }
}

const program = new Command()
  .name('support-agent')
  .description('Self-hosted customer-support AI agent')
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

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
