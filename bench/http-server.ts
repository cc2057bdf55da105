// The server side of `npm run bench -- http`, run as a child process so that the load generator
// and the server do not share a thread. `bare`: Fastify with one JSON route. `app`: the product
// (SQLite file, extractive responder) with a 10k-passage knowledge base, and beside it, on a
// port of its own, the floor: a bare Fastify route that does only what every message must, with
// the product's own store and search (the message stored, one search of the 10k passages; no
// token, session, lock, memory, escalation or answer). It reports its ports on the IPC channel
// and answers `{ gc: true }` with its resident memory after a full collection, and `{ cpu: true }`
// with the CPU time it has used so far, in microseconds.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { buildServer } from '../src/http/index.js';
import { ingestPaths } from '../src/rag/index.js';
import { timeOrderedId } from '../src/store/index.js';
import { writeCorpus } from './retrieval.js';
import { SyntheticCorpus } from './synthetic-corpus.js';

const BENCH_ADMIN_KEY = 'bench-admin-key-0123456789';

const send = (message: object) => process.send?.(message);

async function main(mode: string, passages: number): Promise<void> {
  let close: () => Promise<void>;
  let port: number;
  let chunks = 0;
  let floorPort = 0;
  if (mode === 'bare') {
    const server = Fastify({ logger: false });
    server.post('/bare', async (request) => ({
      ok: true,
      received: (request.body as { text?: string })?.text?.length ?? 0,
    }));
    await server.listen({ host: '127.0.0.1', port: 0 });
    port = (server.server.address() as { port: number }).port;
    close = () => server.close();
  } else {
    const dir = await mkdtemp(join(tmpdir(), 'sa-bench-http-'));
    await mkdir(join(dir, 'kb'));
    await writeCorpus(join(dir, 'kb'), passages, new SyntheticCorpus(42));
    const config = loadConfig({
      env: {
        LOG_LEVEL: 'silent',
        DATA_DIR: dir,
        ADMIN_API_KEY: BENCH_ADMIN_KEY,
        RATE_LIMIT_PER_MINUTE: '1000000',
        SESSION_STARTS_PER_MINUTE: '100000',
        SESSION_MESSAGES_PER_MINUTE: '100000',
        // The idle feeds all come from 127.0.0.1, standing for a thousand customers.
        STREAMS_PER_ADDRESS: '100000',
      },
    });
    const app = createApp(config);
    const report = await ingestPaths(app.knowledge, [join(dir, 'kb')], {
      maxFileBytes: 10 * 1024 * 1024,
      chunk: { size: config.kb.chunkSize, overlap: config.kb.chunkOverlap },
    });
    if (report.failed.length > 0) throw new Error(`ingestion failed: ${report.failed[0]?.reason}`);
    chunks = (await app.knowledge.stats()).chunks;
    // As `serve` does: the search index is built before the first request, not by it.
    await app.knowledge.prepareSearch();
    const server = await buildServer(app);
    await server.listen({ host: '127.0.0.1', port: 0 });
    port = (server.server.address() as { port: number }).port;
    const floor = Fastify({ logger: false });
    let stored = 0;
    floor.post('/floor', async (request) => {
      const text = (request.body as { text?: string })?.text ?? '';
      const id = timeOrderedId();
      await app.conversations.appendMessage({
        id,
        sessionId: `floor-${stored++ % 64}`,
        role: 'user',
        text,
        turnId: id,
        requestId: null,
        metadata: {},
      });
      const result = await app.retriever.search(text);
      return { hits: result.hits.length };
    });
    await floor.listen({ host: '127.0.0.1', port: 0 });
    floorPort = (floor.server.address() as { port: number }).port;
    close = async () => {
      await floor.close();
      server.server.closeAllConnections();
      await server.close();
      await app.close();
      await rm(dir, { recursive: true, force: true });
    };
  }
  process.on('message', (message: { gc?: boolean; cpu?: boolean; stop?: boolean }) => {
    if (message.cpu) {
      const { user, system } = process.cpuUsage();
      send({ cpuMicros: user + system });
    }
    if (message.gc) {
      for (let i = 0; i < 3; i++) globalThis.gc?.();
      send({ rss: process.memoryUsage().rss });
    }
    if (message.stop) void close().then(() => process.exit(0));
  });
  send({ port, chunks, floorPort });
}

await main(process.argv[2] ?? 'bare', Number(process.argv[3] ?? 10_000));
