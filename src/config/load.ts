import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ZodObject, ZodRecord, type z } from 'zod';
import { AppError } from '../errors/index.js';
import { redactUrlCredentials } from '../telemetry/redact.js';
import { closestName } from './did-you-mean.js';
import { ENV_VARS, type EnvVarSpec } from './env-vars.js';
import { configSchema, type Config } from './schema.js';

/** Thrown when the configuration is invalid; `problems` has one line per bad value. */
export class ConfigError extends AppError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(
      'config_invalid',
      `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.problems = problems;
  }
}

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** The environment to read; `process.env` by default. */
  env?: Readonly<Record<string, string | undefined>>;
}

type Origin =
  { kind: 'env'; spec: EnvVarSpec } | { kind: 'file'; file: string } | { kind: 'default' };

/**
 * Reads the configuration from environment variables and the optional file named by
 * `SUPPORT_AGENT_CONFIG` (environment variables win), validates it, and returns it.
 *
 * @throws {ConfigError} naming each bad variable or file key, what is wrong with its value,
 *   and the expected form.
 * @example
 * const config = loadConfig({ env: { PORT: '0', LOG_LEVEL: 'silent' } });
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const raw: Record<string, unknown> = {};
  const origins = new Map<string, Origin>();

  for (const spec of ENV_VARS) {
    if (spec.path.length === 0) continue;
    // Every section exists even when none of its variables is set.
    if (spec.path.length > 1 && getPath(raw, spec.path.slice(0, -1)) === undefined) {
      setPath(raw, spec.path.slice(0, -1), {});
    }
    if (spec.default !== undefined) setPath(raw, spec.path, spec.default);
  }
  setPath(raw, ['tools', 'defaults', 'retry', 'multiplier'], 2);
  setPath(raw, ['tools', 'overrides'], {});

  const file = nonEmpty(env.SUPPORT_AGENT_CONFIG);
  if (file !== undefined) {
    const fromFile = readConfigFile(file);
    mergeInto(raw, fromFile, [], (path) => origins.set(path.join('.'), { kind: 'file', file }));
  }

  for (const spec of ENV_VARS) {
    const value = nonEmpty(env[spec.name]);
    if (spec.path.length === 0 || value === undefined) continue;
    setPath(raw, spec.path, value);
    origins.set(spec.path.join('.'), { kind: 'env', spec });
  }

  // A setting spelt almost like one of ours is one of ours misspelt: silently ignored, it would
  // leave (say) webhooks off or the admin key generated, with every check passing.
  const misspelt = misspeltVariables(env);
  // With the input on each issue, a value that is present but wrong is told from a missing one.
  const parsed = configSchema.safeParse(raw, { reportInput: true });
  if (parsed.success && misspelt.length === 0) return parsed.data;
  throw new ConfigError([
    ...misspelt,
    ...(parsed.success
      ? []
      : parsed.error.issues.map((issue) => describeIssue(issue, raw, origins))),
  ]);
}

/** Variables set that are not settings but nearly spell one: "ADMIN_APIKEY" for ADMIN_API_KEY. */
function misspeltVariables(env: Record<string, string | undefined>): string[] {
  const known = new Set(ENV_VARS.map((spec) => spec.name));
  const problems: string[] = [];
  for (const name of Object.keys(env)) {
    if (known.has(name) || name.length < 6 || env[name] === undefined) continue;
    const meant = closestName(name, known, 6);
    if (meant) problems.push(`${name} is not a setting; did you mean ${meant}?`);
  }
  return problems;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function readConfigFile(file: string): Record<string, unknown> {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
    throw new ConfigError([
      `SUPPORT_AGENT_CONFIG="${file}": the file ${reason}; expected a path to a .json, .yaml or .yml file`,
    ]);
  }
  let value: unknown;
  try {
    value = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError([
      `SUPPORT_AGENT_CONFIG="${file}": the file is not valid ${extname(path).toLowerCase() === '.json' ? 'JSON' : 'YAML'} (${(error as Error).message.split('\n')[0]})`,
    ]);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError([
      `SUPPORT_AGENT_CONFIG="${file}": the file must hold an object of settings, e.g. { "server": { "port": 8080 } }`,
    ]);
  }
  return value as Record<string, unknown>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!isPlainObject(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

function mergeInto(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
  path: string[],
  onLeaf: (path: string[]) => void,
): void {
  for (const [key, value] of Object.entries(source)) {
    const here = [...path, key];
    if (isPlainObject(value)) {
      if (!isPlainObject(target[key])) target[key] = {};
      mergeInto(target[key] as Record<string, unknown>, value, here, onLeaf);
    } else {
      target[key] = value;
      onLeaf(here);
    }
  }
}

function getPath(source: unknown, path: readonly PropertyKey[]): unknown {
  let node = source;
  for (const key of path) {
    // Lists too: an item of `http.corsOrigins` in a file is found by its index.
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key as string];
  }
  return node;
}

function describeIssue(
  issue: z.core.$ZodIssue,
  raw: unknown,
  origins: Map<string, Origin>,
): string {
  const path = issue.path.map(String);
  const key = path.join('.');
  const origin = originOf(path, origins);
  const inList = typeof issue.path.at(-1) === 'number';
  const spec = origin.kind === 'env' ? origin.spec : specForPath(inList ? path.slice(0, -1) : path);
  const expected = spec ? `; expected ${spec.expected}` : '';
  // A variable is shown whole, so the bad item of its list (one of CORS_ORIGINS) is named too.
  const item =
    origin.kind === 'env' && inList && !spec?.secret && typeof issue.input === 'string'
      ? `${JSON.stringify(issue.input)} `
      : '';
  const problem = `${item}${describeProblem(issue)}`;

  if (issue.code === 'unrecognized_keys') {
    const where = key === '' ? 'the configuration file' : `"${key}" of the configuration file`;
    // As for a misspelt variable: the key it nearly spells, from those allowed where it is.
    const known = keysAt(configSchema, path);
    const meant = issue.keys.flatMap((k) => {
      const name = closestName(k, known);
      return name ? [issue.keys.length === 1 ? `"${name}"` : `"${name}" for "${k}"`] : [];
    });
    const hint =
      meant.length > 0
        ? `did you mean ${meant.join(', ')}?`
        : "check the spelling against the README's configuration table";
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} in ${where}; ${hint}`;
  }
  // A variable is shown as it was given, even when the problem is in one item of its list.
  const value = getPath(raw, origin.kind === 'env' ? origin.spec.path : path);
  const shown = spec?.secret
    ? '(value hidden)'
    : // A URL's password is not repeated, even in the error that says it must not be there.
      redactUrlCredentials(JSON.stringify(value) ?? String(value));
  if (origin.kind === 'env') return `${origin.spec.name}=${shown}: ${problem}${expected}`;
  if (origin.kind === 'file') return `"${key}" in ${origin.file} = ${shown}: ${problem}${expected}`;
  const name = spec ? spec.name : key;
  return `${name}: ${problem}${expected}`;
}

