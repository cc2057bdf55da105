import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, retrieverSettings, type App } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { buildServer } from '../src/http/index.js';
import { evaluateRetrieval, Retriever, type SearchResult } from '../src/rag/index.js';
import type { KnowledgeRepository, LexicalQuery } from '../src/store/index.js';
import { FakeClock } from '../src/testing/index.js';
import { createKbSearchTool, ToolRegistry } from '../src/tools/index.js';
import { createLogger } from '../src/telemetry/index.js';
import { COVIDFAQ } from './helpers/covidfaq.js';

let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function appWithFaq(spans?: InMemorySpanExporter) {
  app = createApp(loadConfig({ env: { LOG_LEVEL: 'silent' } }), {
    databasePath: ':memory:',
    ...(spans ? { spanProcessors: [new SimpleSpanProcessor(spans)] } : {}),
  });
  return app;
}

async function seed(target: App) {
  await target.knowledge.replaceSource('kb', '/help/faq.json', 'h', [
    {
      docKey: '0',
      title: 'How do I reset my password?',
      format: 'faq_json',
      contentHash: 'a',
      chunks: [
        {
          ordinal: 0,
          headingPath: [],
          text: 'Open Settings, choose Password and follow the e-mail link.',
        },
      ],
    },
    {
      docKey: '1',
      title: 'What is your refund policy?',
      format: 'faq_json',
      contentHash: 'b',
      chunks: [
        { ordinal: 0, headingPath: [], text: 'Refunds are possible within 30 days of purchase.' },
      ],
    },
  ]);
}

/** A Markdown page of one passage. */
function page(title: string, text: string) {
  return {
    docKey: '0',
    title,
    format: 'markdown',
    contentHash: text,
    chunks: [{ ordinal: 0, headingPath: [], text }],
  };
}

describe('retrieval quality', () => {
  it('reaches nDCG@10 >= 0.72 on the CovidFAQ set with the default configuration', async () => {
    expect(COVIDFAQ, 'the CovidFAQ set is expected at ../shared/data/covidfaq').toBeDefined();
    const config = loadConfig({ env: {} });
    const result = await evaluateRetrieval(COVIDFAQ as string, {
      settings: retrieverSettings(config),
      chunk: { size: config.kb.chunkSize, overlap: config.kb.chunkOverlap },
    });
    expect(result.queries).toBe(1387);
    expect(result['ndcg@10']).toBeGreaterThanOrEqual(0.72);
    expect(result['recall@10']).toBeGreaterThan(0.9);
  });
});

