import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { turnResultSchema } from '../src/protocol/api.js';
import { RedisSessionStore } from '../src/session/index.js';
import { makePdf, pdfBomb } from './helpers/documents.js';
import { killCliProcesses, startCli, waitFor } from './helpers/process.js';
import { POSTGRES_URL } from './helpers/services.js';

const CHAT_SESSION = '0b7e6a52-3f1d-4c8e-9a51-2d6f0c4e8b13';

afterEach(killCliProcesses);

/** A CLI process, with this file's waits. */
const start = (args: string[], env: Record<string, string>) => startCli(args, env);

describe('support-agent CLI', () => {
  it('stops with exit code 2 and a message naming each bad variable', async () => {
    const run = start(['serve'], { PORT: 'http', TOOL_BREAKER_COOLDOWN_MS: '0' });
    expect(await run.exited).toBe(2);
    expect(run.err()).toContain('Invalid configuration:');
    expect(run.err()).toContain(
      'PORT="http": is not a number; expected a TCP port number from 0 to 65535',
    );
    expect(run.err()).toContain(
      'TOOL_BREAKER_COOLDOWN_MS="0": must be at least 1; expected a whole number of milliseconds from 1 to 3600000',
    );
  });

  it('doctor prints the configuration with secrets masked and checks Redis and Postgres', async () => {
    const run = start(['doctor'], {
      DATABASE_URL: POSTGRES_URL,
      LLM_API_KEY: 'sk-doctor-test-secret-0123456789',
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: `cli_doctor_${randomUUID()}:`,
      RETENTION_DAYS: '90',
    });
    expect(await run.exited).toBe(0);
    const out = run.out();
    expect(out).not.toContain('sk-doctor-test-secret');
    expect(out).toContain(
      'retention    conversations erased 90 days after their last message, unless a ticket is open or pending',
    );
    expect(out).toMatch(/telemetry {4}\/metrics only \(open to anyone who reaches the port/);
    expect(out).toMatch(/LLM_API_KEY\s+\*\*\*\* \(32 chars\)/);
    expect(out).not.toContain('89 (32 chars)');
    expect(out).toMatch(/PORT\s+8080 {2}\(default\)/);
    expect(out).toMatch(/ok\s+redis\s+redis:\/\/127\.0\.0\.1:6379\s+PING answered PONG/);
    expect(out).toMatch(/ok\s+postgres\s+postgres:\/\/\S+\s+PostgreSQL \d+/);
    expect(out).toContain('retrieval    lexical only (no embeddings configured)');
    expect(out).toContain('All checks passed.');
  });

  it('doctor fails, naming the service, when a configured service is unreachable', async () => {
    const run = start(['doctor'], { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(await run.exited).toBe(1);
    expect(run.out()).toMatch(/FAIL\s+redis\s+redis:\/\/127\.0\.0\.1:1/);
    expect(run.out()).toContain('1 check(s) failed.');
  });

  it('serve warns at start of a dependency that is down, naming it, and still starts', async () => {
    const run = start(['serve'], {
      PORT: '0',
      LOG_FORMAT: 'json',
      REDIS_URL: 'redis://127.0.0.1:1',
      SHUTDOWN_DRAIN_MS: '0',
    });
    await waitFor(() => run.out().includes('is not ready at start'), 'the warning');
    expect(run.out()).toContain('listening on');
    const warning = run
      .out()
      .split('\n')
      .find((l) => l.includes('is not ready at start'));
    expect(JSON.parse(warning as string)).toMatchObject({ level: 'warn', check: 'redis' });
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('serve answers /health, /ready and /metrics, and exits 0 on SIGTERM', async () => {
    // No drain: test/shutdown.test.ts has it; here the exit is what is checked.
    const run = start(['serve'], { PORT: '0', LOG_FORMAT: 'json', SHUTDOWN_DRAIN_MS: '0' });
    await waitFor(() => run.out().includes('listening on'), 'the server to listen');
    const line = run
      .out()
      .split('\n')
      .find((l) => l.includes('listening on'));
    const { url } = JSON.parse(line as string) as { url: string };

    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-request-id')).toBeTruthy();
    expect((await fetch(`${url}/ready`)).status).toBe(200);
    // A new data folder: the operator is told that nothing can be answered yet, and how to fix it.
    expect(run.out()).toContain('the knowledge base is empty');
    expect(run.out()).toContain('node dist/cli/main.js ingest <path>');
    expect(run.out()).not.toContain('is not ready at start');
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('target_info');

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.out()).toContain('"msg":"shutting down"');
    expect(run.out()).toContain('"msg":"stopped"');
  });

  it('ingest reports each bad file and a summary; search then answers from what was ingested', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sa-cli-kb-'));
    const docs = mkdtempSync(join(tmpdir(), 'sa-cli-docs-'));
    writeFileSync(join(docs, 'refunds.md'), '# Refunds\n\nYou can get a refund within 30 days.\n');
    writeFileSync(join(docs, 'empty.md'), '');
    const ingest = start(['ingest', docs, join(docs, 'missing')], { DATA_DIR: dataDir });
    expect(await ingest.exited).toBe(1);
    const lines = ingest.out().trim().split('\n');
    expect(lines[0]).toBe(
      '2 files; documents: 1 added, 0 updated, 0 unchanged, 0 removed; 1 chunk written; 2 failed',
    );
    expect(ingest.out()).toContain(`failed: ${join(docs, 'empty.md')}: the file is empty`);
    expect(ingest.out()).toContain(`failed: ${join(docs, 'missing')}: does not exist`);

    const search = start(['search', 'how long do I have for a refund?', '--json'], {
      DATA_DIR: dataDir,
    });
    expect(await search.exited).toBe(0);
    const result = JSON.parse(search.out()) as {
      type: string;
      value: { hits: Array<{ title: string }> };
    };
    expect(result.type).toBe('ok');
    expect(result.value.hits[0]?.title).toBe('Refunds');

    const bad = start(['search', 'x', '--top', 'many'], { DATA_DIR: dataDir });
    expect(await bad.exited).not.toBe(0);
    expect(bad.err()).toContain('a whole number from 1 to 50');

    // With a help center in it, the server does not call the knowledge base empty.
    const serve = start(['serve'], {
      DATA_DIR: dataDir,
      PORT: '0',
      LOG_FORMAT: 'json',
      SHUTDOWN_DRAIN_MS: '0',
    });
    await waitFor(() => serve.out().includes('listening on'), 'the server to listen');
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    expect(serve.out()).not.toContain('the knowledge base is empty');
  });

  it('eval retrieval says clearly what a BEIR folder must hold', async () => {
    const run = start(['eval', 'retrieval', join(tmpdir(), 'no-such-beir-folder')], {});
    expect(await run.exited).toBe(1);
    expect(run.err()).toMatch(
      /queries\.jsonl does not exist: a BEIR folder holds corpus\.jsonl, queries\.jsonl and qrels\/test\.tsv/,
    );
  });

  it('eval retrieval measures a BEIR folder given by a relative path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sa-cli-beir-'));
    mkdirSync(join(dir, 'qrels'));
    const docs = [
      { _id: 'd1', title: 'Refunds', text: 'You can get a refund within 30 days of purchase.' },
      { _id: 'd2', title: 'Shipping', text: 'Parcels ship within two working days.' },
      { _id: 'd3', title: 'Passwords', text: 'Reset your password from the sign-in page.' },
    ];
    writeFileSync(join(dir, 'corpus.jsonl'), docs.map((d) => JSON.stringify(d)).join('\n'));
    writeFileSync(
      join(dir, 'queries.jsonl'),
      [
        { _id: 'q1', text: 'how long do I have to get a refund?' },
        { _id: 'q2', text: 'when will my parcel ship?' },
      ]
        .map((q) => JSON.stringify(q))
        .join('\n'),
    );
    writeFileSync(
      join(dir, 'qrels', 'test.tsv'),
      'query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\n',
    );
    const run = start(['eval', 'retrieval', relative(process.cwd(), dir)], {});
    expect(await run.exited).toBe(0);
    const result = JSON.parse(run.out()) as Record<string, unknown>;
    expect(result).toMatchObject({ queries: 2, documents: 3, 'ndcg@10': 1, 'recall@10': 1 });
  });

  it('eval retrieval reads the corpus within the PARSE_* limits, as ingest does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sa-cli-beir-limits-'));
    mkdirSync(join(dir, 'qrels'));
    writeFileSync(
      join(dir, 'queries.jsonl'),
      JSON.stringify({ _id: 'q1', text: 'when will my parcel ship?' }),
    );
    writeFileSync(join(dir, 'qrels', 'test.tsv'), 'query-id\tcorpus-id\tscore\nq1\td1\t1\n');
    // A file is read as what its bytes are, whatever its name: a PDF named corpus.jsonl shows
    // the limits the corpus is read within, quickly.
    const corpus = join(dir, 'corpus.jsonl');
    // Some 1,200 characters of text, over the 1 KB allowed.
    writeFileSync(
      corpus,
      await makePdf((doc) => doc.text('Parcels leave in 2 days. '.repeat(48).trim())),
    );
    const text = start(['eval', 'retrieval', dir], { PARSE_MAX_TEXT_CHARS: '1024' });
    expect(await text.exited).toBe(1);
    expect(text.err()).toContain(
      'The corpus could not be ingested: its text is larger than the 1 KB this service reads from one file',
    );

    writeFileSync(corpus, pdfBomb(1024, ' '));
    const slow = start(['eval', 'retrieval', dir], { PARSE_TIMEOUT_MS: '1000' });
    expect(await slow.exited).toBe(1);
    expect(slow.err()).toContain(
      'The corpus could not be ingested: reading it took longer than the 1 s this service gives one file',
    );
  }, 60_000);

  it('ask answers with citations that point at the passages holding the answer, and is honest when it cannot', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sa-cli-ask-'));
    const docs = mkdtempSync(join(tmpdir(), 'sa-cli-ask-docs-'));
    writeFileSync(
      join(docs, 'faq.json'),
      JSON.stringify([
        {
          question: 'How long does delivery take?',
          answer:
            'Standard delivery takes 3 to 5 working days. Express delivery arrives the next day.',
        },
        {
          question: 'Can I return an item?',
          answer: 'You can return any item within 30 days. Refunds reach your card within a week.',
        },
        {
          question: 'Do you have gift cards?',
          answer: 'Gift cards are sold in amounts from 10 to 200 euros.',
        },
      ]),
    );
    expect(await start(['ingest', docs], { DATA_DIR: dataDir }).exited).toBe(0);

    const onTopic = start(['ask', 'how many days until my return is refunded?', '--json'], {
      DATA_DIR: dataDir,
    });
    expect(await onTopic.exited).toBe(0);
    const answer = turnResultSchema.parse(JSON.parse(onTopic.out()));
    expect(answer.message.sources.map((s) => s.title)).toEqual(['Can I return an item?']);
    // The quoted sentence is the one that answers, and it carries the citation of its passage.
    expect(answer.message.text).toMatch(/Refunds reach your card within a week ?\[1\]/);
    expect(answer.message.sources[0]?.id).toBe(1);
    expect(onTopic.err()).toBe('');

    // Continuing names the conversation; an id with no conversation behind it is said so.
    const next = start(['ask', 'and express delivery?', '--session', answer.sessionId, '--json'], {
      DATA_DIR: dataDir,
    });
    expect(await next.exited).toBe(0);
    expect(next.err()).toBe('');
    // Counted as a session counts them: the customer's messages, not the replies.
    expect(turnResultSchema.parse(JSON.parse(next.out()))).toMatchObject({
      sessionId: answer.sessionId,
      messageCount: 2,
    });
    const unknown = randomUUID();
    const typo = start(['ask', 'and express delivery?', '--session', unknown], {
      DATA_DIR: dataDir,
    });
    expect(await typo.exited).toBe(0);
    expect(typo.err().trim()).toBe(
      `No earlier conversation has session id ${unknown}; starting a new one.`,
    );
    // A name is not a session id: its conversation could not be read in the admin API.
    const named = start(['ask', 'and express delivery?', '--session', 'my-test'], {
      DATA_DIR: dataDir,
    });
    expect(await named.exited).not.toBe(0);
    expect(named.err()).toContain('"my-test" is not a session id');

    const offTopic = start(['ask', 'What is the capital of France?', '--json'], {
      DATA_DIR: dataDir,
    });
    expect(await offTopic.exited).toBe(0);
    const honest = turnResultSchema.parse(JSON.parse(offTopic.out())).message;
    expect(honest.sources).toEqual([]);
    expect(honest.text).toMatch(/couldn't find this/i);
    expect(honest.text).toMatch(/connect you with a member of our support team/);
  }, 60_000);

  it('ask says plainly which file it cannot attach, and sends nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sa-cli-attach-'));
    const missing = join(dataDir, 'no-such-invoice.pdf');
    const session = randomUUID();
    for (const [path, why] of [
      [missing, 'there is no such file'],
      [dataDir, 'it is a folder, not a file'],
    ] as const) {
      const ask = start(['ask', 'what does this say?', '--attach', path, '--session', session], {
        DATA_DIR: dataDir,
      });
      expect(await ask.exited).toBe(1);
      expect(ask.err().trim()).toBe(`Cannot attach ${path}: ${why}. Nothing was sent.`);
      expect(ask.out()).toBe('');
    }
    // The message was not stored: the same session is still a new one.
    const after = start(['ask', 'hello', '--session', session], { DATA_DIR: dataDir });
    expect(await after.exited).toBe(0);
    expect(after.err()).toContain('No earlier conversation has session id');
  });

  it('ask --json prints the turn in the shape the HTTP API answers a message with', async () => {
    const ask = start(['ask', 'How do I reset my password?', '--json'], {});
    expect(await ask.exited).toBe(0);
    const printed = JSON.parse(ask.out()) as Record<string, unknown>;
    // The same fields as `POST /v1/sessions/:id/messages`, no more: the reply under `message`.
    expect(Object.keys(printed).sort()).toEqual(Object.keys(turnResultSchema.shape).sort());
    const turn = turnResultSchema.parse(printed);
    expect(Object.keys(turn.message).sort()).toEqual(Object.keys(printed.message as object).sort());
    expect(turn).toMatchObject({
      sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      turnId: expect.any(String),
      requestId: expect.any(String),
      messageCount: 1,
      sources: turn.message.sources,
      escalation: turn.message.escalation,
    });
    expect(turn.message.text).not.toBe('');
  });

  it('prints its version with --version, -v and version', async () => {
    const { version } = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8'),
    ) as { version: string };
    for (const args of [['--version'], ['-v'], ['version']]) {
      // An invalid setting does not stop it: it reads no configuration.
      const run = start(args, { PORT: 'http' });
      expect(await run.exited, args[0]).toBe(0);
      expect(run.out(), args[0]).toBe(`${version}\n`);
    }
  });

  it('chat keeps one conversation across lines and streams each answer', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sa-cli-chat-'));
    const docs = mkdtempSync(join(tmpdir(), 'sa-cli-chat-docs-'));
    writeFileSync(
      join(docs, 'faq.json'),
      JSON.stringify([
        {
          question: 'How long does delivery take?',
          answer: 'Standard delivery takes 3 to 5 working days.',
        },
      ]),
    );
    expect(await start(['ingest', docs], { DATA_DIR: dataDir }).exited).toBe(0);
    const {
      child,
      exited,
      out: printed,
    } = startCli(['chat', '--session', CHAT_SESSION], { DATA_DIR: dataDir }, 'open');
    child.stdin?.write('My order 4417 has not arrived. How long does delivery take?\n');
    await waitFor(() => printed().includes('working days'), 'the first answer');
    child.stdin?.write('thanks\n/quit\n');
    expect(await exited).toBe(0);
    const out = printed();
    expect(out).toContain(`Support chat (session ${CHAT_SESSION})`);
    expect(out).toMatch(
      /agent> [\s\S]*About your order 4417: Standard delivery takes 3 to 5 working days/,
    );
    expect(out).toContain('[1] How long does delivery take?');
  });

  it('ask --json and search --json print only the JSON on stdout; log lines go to stderr', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sa-cli-json-'));
    // Nothing listens there: the LLM tool fails and logs a warning, and the answer falls back.
    const ask = start(['ask', 'How do I reset my password?', '--json'], {
      DATA_DIR: dataDir,
      LLM_BASE_URL: 'http://127.0.0.1:1/v1',
      LLM_MODEL: 'm',
      LOG_FORMAT: 'json',
      TOOL_RETRY_INITIAL_DELAY_MS: '1',
      TOOL_RETRY_MAX_DELAY_MS: '1',
    });
    expect(await ask.exited).toBe(0);
    const turn = turnResultSchema.parse(JSON.parse(ask.out()));
    expect(turn.message.toolsFailed.map((t) => t.name)).toContain('llm_chat');
    expect(ask.err()).toContain('"level":"warn"');

    const search = start(['search', '', '--json'], { DATA_DIR: dataDir, LOG_FORMAT: 'json' });
    expect(await search.exited).toBe(1);
    expect(JSON.parse(search.out())).toMatchObject({ type: 'error', code: 'invalid_input' });
    expect(search.err()).toContain('"level":"warn"');
  });

  it('serve stops with one line, no stack trace, when its port is taken, HOST does not resolve or DATA_DIR cannot be made', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const taken = start(['serve'], { PORT: String(port) });
      expect(await taken.exited).toBe(1);
      expect(taken.err().trim()).toBe(
        `Port ${port} on 127.0.0.1 is in use by another process: stop it or set PORT to a free port.`,
      );
    } finally {
      blocker.close();
    }

    const host = start(['serve'], { PORT: '0', HOST: 'no-such-host.invalid' });
    expect(await host.exited).toBe(2);
    expect(host.err()).not.toMatch(/^\s+at /m);
    expect(host.err()).toContain(
      'HOST="no-such-host.invalid": the name does not resolve to an address; expected a host name or IP address of this machine',
    );

    const file = join(mkdtempSync(join(tmpdir(), 'sa-cli-file-')), 'not-a-folder');
    writeFileSync(file, '');
    for (const args of [['serve'], ['ingest', file]]) {
      const run = start(args, { PORT: '0', DATA_DIR: join(file, 'data') });
      expect(await run.exited).toBe(2);
      expect(run.err()).not.toMatch(/^\s+at /m);
      expect(run.err()).toContain(
        `DATA_DIR="${join(file, 'data')}": a part of the path is a file, not a folder; expected a folder this user can create and write in`,
      );
    }

    // Node's own recursive mkdir never returns under /proc: serve, ingest and doctor did not.
    for (const args of [['serve'], ['ingest', file], ['doctor']]) {
      const run = start(args, { PORT: '0', DATA_DIR: '/proc/support-agent/data' });
      expect(await run.exited).toBe(args[0] === 'doctor' ? 1 : 2);
      expect(run.err() + run.out()).toContain(
        args[0] === 'doctor'
          ? 'cannot create /proc/support-agent/data'
          : 'DATA_DIR="/proc/support-agent/data": cannot be created there',
      );
    }
  }, 60_000);

  it('with LOG_FORMAT=json, serve says why it stops as one JSON line', async () => {
    const bad = start(['serve'], { PORT: 'http', LOG_FORMAT: 'json' });
    expect(await bad.exited).toBe(2);
    const lines = bad.err().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: 'fatal',
      msg: 'Invalid configuration; see the configuration table in README.md.',
      problems: ['PORT="http": is not a number; expected a TCP port number from 0 to 65535'],
    });

    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const taken = start(['serve'], { PORT: String(port), LOG_FORMAT: 'JSON' });
      expect(await taken.exited).toBe(1);
      const line = taken.err().trim();
      expect(line.split('\n')).toHaveLength(1);
      expect(JSON.parse(line)).toMatchObject({
        level: 'fatal',
        code: 'conflict',
        msg: `Port ${port} on 127.0.0.1 is in use by another process: stop it or set PORT to a free port.`,
      });
    } finally {
      blocker.close();
    }
  });

  it('serve without a terminal keeps a generated admin key out of its output, in a file of its own in a private DATA_DIR', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'sa-cli-key-')), 'new', 'data');
    const run = start(['serve'], { PORT: '0', LOG_FORMAT: 'json', DATA_DIR: dataDir });
    await waitFor(() => run.out().includes('an admin API key was generated'), 'the notice');
    const keyFile = join(dataDir, 'admin-key');
    const notice = run
      .out()
      .split('\n')
      .find((l) => l.includes('an admin API key was generated'));
    expect(JSON.parse(notice as string)).toMatchObject({ level: 'warn', file: keyFile });
    // Readable by this user only: the folder (made here) and the file.
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const key = readFileSync(keyFile, 'utf8').trim();
    expect(key).toMatch(/^sa_admin_[A-Za-z0-9_-]{32}$/);
    expect(run.out() + run.err()).not.toContain(key);
    expect(run.err()).not.toContain('sa_admin_');
    expect(readFileSync(join(dataDir, 'admin-key.sha256'), 'utf8').trim()).toBe(
      createHash('sha256').update(key).digest('hex'),
    );
    const line = run
      .out()
      .split('\n')
      .find((l) => l.includes('listening on'));
    const { url } = JSON.parse(line as string) as { url: string };
    const admin = await fetch(`${url}/v1/admin/tickets`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(admin.status).toBe(200);
    // The start that wrote it says so once, not also that it is left over.
    expect(run.out()).not.toContain('still holds');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);

    // At the next start the file is still there: a reminder, once, and never the key.
    const again = start(['serve'], { PORT: '0', LOG_FORMAT: 'json', DATA_DIR: dataDir });
    await waitFor(() => again.out().includes('listening on'), 'the second start');
    await waitFor(() => again.out().includes('still holds'), 'the reminder');
    const reminders = again
      .out()
      .split('\n')
      .filter((l) => l.includes('still holds'));
    expect(reminders).toHaveLength(1);
    expect(JSON.parse(reminders[0] as string)).toMatchObject({
      level: 'warn',
      file: keyFile,
      msg: `${keyFile} still holds the admin API key generated at an earlier start: once you have it, delete the file (only its hash is needed), or set ADMIN_API_KEY to choose your own`,
    });
    expect(again.out() + again.err()).not.toContain(key);
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
  });

  it('serve warns once at start of an admin key file left over once ADMIN_API_KEY is set or the key was replaced', async () => {
    const leftover = (dataDir: string) => {
      const key = `sa_admin_${randomBytes(24).toString('base64url')}`;
      writeFileSync(join(dataDir, 'admin-key'), `${key}\n`, { mode: 0o600 });
      return key;
    };
    const warnings = async (env: Record<string, string>) => {
      const run = start(['serve'], { PORT: '0', LOG_FORMAT: 'json', ...env });
      await waitFor(() => run.out().includes('listening on'), 'the server to listen');
      await waitFor(() => run.out().includes('admin-key'), 'the warning');
      run.child.kill('SIGINT');
      expect(await run.exited).toBe(0);
      return {
        text: run.out() + run.err(),
        lines: run
          .out()
          .split('\n')
          .filter((l) => l.includes('admin-key'))
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      };
    };

    const configured = mkdtempSync(join(tmpdir(), 'sa-cli-leftover-'));
    const old = leftover(configured);
    const set = await warnings({
      DATA_DIR: configured,
      ADMIN_API_KEY: 'an-admin-key-from-the-env',
    });
    const file = join(configured, 'admin-key');
    expect(set.lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        file,
        msg: `${file} still holds the admin API key generated at an earlier start, but ADMIN_API_KEY is set and that key no longer opens the admin API: delete the file`,
      }),
    ]);
    expect(set.text).not.toContain(old);

    // The key in the file is not the one whose hash is kept (one was made on a terminal since).
    const replaced = mkdtempSync(join(tmpdir(), 'sa-cli-replaced-'));
    const stale = leftover(replaced);
    writeFileSync(join(replaced, 'admin-key.sha256'), `${'0'.repeat(64)}\n`);
    const other = await warnings({ DATA_DIR: replaced });
    expect(other.lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: `${join(replaced, 'admin-key')} holds an admin API key that no longer opens the admin API (another was made since): delete the file`,
      }),
    ]);
    expect(other.text).not.toContain(stale);
  });

  it('doctor and the one-shot commands make a missing DATA_DIR as serve does: for this user only', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sa-cli-dir-'));
    const forDoctor = join(root, 'doctor', 'data');
    const doctor = start(['doctor'], { DATA_DIR: forDoctor });
    expect(await doctor.exited).toBe(0);
    expect(doctor.out()).toMatch(/ok\s+data_dir/);
    const forSearch = join(root, 'search', 'data');
    const search = start(['search', 'refund', '--json'], { DATA_DIR: forSearch });
    expect(await search.exited).toBe(0);
    for (const dir of [forDoctor, join(root, 'doctor'), forSearch, join(root, 'search')]) {
      expect({ dir, mode: statSync(dir).mode & 0o777 }).toEqual({ dir, mode: 0o700 });
    }
  });

  it('doctor refuses what serve refuses, with the same message and exit code 2', async () => {
    const settings: Array<Record<string, string>> = [
      { REDIS_URL: 'redis://127.0.0.1:6379', SESSION_ENCRYPTION_KEY: 'short' },
      {
        REDIS_URL: 'redis://127.0.0.1:6379',
        SESSION_ENCRYPTION_KEY: 'c'.repeat(64),
        SESSION_ENCRYPTION_KEY_PREVIOUS: `${'d'.repeat(64)},${'C'.repeat(64)},too-short`,
      },
      { KB_SYNONYMS_FILE: join(tmpdir(), 'no-such-synonyms.txt') },
    ];
    // Six processes, started together: each spends most of its life starting up.
    const runs = settings.map((env) => ({
      serve: start(['serve'], { ...env, PORT: '0' }),
      doctor: start(['doctor'], env),
    }));
    for (const { serve, doctor } of runs) {
      expect(await serve.exited).toBe(2);
      expect(await doctor.exited).toBe(2);
      expect(doctor.err()).toContain('Invalid configuration:');
      expect(doctor.err()).toBe(serve.err());
      expect(doctor.out()).not.toContain('All checks passed');
    }
  }, 60_000);

  it('doctor says how files are read: at once, within what time and memory', async () => {
    const set = start(['doctor'], {
      PARSE_CONCURRENCY: '1',
      PARSE_TIMEOUT_MS: '60000',
      PARSE_MEMORY_BUDGET_MB: '256',
    });
    expect(await set.exited).toBe(0);
    expect(set.out()).toContain(
      'parsing      1 file at once for the knowledge base and as many for attachments, each within 60 s and 512 MiB of heap; the process grows by at most 256 MiB for all of them',
    );
    expect(set.out()).toMatch(/PARSE_TIMEOUT_MS\s+60000\n/);
    const unset = start(['doctor'], {});
    expect(await unset.exited).toBe(0);
    expect(unset.out()).toMatch(
      /parsing {6}[234] files at once \(the cores but one, from 2 to 4; PARSE_CONCURRENCY sets it\) for the knowledge base and as many for attachments, each within 30 s and 512 MiB of heap; the process grows by at most 768 MiB for all of them/,
    );
  });

  it('doctor says whether session encryption is on, and warns of a key that is not used', async () => {
    const key = 'a'.repeat(64);
    const on = start(['doctor'], {
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: `cli_doctor_${randomUUID()}:`,
      SESSION_ENCRYPTION_KEY: key,
    });
    expect(await on.exited).toBe(0);
    expect(on.out()).toContain('encryption   on: session data in Redis is encrypted (AES-256-GCM)');
    expect(on.out()).not.toContain('Warnings:');
    expect(on.out()).toMatch(
      /ok\s+sessions\s+redis:\/\/127\.0\.0\.1:6379\s+no instance has recorded/,
    );

    const unused = start(['doctor'], { SESSION_ENCRYPTION_KEY: key });
    expect(await unused.exited).toBe(0);
    expect(unused.out()).toContain(
      'SESSION_ENCRYPTION_KEY is set but unused: only sessions kept in Redis are encrypted, and REDIS_URL is not set',
    );
  });

  it('doctor fails when the sessions in Redis are encrypted with another key, or none is set', async () => {
    const env = {
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: `cli_doctor_${randomUUID()}:`,
    };
    const key = randomBytes(32);
    // A serving instance records its key (a key check value, not the key) at its first check.
    const serving = new RedisSessionStore({
      url: env.REDIS_URL,
      keyPrefix: env.REDIS_KEY_PREFIX,
      encryptionKey: key,
    });
    try {
      await serving.ping();
    } finally {
      await serving.close();
    }
    const same = start(['doctor'], { ...env, SESSION_ENCRYPTION_KEY: key.toString('hex') });
    expect(await same.exited).toBe(0);
    expect(same.out()).toMatch(
      /ok\s+sessions\s+\S+\s+sessions in Redis are encrypted with this SESSION_ENCRYPTION_KEY/,
    );
    const other = start(['doctor'], { ...env, SESSION_ENCRYPTION_KEY: 'b'.repeat(64) });
    const none = start(['doctor'], env);
    expect(await other.exited).toBe(1);
    expect(await none.exited).toBe(1);
    expect(other.out()).toMatch(
      /FAIL\s+sessions\s+\S+\s+sessions in Redis are encrypted with another key than this SESSION_ENCRYPTION_KEY: this instance cannot read them/,
    );
    expect(none.out()).toMatch(
      /FAIL\s+sessions\s+\S+\s+sessions in Redis are encrypted, and SESSION_ENCRYPTION_KEY is not set here/,
    );
    for (const run of [other, none]) {
      expect(run.out()).toContain('1 check(s) failed.');
      expect(run.out()).not.toContain(key.toString('hex'));
    }
  });

  it('doctor passes with the key that replaced the one in Redis and the old one as previous, showing only lengths', async () => {
    const env = {
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: `cli_doctor_${randomUUID()}:`,
    };
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    const serving = new RedisSessionStore({
      url: env.REDIS_URL,
      keyPrefix: env.REDIS_KEY_PREFIX,
      encryptionKey: oldKey,
    });
    try {
      await serving.ping();
    } finally {
      await serving.close();
    }
    const rotated = start(['doctor'], {
      ...env,
      SESSION_ENCRYPTION_KEY: newKey.toString('hex'),
      SESSION_ENCRYPTION_KEY_PREVIOUS: oldKey.toString('base64'),
    });
    expect(await rotated.exited).toBe(0);
    const out = rotated.out();
    expect(out).toMatch(/SESSION_ENCRYPTION_KEY_PREVIOUS\s+\*\*\*\* \(44 chars\)\n/);
    expect(out).toContain(
      'encryption   on: session data in Redis is encrypted (AES-256-GCM); 1 previous key (SESSION_ENCRYPTION_KEY_PREVIOUS) still read, never written',
    );
    expect(out).toMatch(
      /ok\s+sessions\s+\S+\s+sessions are readable with SESSION_ENCRYPTION_KEY or the previous key; new ones are written with SESSION_ENCRYPTION_KEY/,
    );
    expect(out).toContain('All checks passed.');
    for (const key of [oldKey, newKey]) {
      expect(out).not.toContain(key.toString('hex').slice(0, 12));
      expect(out).not.toContain(key.toString('base64').slice(0, 12));
    }
  });

  it('ingest --prune removes nothing under a folder that is not there (a mount that is down)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sa-cli-prune-'));
    const docs = join(mkdtempSync(join(tmpdir(), 'sa-cli-prune-docs-')), 'help');
    mkdirSync(docs);
    writeFileSync(join(docs, 'refunds.md'), '# Refunds\n\nYou can get a refund within 30 days.\n');
    expect(await start(['ingest', docs], { DATA_DIR: dataDir }).exited).toBe(0);
    renameSync(docs, `${docs}.unmounted`);

    const prune = start(['ingest', '--prune', docs], { DATA_DIR: dataDir });
    expect(await prune.exited).toBe(1);
    expect(prune.out()).toContain('0 removed');
    expect(prune.out()).toContain(
      `failed: ${docs}: does not exist; nothing stored from there was pruned`,
    );
    const search = start(['search', 'refund', '--json'], { DATA_DIR: dataDir });
    expect(await search.exited).toBe(0);
    const result = JSON.parse(search.out()) as { value: { hits: Array<{ title: string }> } };
    expect(result.value.hits.map((h) => h.title)).toEqual(['Refunds']);
  });

  it('ingest reads within the PARSE_* limits, and logs a file it had to stop', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sa-cli-limits-'));
    const docs = mkdtempSync(join(tmpdir(), 'sa-cli-limits-docs-'));
    writeFileSync(join(docs, 'refunds.md'), '# Refunds\n\nYou can get a refund within 30 days.\n');
    // Some 1,200 characters of text, over the 1 KB allowed.
    const long = await makePdf((doc) => doc.text('Parcels leave in 2 days. '.repeat(48).trim()));
    writeFileSync(join(docs, 'long.pdf'), long);
    const text = start(['ingest', docs], { DATA_DIR: dataDir, PARSE_MAX_TEXT_CHARS: '1024' });
    expect(await text.exited).toBe(1);
    expect(text.out()).toContain('documents: 1 added');
    expect(text.out()).toContain(
      `failed: ${join(docs, 'long.pdf')}: its text is larger than the 1 KB this service reads from one file`,
    );

    // The time given counts from when the worker is ready: its start, slow through tsx, is not
    // the file's.
    const blank = join(docs, 'blank.pdf');
    writeFileSync(blank, pdfBomb(1024, ' '));
    const slow = start(['ingest', blank], { DATA_DIR: dataDir, PARSE_TIMEOUT_MS: '1000' });
    expect(await slow.exited).toBe(1);
    expect(slow.out()).toContain(
      `failed: ${blank}: reading it took longer than the 1 s this service gives one file`,
    );
    const stops = slow
      .err()
      .split('\n')
      .filter((line) => line.includes('a file was stopped while it was read'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(stops).toEqual([
      expect.objectContaining({ level: 'warn', stopped: 'time', limit: 1000, path: blank }),
    ]);
  }, 60_000);

  it('chat answers /help itself and refuses an unknown /command without sending it', async () => {
    const chat = startCli(
      ['chat', '--session', randomUUID()],
      {},
      { text: '/help\n/refund please\n/quit\n' },
    );
    expect(await chat.exited).toBe(0);
    const out = chat.out();
    expect(out).toMatch(/\/new\s+start a new conversation/);
    expect(out).toMatch(/\/quit\s+leave/);
    expect(out).toContain('(unknown command /refund, not sent; /help lists the commands)');
    expect(out).not.toContain('agent>');
  });

  it("README's command table lists every command of --help", async () => {
    const help = start(['--help'], {});
    expect(await help.exited).toBe(0);
    const commands = [...help.out().matchAll(/^ {2}([a-z]+)\b/gm)]
      .map((m) => m[1] as string)
      .filter((name) => name !== 'help');
    expect(commands).toEqual(
      expect.arrayContaining(['serve', 'doctor', 'ingest', 'search', 'ask', 'chat', 'eval']),
    );
    const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('## Command line'),
      readme.indexOf('## Configuration'),
    );
    for (const name of commands) expect(section).toContain(`| \`support-agent ${name}`);
  });
});
