import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { createServer } from 'node:net';
import { makeDirectory } from '../store/make-directory.js';
import { synonyms } from '../app.js';
import { ConfigError, sessionKeys, type Config } from '../config/index.js';
import { AppError, isAppError } from '../errors/index.js';
import { redactValue } from '../telemetry/index.js';

/**
 * The checks of the configuration that the schema cannot make and `serve` makes as it starts:
 * the synonyms file is read and understood, the session keys have the right form (and no
 * previous key is the current one), and HOST is an address this machine can listen on. `doctor`
 * runs the same, so it cannot pass a configuration that `serve` then refuses.
 *
 * @throws {ConfigError} with the message `serve` would stop with.
 */
export async function checkStartupConfig(config: Config): Promise<void> {
  const problems: string[] = [];
  const checks = [
    () => synonyms(config),
    // The app reads the keys whether or not REDIS_URL is set, so they are checked alike.
    () => sessionKeys(config),
    () => checkHost(config.server.host),
  ];
  for (const check of checks) {
    try {
      await check();
    } catch (error) {
      if (error instanceof ConfigError) problems.push(...error.problems);
      else if (isAppError(error) && error.code === 'config_invalid') problems.push(error.message);
      else throw error;
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

/**
 * Listens on HOST at a port the system picks, and stops: a name that does not resolve, or an
 * address of another machine, fails here as it would at `serve`'s listen, with the same
 * message, before anything is opened. The port itself is not tried: it is taken while `serve`
 * runs, and `doctor` is run beside a running server.
 *
 * @throws {ConfigError} naming HOST, as {@link listenFailure} does.
 */
async function checkHost(host: string): Promise<void> {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port: 0 }, resolve);
    });
  } catch (error) {
    const failure = listenFailure(error, host, 0);
    // Only a bad HOST is this check's to report; anything else is left to the real listen.
    if (failure instanceof ConfigError) throw failure;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** What a DATA_DIR that cannot be used looks like, in the words of its error code. */
const DATA_DIR_PROBLEMS: Record<string, string> = {
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'is a file, not a folder',
  EACCES: 'this user may not create it or write in it (permission denied)',
  EPERM: 'this user may not create it or write in it (permission denied)',
  EROFS: 'is on a read-only file system',
  // Under /proc or a link to nothing: the folder above exists but cannot hold a new one.
  ENOENT: 'cannot be created there (the folder above it cannot hold new folders)',
};

/**
 * Creates DATA_DIR (and the folders above it that are missing) readable by this user only: it
 * holds the conversations and the admin key. Every command that may be the first to make it goes
 * through here, so whichever runs first (`doctor` before `serve`, say), the folder is the same.
 * A folder that exists keeps its mode: the operator chose it.
 *
 * @throws the file system's error, as {@link makeDirectory} does.
 */
export function createDataDir(dir: string): void {
  makeDirectory(dir, 0o700);
}

/**
 * Creates DATA_DIR when it is missing (see {@link createDataDir}), and checks that this process
 * can write in it.
 *
 * @throws {ConfigError} naming DATA_DIR and what is wrong with it, instead of the file
 *   system's error (with its stack) at the first write.
 */
export async function ensureDataDir(dir: string): Promise<void> {
  try {
    // A file in its place fails here too, with EEXIST.
    createDataDir(dir);
    await access(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const problem = DATA_DIR_PROBLEMS[code] ?? `cannot be used (${(error as Error).message})`;
    throw new ConfigError([
      `DATA_DIR=${JSON.stringify(dir)}: ${problem}; expected a folder this user can create and write in`,
    ]);
  }
}

/**
 * Turns an error of `listen` into one line that names the setting and what to do: a bad HOST
 * is a configuration error (exit 2); a port taken by another process is not (exit 1).
 */
export function listenFailure(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  const expected = 'expected a host name or IP address of this machine, e.g. 127.0.0.1 or 0.0.0.0';
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_NONAME':
      return new ConfigError([
        `HOST=${JSON.stringify(host)}: the name does not resolve to an address; ${expected}`,
      ]);
    case 'EADDRNOTAVAIL':
      return new ConfigError([
        `HOST=${JSON.stringify(host)}: is not an address of this machine; ${expected}`,
      ]);
    case 'EADDRINUSE':
      return new AppError(
        'conflict',
        `Port ${port} on ${host} is in use by another process: stop it or set PORT to a free port.`,
        { cause: error },
      );
    case 'EACCES':
      return new AppError(
        'forbidden',
        `Port ${port} on ${host} needs privileges this user does not have: set PORT to 1024 or above.`,
        { cause: error },
      );
    default:
      return error;
  }
}

/**
 * Whether a command that cannot go on says why as one JSON line, as its log lines are: with
 * `LOG_FORMAT=json` (from the configuration once it is read, from the environment before), so
 * that a log store parsing the output of a container or a service can read it. Otherwise it is
 * plain text, for a person at a terminal.
 */
export function fatalAsJson(
  config: Config | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  return (config?.log.format ?? env.LOG_FORMAT?.trim().toLowerCase()) === 'json';
}

/**
 * Writes to stderr why a command stops: an invalid configuration (each problem, then where the
 * settings are described), an expected failure (its message) or a defect (its stack).
 */
export function reportFatal(error: unknown, json: boolean): void {
  const fields: Record<string, unknown> =
    error instanceof ConfigError
      ? {
          msg: 'Invalid configuration; see the configuration table in README.md.',
          problems: error.problems,
        }
      : isAppError(error)
        ? { msg: error.message, code: error.code }
        : {
            msg: error instanceof Error ? error.message : String(error),
            err: redactValue(error),
          };
  if (json) {
    const line = { level: 'fatal', time: new Date().toISOString(), ...fields };
    process.stderr.write(`${JSON.stringify(redactValue(line))}\n`);
    return;
  }
  if (error instanceof ConfigError) {
    console.error(error.message);
    console.error('\nSee the configuration table in README.md.');
  } else if (isAppError(error)) console.error(error.message);
  else console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
}
