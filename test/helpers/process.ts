// Server processes for tests that need real processes: signals, several instances.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = ['--import', 'tsx', join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts')];

/** A `support-agent serve` process. */
export interface ServeProcess {
  child: ChildProcess;
  url: string;
  dataDir: string;
  exited: Promise<number | null>;
  out(): string;
  err(): string;
}

/** Waits until `check` holds, polling. */
export async function waitFor(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Starts `support-agent serve` on a free port with JSON logs and waits until it listens.
 * The caller kills it (or sends SIGTERM and awaits `exited`).
 */
export async function startServe(env: Record<string, string>): Promise<ServeProcess> {
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'sa-serve-'));
  const child = spawn(process.execPath, CLI.concat('serve'), {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      LOG_FORMAT: 'json',
      DATA_DIR: dataDir,
      SESSION_STARTS_PER_MINUTE: '100000',
      // No drain before closing the listener: a test that stops a server waits for nothing.
      SHUTDOWN_DRAIN_MS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  await waitFor(() => gone || stdout.includes('listening on'), 'the server to listen');
  if (gone) throw new Error(`serve exited early:\n${stdout}\n${stderr}`);
  const line = stdout.split('\n').find((l) => l.includes('listening on'));
  const { url } = JSON.parse(line as string) as { url: string };
  return { child, url, dataDir, exited, out: () => stdout, err: () => stderr };
}

/** A `support-agent` command run as its own process. */
export interface CliProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  out(): string;
  err(): string;
}

const cliProcesses: ChildProcess[] = [];

/**
 * Runs `support-agent <args>` with PATH and `env` only, in a DATA_DIR of its own unless `env`
 * names one. `stdin`: text written to it, which is then closed; `'open'` to write to
 * `child.stdin` as the test goes (a chat); none by default. Stopped by {@link killCliProcesses}
 * if still running.
 */
export function startCli(
  args: string[],
  env: Record<string, string>,
  stdin?: { text: string } | 'open',
): CliProcess {
  const child = spawn(process.execPath, [...CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', DATA_DIR: mkdtempSync(join(tmpdir(), 'sa-cli-')), ...env },
    stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  cliProcesses.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  if (typeof stdin === 'object') child.stdin?.end(stdin.text);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

/** Kills every CLI process {@link startCli} started that is still running (after each test). */
export function killCliProcesses(): void {
  for (const child of cliProcesses.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
}
