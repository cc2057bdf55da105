import { fork, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { rawRequest, runLoad, type LoadResult, type RawRequest } from './http-load.js';
import { SyntheticCorpus } from './synthetic-corpus.js';

/** What `npm run bench -- http` prints. */
export interface HttpBenchResult {
  benchmark: 'http';
  node: string;
  chunks: number;
  connections: number;
  /** `cpuMsPerRequest`: the bare server's CPU time per request while it was measured. */
  bare_route: LoadResult & { cpuMsPerRequest: number };
  /**
   * `cpuMsPerMessage`: the CPU time the server used per message answered while they were
   * measured (every thread of its process: the event loop, the collector, the disk): what a
   * message costs, less sensitive than the rate to other work on the machine.
   */
  messages: LoadResult & { sessions: number; cpuMsPerMessage: number };
  /** messages per second / bare route requests per second. */
  ratio: number;
  /**
   * The bare route's CPU time per request / a message's: the same comparison as `ratio` by what
   * each costs the server rather than by rates, which other work on a shared machine moves.
   */
  cpu_ratio: number;
  /**
   * The product's lightest authenticated route (`GET /v1/sessions/:id`: token, rate limits,
   * headers, one session read) against the bare route: a ceiling no whole turn can pass.
   */
  session_read: LoadResult & { ratio: number };
  /**
   * A bare Fastify route in the product's process that does only what every message must: store
   * it (the product's SQLite repository) and search the 10k passages once (its retriever); no
   * token, session, lock, memory, escalation or answer. Another floor no whole turn can pass.
   * `cpuMsPerRequest`: the server's CPU time per request, as `messages.cpuMsPerMessage`.
   */
  store_and_search: LoadResult & { ratio: number; cpuMsPerRequest: number };
  idle_sse: {
    connections: number;
    rss_before_mb: number;
    rss_after_mb: number;
    mb_per_1000: number;
  };
  targets: { ratio: number; mb_per_1000_idle_sse: number };
  meets_target: { ratio: boolean; mb_per_1000_idle_sse: boolean };
  failures: number;
}

const MB = 1024 * 1024;
const round = (x: number, digits = 3) => Number(x.toFixed(digits));
/** Milliseconds of CPU time per request, from microseconds used over `requests` requests. */
const cpuMsPer = (micros: number, requests: number) => round(micros / 1000 / Math.max(1, requests));

/** A benchmark server in its own process. */
class ServerProcess {
  readonly #child: ChildProcess;
  readonly #replies: Array<(message: Record<string, number>) => void> = [];

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (message: Record<string, number>) => this.#replies.shift()?.(message));
  }

  static async start(
    mode: 'bare' | 'app',
    chunks = 0,
  ): Promise<{ server: ServerProcess; port: number; chunks: number; floorPort: number }> {
    // Built, the server is JavaScript beside this file; from the sources (the tests), TypeScript.
    const source = import.meta.url.endsWith('.ts');
    const script = new URL(source ? './http-server.ts' : './http-server.js', import.meta.url);
    const child = fork(script, [mode, String(chunks)], {
      // HTTP_BENCH_PROFILE=<dir> writes the server's CPU profile there, to see where time goes.
      execArgv: [
        '--expose-gc',
        ...(source ? ['--import', 'tsx'] : []),
        ...(process.env.HTTP_BENCH_PROFILE
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env.HTTP_BENCH_PROFILE}`]
          : []),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const server = new ServerProcess(child);
    const ready = await server.#next();
    return {
      server,
      port: ready.port ?? 0,
      chunks: ready.chunks ?? 0,
      floorPort: ready.floorPort ?? 0,
    };
  }

  #next(): Promise<Record<string, number>> {
    return new Promise((resolve, reject) => {
      this.#replies.push(resolve);
      this.#child.once('exit', (code) =>
        reject(new Error(`the benchmark server exited (${code})`)),
      );
    });
  }

  /** The CPU time the server has used since it started, in microseconds. */
  async cpuMicros(): Promise<number> {
    const reply = this.#next();
    this.#child.send({ cpu: true });
    return (await reply).cpuMicros ?? 0;
  }

  /** Resident memory after a full garbage collection, in bytes. */
  async rss(): Promise<number> {
    const reply = this.#next();
    this.#child.send({ gc: true });
    return (await reply).rss ?? 0;
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.#child.send({ stop: true });
    await exited;
  }
}

async function json(
  port: number,
  method: string,
  path: string,
  token?: string,
): Promise<{ id: string; token: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return (await response.json()) as { id: string; token: string };
}

/** Opens an SSE connection to a session's live feed and resolves once its `ready` event came. */
function openFeed(port: number, session: { id: string; token: string }): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: `/v1/sessions/${session.id}/events`,
        agent: false,
        headers: { authorization: `Bearer ${session.token}`, accept: 'text/event-stream' },
      },
      (res) => {
        if (res.statusCode !== 200) reject(new Error(`feed: ${res.statusCode}`));
        res.once('data', () => resolve(() => req.destroy()));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * Loopback HTTP, in one run: the requests per second of a bare Fastify route, then messages per
 * second through the whole product (extractive responder, 10k-passage knowledge base, SQLite),
 * with the same client and connection count, as a ratio; then the resident memory that 1,000 idle
 * SSE connections (sessions' live feeds) add to the server. Each server runs in its own process.
 */
export async function runHttpBench(
  options: {
    seconds?: number;
    /** Of each warm-up before a measurement (the messages' is twice as long). */
    warmupSeconds?: number;
    connections?: number;
    sessions?: number;
    idle?: number;
    /** Passages in the knowledge base. */
    chunks?: number;
  } = {},
): Promise<HttpBenchResult> {
  const seconds = options.seconds ?? 8;
  const warmup = options.warmupSeconds ?? 1;
  const connections = options.connections ?? 16;
  const sessionCount = options.sessions ?? 64;
  const idle = options.idle ?? 1000;

  const bare = await ServerProcess.start('bare');
  const bareBody = JSON.stringify({ text: 'How do I reset my password?' });
  const bareRequest = rawRequest('POST', '/bare', { 'content-type': 'application/json' }, bareBody);
  await runLoad({
    port: bare.port,
    connections,
    seconds: warmup,
    request: () => bareRequest,
    expectStatus: 200,
  });
  const bareCpuBefore = await bare.server.cpuMicros();
  const bareLoad = await runLoad({
    port: bare.port,
    connections,
    seconds,
    request: () => bareRequest,
    expectStatus: 200,
  });
  const bareResult = {
    ...bareLoad,
    cpuMsPerRequest: cpuMsPer((await bare.server.cpuMicros()) - bareCpuBefore, bareLoad.requests),
  };
  await bare.server.stop();

  const app = await ServerProcess.start('app', options.chunks ?? 10_000);
  try {
    const sessions: Array<{ id: string; token: string }> = [];
    for (let i = 0; i < sessionCount; i++)
      sessions.push(await json(app.port, 'POST', '/v1/sessions'));
    const readRequests = sessions.map((session) =>
      rawRequest('GET', `/v1/sessions/${session.id}`, {
        authorization: `Bearer ${session.token}`,
      }),
    );
    const readRequest = (connection: number, n: number) =>
      readRequests[(connection + n * connections) % sessionCount] as RawRequest;
    await runLoad({
      port: app.port,
      connections,
      seconds: warmup,
      request: readRequest,
      expectStatus: 200,
    });
    const reads = await runLoad({
      port: app.port,
      connections,
      seconds,
      request: readRequest,
      expectStatus: 200,
    });

    const corpus = new SyntheticCorpus(7);
    const questions = Array.from({ length: 512 }, () => corpus.question());
    const messageRequest = (connection: number, n: number) => {
      // Each connection has its own sessions: turns of one session wait for each other by design.
      const session = sessions[(connection + n * connections) % sessionCount] as {
        id: string;
        token: string;
      };
      return rawRequest(
        'POST',
        `/v1/sessions/${session.id}/messages`,
        { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
        JSON.stringify({ text: questions[(connection * 31 + n) % questions.length] }),
      );
    };
    await runLoad({
      port: app.port,
      connections,
      seconds: 2 * warmup,
      request: messageRequest,
      expectStatus: 200,
    });
    const cpuBefore = await app.server.cpuMicros();
    const messages = await runLoad({
      port: app.port,
      connections,
      seconds,
      request: messageRequest,
      expectStatus: 200,
    });
    const cpuMicros = (await app.server.cpuMicros()) - cpuBefore;

    const floorRequests = questions.map((question) =>
      rawRequest(
        'POST',
        '/floor',
        { 'content-type': 'application/json' },
        JSON.stringify({ text: question }),
      ),
    );
    const floorRequest = (connection: number, n: number) =>
      floorRequests[(connection * 31 + n) % floorRequests.length] as RawRequest;
    await runLoad({
      port: app.floorPort,
      connections,
      seconds: warmup,
      request: floorRequest,
      expectStatus: 200,
    });
    const floorCpuBefore = await app.server.cpuMicros();
    const floor = await runLoad({
      port: app.floorPort,
      connections,
      seconds,
      request: floorRequest,
      expectStatus: 200,
    });
    const floorCpuMicros = (await app.server.cpuMicros()) - floorCpuBefore;

    // Idle live feeds: the sessions exist first, so only the connections are measured.
    const feedSessions = [];
    for (let i = 0; i < idle; i++) feedSessions.push(await json(app.port, 'POST', '/v1/sessions'));
    const before = await app.server.rss();
    const closers = [];
    for (const session of feedSessions) closers.push(await openFeed(app.port, session));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = await app.server.rss();
    for (const close of closers) close();

    const ratio = round(messages.perSecond / bareResult.perSecond);
    const perThousand = round(((after - before) / MB) * (1000 / idle), 2);
    return {
      benchmark: 'http',
      node: process.version,
      chunks: app.chunks,
      connections,
      bare_route: bareResult,
      messages: {
        ...messages,
        sessions: sessionCount,
        cpuMsPerMessage: cpuMsPer(cpuMicros, messages.requests),
      },
      ratio,
      cpu_ratio: round(bareResult.cpuMsPerRequest / cpuMsPer(cpuMicros, messages.requests)),
      session_read: { ...reads, ratio: round(reads.perSecond / bareResult.perSecond) },
      store_and_search: {
        ...floor,
        ratio: round(floor.perSecond / bareResult.perSecond),
        cpuMsPerRequest: cpuMsPer(floorCpuMicros, floor.requests),
      },
      idle_sse: {
        connections: idle,
        rss_before_mb: round(before / MB, 1),
        rss_after_mb: round(after / MB, 1),
        mb_per_1000: perThousand,
      },
      targets: { ratio: 0.3, mb_per_1000_idle_sse: 20 },
      meets_target: { ratio: ratio >= 0.3, mb_per_1000_idle_sse: perThousand <= 20 },
      failures: bareResult.failures + reads.failures + messages.failures + floor.failures,
    };
  } finally {
    await app.server.stop();
  }
}
