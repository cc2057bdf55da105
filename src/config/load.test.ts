import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARSE_LIMITS, DEFAULT_PARSE_WORKERS } from '../rag/parse/index.js';
import { ConfigError, describeConfig, loadConfig } from './index.js';

function problems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig({ env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the configuration to be refused');
}

function file(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sa-cfg-')), name);
  writeFileSync(path, content);
  return path;
}

describe('loadConfig', () => {
  it('runs on embedded defaults with no configuration at all', () => {
    const config = loadConfig({ env: {} });
    expect(config.server).toEqual({
      host: '127.0.0.1',
      port: 8080,
      shutdownDrainMs: 5_000,
      shutdownGraceMs: 10_000,
    });
    expect(config.dataDir).toBe('./data');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    // An answer not begun after 30 s, or silent for 15 s once begun, is given up; the whole of
    // it, retries and all, after one call's 60 s.
    expect(config.llm).toEqual({
      firstTokenTimeoutMs: 30_000,
      idleTimeoutMs: 15_000,
      answerTimeoutMs: 60_000,
    });
    // The seed's defaults: 3 attempts, 1 s doubling to 10 s, breaker after 5 failures for 60 s.
    expect(config.tools.defaults).toEqual({
      timeoutMs: 30_000,
      retry: {
        maxAttempts: 3,
        initialDelayMs: 1000,
        maxDelayMs: 10_000,
        multiplier: 2,
        jitter: 0.2,
      },
      breaker: { failureThreshold: 5, cooldownMs: 60_000 },
      concurrency: { limit: 32, queue: 64 },
    });
  });

  it('reads and converts environment variables; empty ones count as unset', () => {
    const config = loadConfig({
      env: {
        PORT: '9000',
        HOST: '0.0.0.0',
        TOOL_TIMEOUT_MS: '2500',
        LOG_LEVEL: 'debug',
        REDIS_URL: '',
      },
    });
    expect(config.server.port).toBe(9000);
    expect(config.server.host).toBe('0.0.0.0');
    expect(config.tools.defaults.timeoutMs).toBe(2500);
    expect(config.log.level).toBe('debug');
    expect(config.redisUrl).toBeUndefined();
  });

  it('names the variable, the problem and the expected form of each bad value', () => {
    expect(
      problems({
        PORT: 'eighty',
        TOOL_TIMEOUT_MS: '-5',
        LOG_LEVEL: 'loud',
        TOOL_RETRY_ATTEMPTS: '2.5',
      }),
    ).toEqual([
      'PORT="eighty": is not a number; expected a TCP port number from 0 to 65535',
      'LOG_LEVEL="loud": is not one of fatal, error, warn, info, debug, trace, silent; expected one of fatal, error, warn, info, debug, trace, silent',
      'TOOL_TIMEOUT_MS="-5": must be at least 1; expected a whole number of milliseconds from 1 to 600000',
      'TOOL_RETRY_ATTEMPTS="2.5": must be a whole number; expected a whole number of attempts from 1 to 10',
    ]);
  });

  it('reads the language model’s idle limit, and refuses one out of range', () => {
    expect(loadConfig({ env: { LLM_IDLE_TIMEOUT_MS: '5000' } }).llm.idleTimeoutMs).toBe(5_000);
    expect(problems({ LLM_IDLE_TIMEOUT_MS: '0' })).toEqual([
      'LLM_IDLE_TIMEOUT_MS="0": must be at least 1; expected a whole number of milliseconds from 1 to 600000',
    ]);
  });

  it('reads the limit of the language model’s whole answer, and refuses one out of range', () => {
    const config = loadConfig({ env: { LLM_ANSWER_TIMEOUT_MS: '90000' } });
    expect(config.llm.answerTimeoutMs).toBe(90_000);
    expect(problems({ LLM_ANSWER_TIMEOUT_MS: '0' })).toEqual([
      'LLM_ANSWER_TIMEOUT_MS="0": must be at least 1; expected a whole number of milliseconds from 1 to 600000',
    ]);
  });

  it('reads the language model’s first-token limit, and refuses one out of range or not whole', () => {
    const config = loadConfig({ env: { LLM_FIRST_TOKEN_TIMEOUT_MS: '45000' } });
    expect(config.llm.firstTokenTimeoutMs).toBe(45_000);
    expect(problems({ LLM_FIRST_TOKEN_TIMEOUT_MS: '0' })).toEqual([
      'LLM_FIRST_TOKEN_TIMEOUT_MS="0": must be at least 1; expected a whole number of milliseconds from 1 to 600000',
    ]);
    expect(problems({ LLM_FIRST_TOKEN_TIMEOUT_MS: '700000' })).toEqual([
      'LLM_FIRST_TOKEN_TIMEOUT_MS="700000": must be at most 600000; expected a whole number of milliseconds from 1 to 600000',
    ]);
    expect(problems({ LLM_FIRST_TOKEN_TIMEOUT_MS: '2.5s' })).toEqual([
      'LLM_FIRST_TOKEN_TIMEOUT_MS="2.5s": is not a number; expected a whole number of milliseconds from 1 to 600000',
    ]);
  });

  it('refuses a first-token limit the language model call’s own time limit would cut short', () => {
    const llm = { LLM_BASE_URL: 'http://127.0.0.1:11434/v1', LLM_MODEL: 'llama3.1' };
    expect(problems({ ...llm, LLM_FIRST_TOKEN_TIMEOUT_MS: '90000' })).toEqual([
      'LLM_FIRST_TOKEN_TIMEOUT_MS="90000": must be below the time limit of a language model call (60000 ms, `tools.overrides.llm_chat.timeoutMs`); expected a whole number of milliseconds from 1 to 600000',
    ]);
    expect(loadConfig({ env: { ...llm, LLM_FIRST_TOKEN_TIMEOUT_MS: '45000' } }).llm).toMatchObject({
      firstTokenTimeoutMs: 45_000,
    });
  });

  it('reads LOG_LEVEL and LOG_FORMAT in any case', () => {
    const config = loadConfig({ env: { LOG_LEVEL: 'DEBUG', LOG_FORMAT: 'Json' } });
    expect(config.log).toEqual({ level: 'debug', format: 'json' });
  });

  it('names a variable that nearly spells a setting, rather than ignore it', () => {
    expect(
      problems({
        ADMIN_APIKEY: 'an-admin-key-0123456789',
        ESCALATION_WEBHOOK_ULR: 'https://hooks.example.com/t',
        LLM_BASEURL: 'http://127.0.0.1:9/v1',
        // Not ours, nor near: left alone.
        TEST_DATABASE_URL: 'postgres://x',
        HOME: '/root',
        NODE_OPTIONS: '--max-old-space-size=512',
      }),
    ).toEqual([
      'ADMIN_APIKEY is not a setting; did you mean ADMIN_API_KEY?',
      'ESCALATION_WEBHOOK_ULR is not a setting; did you mean ESCALATION_WEBHOOK_URL?',
      'LLM_BASEURL is not a setting; did you mean LLM_BASE_URL?',
    ]);
  });

  it('refuses a service URL that holds a password, rather than repeat it in errors', () => {
    expect(
      problems({ LLM_BASE_URL: 'http://user:secret@127.0.0.1:8080/v1', LLM_MODEL: 'm' }),
    ).toEqual([
      'LLM_BASE_URL="http://[redacted]@127.0.0.1:8080/v1": must not hold a user name or password (give a key in its own setting); expected an http:// or https:// URL of an OpenAI-compatible API, e.g. https://api.openai.com/v1',
    ]);
  });

  it('reads TRUST_PROXY as no proxy, a number of proxies, or their addresses', () => {
    const trust = (value: string) => loadConfig({ env: { TRUST_PROXY: value } }).http.trustProxy;
    expect(trust('false')).toBe(false);
    expect(trust('true')).toBe(1);
    expect(trust('2')).toBe(2);
    expect(trust('10.0.0.0/8, 127.0.0.1,::1')).toEqual(['10.0.0.0/8', '127.0.0.1', '::1']);
    expect(problems({ TRUST_PROXY: '10.0.0.0/33' })).toHaveLength(1);
    expect(problems({ TRUST_PROXY: 'deadbeef' })).toHaveLength(1);
  });

  it('says a TRUST_PROXY that is neither true nor false is not, rather than missing', () => {
    expect(problems({ TRUST_PROXY: 'maybe' })).toEqual([
      'TRUST_PROXY="maybe": "maybe" is not a proxy address: give true, a number of proxies, or their addresses or ranges (10.0.0.0/8); expected false, true, a number of proxies, or proxy addresses and ranges',
    ]);
  });

  it('shows the CORS_ORIGINS given and names each origin that is not one', () => {
    const origin =
      'is not an origin: each origin is like https://shop.example.com (scheme, host and optional port; no path, no wildcard); expected a comma-separated list of origins, e.g. https://shop.example.com';
    expect(problems({ CORS_ORIGINS: '*' })).toEqual([`CORS_ORIGINS="*": "*" ${origin}`]);
    expect(
      problems({ CORS_ORIGINS: 'https://shop.example.com, not-a-url,https://*.x.com' }),
    ).toEqual([
      `CORS_ORIGINS="https://shop.example.com, not-a-url,https://*.x.com": "not-a-url" ${origin}`,
      `CORS_ORIGINS="https://shop.example.com, not-a-url,https://*.x.com": "https://*.x.com" ${origin}`,
    ]);
    const path = file('cors.yaml', 'http:\n  corsOrigins: ["https://shop.example.com/widget"]\n');
    expect(problems({ SUPPORT_AGENT_CONFIG: path })).toEqual([
      `"http.corsOrigins.0" in ${path} = "https://shop.example.com/widget": ${origin}`,
    ]);
    expect(
      loadConfig({ env: { CORS_ORIGINS: 'https://shop.example.com,http://[::1]:8080' } }).http
        .corsOrigins,
    ).toEqual(['https://shop.example.com', 'http://[::1]:8080']);
  });

  it('keeps conversations forever unless RETENTION_DAYS says how many days', () => {
    expect(loadConfig({ env: {} }).retention).toEqual({ days: 0 });
    expect(loadConfig({ env: { RETENTION_DAYS: '30' } }).retention).toEqual({ days: 30 });
    expect(problems({ RETENTION_DAYS: '-1' })).toEqual([
      'RETENTION_DAYS="-1": must be at least 0; expected a whole number of days from 0 (keep forever) to 36500',
    ]);
    expect(problems({ RETENTION_DAYS: 'forever' })).toEqual([
      'RETENTION_DAYS="forever": is not a number; expected a whole number of days from 0 (keep forever) to 36500',
    ]);
  });

  it('reads how files are parsed, with the parsers’ own defaults, and refuses what cannot work', () => {
    expect(loadConfig({ env: {} }).parse).toEqual({
      timeoutMs: DEFAULT_PARSE_WORKERS.timeoutMs,
      memoryBudgetMb: DEFAULT_PARSE_WORKERS.memoryBudgetMb,
      workerMemoryMb: DEFAULT_PARSE_WORKERS.memoryMb,
      maxTextChars: DEFAULT_PARSE_LIMITS.maxTextChars,
      maxPdfPages: DEFAULT_PARSE_LIMITS.maxPdfPages,
    });
    expect(DEFAULT_PARSE_WORKERS).toEqual({
      timeoutMs: 30_000,
      memoryMb: 512,
      memoryBudgetMb: 768,
    });
    expect(
      loadConfig({
        env: {
          PARSE_TIMEOUT_MS: '60000',
          PARSE_MEMORY_BUDGET_MB: '256',
          PARSE_WORKER_MEMORY_MB: '256',
          PARSE_CONCURRENCY: '1',
          PARSE_MAX_TEXT_CHARS: '20971520',
          PARSE_MAX_PDF_PAGES: '8000',
        },
      }).parse,
    ).toEqual({
      timeoutMs: 60_000,
      memoryBudgetMb: 256,
      workerMemoryMb: 256,
      concurrency: 1,
      maxTextChars: 20_971_520,
      maxPdfPages: 8000,
    });
    expect(
      problems({
        PARSE_TIMEOUT_MS: '500',
        PARSE_MEMORY_BUDGET_MB: '64',
        PARSE_WORKER_MEMORY_MB: '512MB',
        PARSE_CONCURRENCY: '0',
        PARSE_MAX_TEXT_CHARS: '1e12',
        PARSE_MAX_PDF_PAGES: '2.5',
      }),
    ).toEqual([
      'PARSE_TIMEOUT_MS="500": must be at least 1000; expected a whole number of milliseconds from 1000 to 3600000',
      'PARSE_MEMORY_BUDGET_MB="64": must be at least 128; expected a whole number of MiB from 128 to 1048576',
      'PARSE_WORKER_MEMORY_MB="512MB": is not a number; expected a whole number of MiB from 128 to 65536',
      'PARSE_CONCURRENCY="0": must be at least 1; expected a whole number from 1 to 64',
      'PARSE_MAX_TEXT_CHARS="1e12": must be at most 268435456; expected a whole number of characters from 1024 to 268435456',
      'PARSE_MAX_PDF_PAGES="2.5": must be a whole number; expected a whole number of pages from 1 to 100000',
    ]);
    const yaml = file('parse.yaml', 'parse:\n  timeoutMs: 45000\n  concurrency: 2\n');
    expect(loadConfig({ env: { SUPPORT_AGENT_CONFIG: yaml } }).parse).toMatchObject({
      timeoutMs: 45_000,
      concurrency: 2,
    });
  });

  it('refuses an absurd timeout', () => {
    expect(problems({ TOOL_TIMEOUT_MS: '99999999999' })).toEqual([
      'TOOL_TIMEOUT_MS="99999999999": must be at most 600000; expected a whole number of milliseconds from 1 to 600000',
    ]);
  });

  it('checks URLs and settings that go together, and never prints a secret', () => {
    const found = problems({
      DATABASE_URL: 'mysql://root:hunter2hunter2@db/app',
      LLM_BASE_URL: 'https://llm.example.com/v1',
      TOOL_RETRY_INITIAL_DELAY_MS: '5000',
      TOOL_RETRY_MAX_DELAY_MS: '1000',
    });
    expect(found).toEqual([
      'DATABASE_URL=(value hidden): must start with postgres:// or postgresql://; expected a postgres:// or postgresql:// URL',
      'TOOL_RETRY_MAX_DELAY_MS="1000": must not be below the initial delay (5000 ms); expected a whole number of milliseconds from 0 to 600000',
      'LLM_MODEL: is required when LLM_BASE_URL is set; expected a model name, e.g. gpt-4o-mini',
    ]);
    expect(found.join('\n')).not.toContain('hunter2');
  });

  it('reads a YAML or JSON file named by SUPPORT_AGENT_CONFIG; environment variables win', () => {
    const yaml = file(
      'config.yaml',
      'server:\n  port: 7000\n  host: 0.0.0.0\ntools:\n  overrides:\n    kb_search:\n      timeoutMs: 2000\n      retry: { maxAttempts: 1 }\n',
    );
    const config = loadConfig({ env: { SUPPORT_AGENT_CONFIG: yaml, PORT: '7001' } });
    expect(config.server).toMatchObject({ port: 7001, host: '0.0.0.0' });
    expect(config.tools.overrides).toEqual({
      kb_search: { timeoutMs: 2000, retry: { maxAttempts: 1 } },
    });

    const json = file('config.json', JSON.stringify({ log: { level: 'warn' } }));
    expect(loadConfig({ env: { SUPPORT_AGENT_CONFIG: json } }).log.level).toBe('warn');
  });

  it('names the file and the key of a bad value in a file, with the expected form', () => {
    const path = file('bad.yaml', 'tools:\n  overrides:\n    kb_search:\n      timeoutMs: -1\n');
    expect(problems({ SUPPORT_AGENT_CONFIG: path })).toEqual([
      `"tools.overrides.kb_search.timeoutMs" in ${path} = -1: must be at least 1; expected a whole number of milliseconds from 1 to 600000`,
    ]);
  });

  it('refuses unknown keys, a missing file and a malformed file', () => {
    const typo = file('typo.json', JSON.stringify({ sever: { port: 1 } }));
    expect(problems({ SUPPORT_AGENT_CONFIG: typo })).toEqual([
      'unknown key "sever" in the configuration file; did you mean "server"?',
    ]);
    // Nothing near it: the table is where the keys are.
    const unknown = file('unknown.json', JSON.stringify({ server: { backlog: 5 } }));
    expect(problems({ SUPPORT_AGENT_CONFIG: unknown })).toEqual([
      'unknown key "backlog" in "server" of the configuration file; check the spelling against the README\'s configuration table',
    ]);
    // Several in one section, each with the key it nearly spells, in the sections of an override.
    const typos = file(
      'typos.json',
      JSON.stringify({
        server: { prot: 1, hots: 'x' },
        tools: { overrides: { kb_search: { timeotMs: 5 } } },
      }),
    );
    expect([...problems({ SUPPORT_AGENT_CONFIG: typos })].sort()).toEqual([
      'unknown key "timeotMs" in "tools.overrides.kb_search" of the configuration file; did you mean "timeoutMs"?',
      'unknown keys "prot", "hots" in "server" of the configuration file; did you mean "port" for "prot", "host" for "hots"?',
    ]);
    expect(problems({ SUPPORT_AGENT_CONFIG: '/nonexistent/config.yaml' })).toEqual([
      'SUPPORT_AGENT_CONFIG="/nonexistent/config.yaml": the file does not exist; expected a path to a .json, .yaml or .yml file',
    ]);
    const broken = file('broken.json', '{ "server": ');
    expect(problems({ SUPPORT_AGENT_CONFIG: broken })[0]).toMatch(
      /^SUPPORT_AGENT_CONFIG=".*broken.json": the file is not valid JSON/,
    );
    const list = file('list.yaml', '- 1\n- 2\n');
    expect(problems({ SUPPORT_AGENT_CONFIG: list })[0]).toMatch(
      /the file must hold an object of settings/,
    );
  });
});

describe('describeConfig', () => {
  it('masks secrets and passwords in URLs', () => {
    const rows = describeConfig(
      loadConfig({
        env: {
          LLM_API_KEY: 'sk-abcdefghijklmnopqrstuvwxyz',
          DATABASE_URL: 'postgres://app:s3cretpass@db.internal:5432/support',
        },
      }),
    );
    const byName = Object.fromEntries(rows.map((r) => [r.name, r.value]));
    expect(byName.LLM_API_KEY).toBe('**** (29 chars)');
    expect(byName.DATABASE_URL).toBe('postgres://app:****@db.internal:5432/support');
    expect(byName.PORT).toBe('8080');
    expect(JSON.stringify(rows)).not.toMatch(/s3cretpass|abcdefghij/);
  });

  it('shows of the admin and session keys that they are set and their length, no character', () => {
    const admin = 'an-admin-key-ending-in-Q7';
    const session = Buffer.alloc(32, 7).toString('base64');
    const rows = describeConfig(
      loadConfig({ env: { ADMIN_API_KEY: admin, SESSION_ENCRYPTION_KEY: session } }),
    );
    const byName = Object.fromEntries(rows.map((r) => [r.name, r.value]));
    expect(byName.ADMIN_API_KEY).toBe(`**** (${admin.length} chars)`);
    expect(byName.SESSION_ENCRYPTION_KEY).toBe(`**** (${session.length} chars)`);
    expect(byName.METRICS_TOKEN).toBe('(not set)');
  });

  it('says an empty list is empty, and whether it is the default, rather than show nothing', () => {
    const rows = (env: Record<string, string>) =>
      Object.fromEntries(describeConfig(loadConfig({ env })).map((r) => [r.name, r]));
    expect(rows({}).CORS_ORIGINS).toEqual({
      name: 'CORS_ORIGINS',
      value: '(none)',
      isDefault: true,
    });
    expect(rows({ CORS_ORIGINS: 'https://shop.example' }).CORS_ORIGINS).toMatchObject({
      value: 'https://shop.example',
      isDefault: false,
    });
    expect(rows({}).METRICS_TOKEN?.isDefault).toBe(false);
  });
});
