import { builtInToolNames, unknownToolOverride } from '../app.js';
import { describeConfig, type Config } from '../config/index.js';
import { defaultParseConcurrency } from '../rag/parse/index.js';
import { checkServices } from './checks.js';
import { checkStartupConfig } from './startup.js';

/**
 * Prints the effective configuration (secrets masked) and checks each configured service.
 * Returns the exit code: 0 when every check passes, 1 otherwise.
 *
 * @throws {ConfigError} for a configuration `serve` would refuse, with its message.
 */
export async function doctor(config: Config): Promise<number> {
  await checkStartupConfig(config);
  const rows = describeConfig(config);
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log('Configuration (secrets masked):');
  for (const row of rows) {
    console.log(`  ${row.name.padEnd(width)}  ${row.value}${row.isDefault ? '  (default)' : ''}`);
  }
  const overrides = Object.keys(config.tools.overrides);
  if (overrides.length > 0) console.log(`  per-tool overrides for: ${overrides.join(', ')}`);

  console.log('\nModes:');
  console.log(
    `  persistence  ${config.databaseUrl ? 'Postgres (DATABASE_URL)' : `SQLite under ${config.dataDir}`}`,
  );
  console.log(
    `  sessions     ${config.redisUrl ? 'Redis (REDIS_URL)' : 'in memory (this process only)'}`,
  );
  console.log(`  encryption   ${sessionEncryption(config)}`);
  console.log(
    `  answers      ${config.llm.baseUrl ? `LLM ${config.llm.model ?? ''}` : 'extractive (no LLM configured)'}`,
  );
  console.log(
    `  retrieval    ${config.embeddings.baseUrl ? 'hybrid: BM25 + dense embeddings' : 'lexical only (no embeddings configured)'}`,
  );
  console.log(
    `  telemetry    ${config.telemetry.otlpEndpoint ? 'OTLP export + /metrics' : '/metrics only'}${config.metricsToken ? ' (METRICS_TOKEN required)' : ' (open to anyone who reaches the port; set METRICS_TOKEN to require a token)'}`,
  );
  console.log(`  parsing      ${parsing(config)}`);
  console.log(
    `  retention    ${config.retention.days === 0 ? 'conversations kept until erased on request (RETENTION_DAYS=0)' : `conversations erased ${config.retention.days} days after their last message, unless a ticket is open or pending`}`,
  );

  const warnings = configWarnings(config);
  if (warnings.length > 0) {
    console.log('\nWarnings:');
    for (const warning of warnings) console.log(`  ${warning}`);
  }

  console.log('\nServices:');
  const checks = await checkServices(config);
  for (const check of checks) {
    console.log(
      `  ${check.ok ? 'ok  ' : 'FAIL'}  ${check.name.padEnd(10)}  ${check.target}  ${check.detail}`,
    );
  }
  const failed = checks.filter((c) => !c.ok).length;
  // A warning does not fail the check (serve starts with it), but is not lost above the table.
  const noted =
    warnings.length === 0
      ? ''
      : `, with ${warnings.length} warning${warnings.length === 1 ? '' : 's'} (see Warnings above)`;
  console.log(
    failed === 0 ? `\nAll checks passed${noted}.` : `\n${failed} check(s) failed${noted}.`,
  );
  return failed === 0 ? 0 : 1;
}

/** How files are read, with the concurrency this machine gives when it is not set. */
function parsing(config: Config): string {
  const { concurrency, timeoutMs, workerMemoryMb, memoryBudgetMb } = config.parse;
  const files =
    concurrency === undefined
      ? `${defaultParseConcurrency()} files at once (the cores but one, from 2 to 4; PARSE_CONCURRENCY sets it)`
      : `${concurrency} file${concurrency === 1 ? '' : 's'} at once`;
  return `${files} for the knowledge base and as many for attachments, each within ${timeoutMs / 1000} s and ${workerMemoryMb} MiB of heap; the process grows by at most ${memoryBudgetMb} MiB for all of them`;
}

function sessionEncryption(config: Config): string {
  if (!config.redisUrl) return 'off: not needed, sessions stay in this process (no REDIS_URL)';
  if (!config.sessions.encryptionKey) {
    return 'off: session data in Redis is plain JSON (set SESSION_ENCRYPTION_KEY to encrypt it)';
  }
  const previous = config.sessions.previousEncryptionKeys?.length ?? 0;
  const on = 'on: session data in Redis is encrypted (AES-256-GCM)';
  if (previous === 0) return on;
  // The count only: their lengths are in the table above, and nothing else of them is shown.
  return `${on}; ${previous} previous key${previous === 1 ? '' : 's'} (SESSION_ENCRYPTION_KEY_PREVIOUS) still read, never written; remove one once no instance writes with it and SESSION_TTL_SECONDS (${config.sessions.ttlSeconds} s) has passed since`;
}

/** Settings that are valid but do nothing as configured: the operator meant something else. */
function configWarnings(config: Config): string[] {
  const warnings: string[] = [];
  // As `serve` logs them: an override of no tool (a misspelt name) changes nothing.
  const toolNames = builtInToolNames(config);
  for (const name of Object.keys(config.tools.overrides)) {
    if (!toolNames.includes(name)) warnings.push(unknownToolOverride(name, toolNames));
  }
  if (config.sessions.encryptionKey && !config.redisUrl) {
    const previous = config.sessions.previousEncryptionKeys?.length
      ? ' (and SESSION_ENCRYPTION_KEY_PREVIOUS)'
      : '';
    warnings.push(
      `SESSION_ENCRYPTION_KEY${previous} is set but unused: only sessions kept in Redis are encrypted, and REDIS_URL is not set`,
    );
  }
  if (config.databaseUrl && config.dataDirMinFreeMb !== undefined) {
    warnings.push(
      'DATA_DIR_MIN_FREE_MB is set but unused: only the embedded SQLite database keeps its data in DATA_DIR, and DATABASE_URL is set',
    );
  }
  return warnings;
}