describe('kb_search', () => {
  it('answers through the tool-call layer: one span, and calls counted at /metrics', async () => {
    const spans = new InMemorySpanExporter();
    const target = appWithFaq(spans);
    await seed(target);
    const result = await target.correlation.run({ requestId: 'r-kb', sessionId: 's-kb' }, () =>
      target.tools.call<SearchResult>('kb_search', {
        query: 'I forgot my password, how can I reset it?',
      }),
    );
    expect(result.type).toBe('ok');
    const hits = result.type === 'ok' ? result.value.hits : [];
    expect(hits[0]).toMatchObject({
      title: 'How do I reset my password?',
      source: '/help/faq.json',
    });
    expect(hits[0]?.snippet).toContain('<mark>Password</mark>');

    const [span] = spans.getFinishedSpans();
    expect(span?.name).toBe('execute_tool kb_search');
    expect(span?.attributes).toMatchObject({
      'gen_ai.tool.name': 'kb_search',
      'session.id': 's-kb',
      'support_agent.tool.outcome': 'ok',
    });
    const metrics = await (await buildServer(target)).inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain(
      'support_agent_tool_calls_total{tool="kb_search",outcome="ok"} 1',
    );
  });

  it('is cut off by its timeout like every tool', async () => {
    const clock = new FakeClock();
    const stuck: KnowledgeRepository = {
      correctSpelling: async () => new Map(),
      searchLexical: () => new Promise(() => {}),
    } as unknown as KnowledgeRepository;
    const config = loadConfig({ env: { TOOL_RETRY_ATTEMPTS: '1' } });
    const tools = new ToolRegistry({
      config: config.tools,
      logger: createLogger({ level: 'silent' }),
      clock,
    });
    tools.register(createKbSearchTool(new Retriever(stuck)));
    const pending = tools.call('kb_search', { query: 'refund' });
    await clock.advance(15_000);
    expect(await pending).toMatchObject({ type: 'timeout', timeoutMs: 15_000 });
  });

  it('takes any text as words, never as query syntax', async () => {
    const target = appWithFaq();
    await seed(target);
    const hostile = [
      '"refund" AND policy* NEAR(refund policy) OR -password ^refund : {title}',
      'refund"" policy "',
      'refund 🙂🙂 policy 💸',
      `refund policy ${'x'.repeat(9_000)}`,
    ];
    for (const query of hostile) {
      const result = await target.tools.call<SearchResult>('kb_search', { query });
      expect(result.type, query.slice(0, 40)).toBe('ok');
      if (result.type === 'ok')
        expect(result.value.hits[0]?.title).toBe('What is your refund policy?');
    }
  });

  it('searches a misspelt word as the word the help center uses, and says so', async () => {
    const target = appWithFaq();
    await seed(target);
    const result = await target.tools.call<SearchResult>('kb_search', {
      query: 'How do I reset my pasword?',
    });
    expect(result).toMatchObject({
      type: 'ok',
      value: { spelling: [{ from: 'pasword', to: 'password' }] },
    });
    if (result.type === 'ok') {
      expect(result.value.hits[0]?.title).toBe('How do I reset my password?');
      expect(result.value.hits[0]?.snippet).toContain('<mark>Password</mark>');
    }
    // A word the help center has is never changed, and one nothing is near stays as it is.
    const exact = await target.tools.call<SearchResult>('kb_search', { query: 'refund policy' });
    expect(exact.type === 'ok' && exact.value.spelling).toBe(undefined);
    expect(
      await target.tools.call<SearchResult>('kb_search', { query: 'capital of France' }),
    ).toMatchObject({ type: 'ok', value: { hits: [], reason: 'nothing_relevant' } });
  });

  it("searches the help center's word for the customer's too, and says so", async () => {
    const target = appWithFaq();
    await seed(target);
    await target.knowledge.replaceSource('kb', '/help/damaged.md', 'h', [
      page('Damaged items', 'If an item arrives damaged, send us a photo and we replace it.'),
    ]);
    for (const word of ['broken', 'defective']) {
      const result = await target.tools.call<SearchResult>('kb_search', {
        query: `the mug came ${word}`,
      });
      expect(result.type === 'ok' && result.value.hits[0]?.title).toBe('Damaged items');
      expect(result.type === 'ok' && result.value.hits[0]?.snippet).toContain(
        '<mark>damaged</mark>',
      );
      expect(result.type === 'ok' && result.value.related).toEqual(
        expect.arrayContaining([{ from: word, to: 'damaged', weight: expect.any(Number) }]),
      );
      // A word the synonyms know is the customer's word, not a misspelling of another.
      expect(result.type === 'ok' && result.value.spelling).toBe(undefined);
    }
  });

  it('searches a related word on top of the query terms, never a word the query terms left out', async () => {
    const target = appWithFaq();
    await seed(target);
    const asked: LexicalQuery[] = [];
    const repo = new Proxy(target.knowledge, {
      get(store, key) {
        if (key === 'searchLexical') {
          return (query: LexicalQuery) => {
            asked.push(query);
            return store.searchLexical(query);
          };
        }
        const value: unknown = Reflect.get(store, key);
        return typeof value === 'function' ? value.bind(store) : value;
      },
    });
    const retriever = new Retriever(repo, retrieverSettings(target.config));
    // The words of "send it back" weigh little; "return" is searched with them.
    await retriever.search('how do I send it back');
    const [short] = asked;
    expect(short?.terms).toContain('return');
    expect(short?.weights?.[short.terms.indexOf('send')]).toBeLessThan(0.5);
    // A long text is cut to its first terms; "send" and "back", past the cut, stay out.
    const filler = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    await retriever.search(`${filler} please send it back`);
    const long = asked[1];
    expect(long?.terms).toContain('return');
    expect(long?.terms).not.toContain('send');
    expect(long?.terms).not.toContain('back');
    expect(long?.weights).toHaveLength(long?.terms.length ?? -1);
  });

  it("adds a company's own words from KB_SYNONYMS_FILE, and refuses a file it cannot read", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sa-synonyms-'));
    try {
      const file = join(dir, 'synonyms.txt');
      await writeFile(file, '# our product names\nHelix X2 | helix => blender\n');
      const config = (env: Record<string, string>) =>
        loadConfig({ env: { LOG_LEVEL: 'silent', ...env } });
      app = createApp(config({ KB_SYNONYMS_FILE: file }), { databasePath: ':memory:' });
      await seed(app);
      await app.knowledge.replaceSource('kb', '/help/blender.md', 'h', [
        page('Cleaning the blender', 'Rinse the jug after each use.'),
      ]);
      const result = await app.tools.call<SearchResult>('kb_search', {
        query: 'cleaning a Helix X2',
      });
      expect(result.type === 'ok' && result.value.hits[0]?.title).toBe('Cleaning the blender');
      // The built-in vocabulary still holds.
      const broken = await app.tools.call<SearchResult>('kb_search', { query: 'refund broken' });
      expect(broken.type === 'ok' && broken.value.related?.map((r) => r.to)).toContain('damaged');

      await writeFile(file, 'blender | mixer\nHelix => \n');
      expect(() => createApp(config({ KB_SYNONYMS_FILE: file }))).toThrow(
        /KB_SYNONYMS_FILE .*line 2: words are needed on both sides/,
      );
      expect(() => createApp(config({ KB_SYNONYMS_FILE: join(dir, 'none.txt') }))).toThrow(
        /KB_SYNONYMS_FILE: cannot read .*none\.txt \(ENOENT\)/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says plainly when there is nothing to search for or nothing relevant', async () => {
    const target = appWithFaq();
    await seed(target);
    const call = (query: string) => target.tools.call<SearchResult>('kb_search', { query });
    expect(await call('how do I do this?')).toMatchObject({
      type: 'ok',
      value: { hits: [], reason: 'no_searchable_words' },
    });
    expect(await call('🙂 ?! ***')).toMatchObject({
      type: 'ok',
      value: { hits: [], reason: 'no_searchable_words' },
    });
    expect(await call('What is the capital of France?')).toMatchObject({
      type: 'ok',
      value: { hits: [], reason: 'nothing_relevant' },
    });
  });

  it('refuses an empty or over-long query with a clear error, never retried', async () => {
    const target = appWithFaq();
    const empty = await target.tools.call('kb_search', { query: '   ' });
    expect(empty).toMatchObject({ type: 'error', code: 'invalid_input', attempts: 0 });
    expect(empty.type === 'error' && empty.message).toContain('the query is empty');
    const long = await target.tools.call('kb_search', { query: 'a'.repeat(10_001) });
    expect(long.type === 'error' && long.message).toContain('longer than 10000 characters');
    expect(
      await target.tools.call('kb_search', { query: 'refund '.repeat(1428).slice(0, 10_000) }),
    ).toMatchObject({ type: 'ok' });
  });
});