/** The keys the schema allows in the object at `path`: none where it is not an object. */
function keysAt(schema: z.ZodType, path: readonly string[]): string[] {
  let node = unwrap(schema);
  for (const key of path) {
    if (node instanceof ZodObject) node = unwrap((node.shape as Record<string, z.ZodType>)[key]);
    // Below `tools.overrides`, a name of the operator's: every override has the same keys.
    else if (node instanceof ZodRecord) node = unwrap(node.valueType as z.ZodType);
    else return [];
  }
  return node instanceof ZodObject ? Object.keys(node.shape) : [];
}

/** The object (or record) inside the wrappers around it: optional, default, a pipe. */
function unwrap(node: z.ZodType | undefined): z.ZodType | undefined {
  let inner = node;
  while (inner && !(inner instanceof ZodObject) && !(inner instanceof ZodRecord)) {
    const def = inner._zod.def as { innerType?: z.ZodType; in?: z.ZodType };
    inner = def.innerType ?? def.in;
  }
  return inner;
}

/** Where the value at `path` (or the nearest section above it) came from. */
function originOf(path: readonly string[], origins: Map<string, Origin>): Origin {
  for (let n = path.length; n > 0; n--) {
    const origin = origins.get(path.slice(0, n).join('.'));
    if (origin) return origin;
  }
  return { kind: 'default' };
}

/** Finds the variable whose path ends like `path`, so that a per-tool override gets its hint. */
function specForPath(path: readonly string[]): EnvVarSpec | undefined {
  const exact = ENV_VARS.find((s) => s.path.join('.') === path.join('.'));
  if (exact) return exact;
  if (path[0] === 'tools' && path[1] === 'overrides') {
    const tail = path.slice(3).join('.');
    return ENV_VARS.find((s) => s.path.join('.') === `tools.defaults.${tail}`);
  }
  return undefined;
}

function describeProblem(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_small':
      return issue.origin === 'string'
        ? `is too short (at least ${String(issue.minimum)} characters)`
        : `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`;
    case 'invalid_type':
      if (issue.expected === 'int') return 'must be a whole number';
      if (issue.expected === 'number') return 'is not a number';
      if (issue.input === undefined) return 'is required';
      if (issue.expected === 'boolean') return 'is not true or false';
      return `must be ${issue.expected === 'object' ? 'an object' : `a ${issue.expected}`}`;
    case 'invalid_format':
      if (issue.format === 'url') return 'is not a valid URL';
      // Every pattern of the schema says in its own message what it wants.
      if (issue.format === 'regex') return issue.message;
      return `is not a valid ${issue.format}`;
    case 'invalid_value':
      return `is not one of ${issue.values.map((v) => String(v)).join(', ')}`;
    default:
      return issue.message;
  }
}
