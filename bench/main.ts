import { parseArgs } from 'node:util';
import { runHttpBench } from './http.js';
import { runRetrievalBench } from './retrieval.js';
import { runTurnBench } from './turn.js';
import { runWrapperBench } from './wrapper.js';

/** What every benchmark accepts from the command line. */
interface BenchOptions {
  rounds?: number;
  callsPerRound?: number;
}

/** A benchmark: runs, then returns a JSON-serialisable result. */
type Benchmark = (options: BenchOptions) => Promise<object>;

/** Every benchmark by the name given on the command line, in the order a bare run uses. */
const BENCHMARKS: Readonly<Record<string, Benchmark>> = {
  wrapper: runWrapperBench,
  retrieval: () => runRetrievalBench(),
  turn: () => runTurnBench(),
  http: () => runHttpBench(),
};

const USAGE = `usage: npm run bench -- [name ...] [--rounds N] [--calls N]
  names: ${Object.keys(BENCHMARKS).join(', ')} (none given: all of them)`;

function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${flag} must be a whole number >= 1, got "${value}"\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

/**
 * Runs the named benchmarks one after the other and prints each result as a pretty JSON
 * object on stdout as soon as it is done; diagnostics go to stderr. Exits 2 on bad usage and
 * 1 when a benchmark reports failed calls, since its timings then describe a broken path.
 */
async function main(argv: readonly string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { rounds: { type: 'string' }, calls: { type: 'string' } },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const names = parsed.positionals.length > 0 ? parsed.positionals : Object.keys(BENCHMARKS);
  const unknown = names.filter((name) => !Object.hasOwn(BENCHMARKS, name));
  if (unknown.length > 0) {
    console.error(`unknown benchmark ${unknown.map((n) => `"${n}"`).join(', ')}\n${USAGE}`);
    process.exit(2);
  }
  const options: BenchOptions = {};
  const rounds = positiveInt('rounds', parsed.values.rounds);
  const callsPerRound = positiveInt('calls', parsed.values.calls);
  if (rounds !== undefined) options.rounds = rounds;
  if (callsPerRound !== undefined) options.callsPerRound = callsPerRound;

  for (const name of names) {
    const result = await (BENCHMARKS[name] as Benchmark)(options);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    const failures = (result as { failures?: unknown }).failures;
    if (typeof failures === 'number' && failures > 0) {
      console.error(`${name}: ${failures} calls did not return the expected result`);
      process.exitCode = 1;
    }
  }
}

await main(process.argv.slice(2));
