import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { DEFAULT_RETRIEVER_SETTINGS, Retriever, type SearchResult } from '../src/rag/index.js';
import {
  hashEmbedding,
  startFakeOpenAi,
  type FakeOpenAi,
} from '../src/testing/fake-openai-server.js';

/**
 * The stand-in for an embedding model: such a model places "refund" near "money back" and
 * "cancel" near "terminate". Each group of synonyms owns a dimension; other words fall into the
 * fake server's word-hash dimensions.
 */
const SYNONYMS = [/\brefund\w*|\bmoney back\b/g, /\bcancel\w*|\bterminat\w*/g];
function embedding(text: string): number[] {
  let rest = text.toLowerCase();
  const concepts = SYNONYMS.map((pattern) => {
    const found = pattern.test(rest);
    rest = rest.replace(pattern, ' ');
    return found ? 3 : 0;
  });
  return [...concepts, ...hashEmbedding(rest)];
}

const ARTICLES: Array<[string, string]> = [
  [
    'Money back guarantee',
    'We return the full price within 30 days of purchase, no questions asked.',
  ],
  ['Changing your password', 'Open Settings, choose Security and pick a new password.'],
  ['Shipping times', 'Parcels leave our warehouse within two working days.'],
  [
    'Ending your subscription',
    'Open Billing and press End plan; access continues until the period ends.',
  ],
];

let fake: FakeOpenAi;
let app: App;

beforeEach(async () => {
  fake = await startFakeOpenAi({ embed: (text) => embedding(text) });
  app = createApp(
    loadConfig({
      env: {
        LOG_LEVEL: 'silent',
        EMBEDDINGS_BASE_URL: fake.url,
        EMBEDDINGS_MODEL: 'fake-embed',
        TOOL_RETRY_ATTEMPTS: '1',
      },
    }),
    { databasePath: ':memory:' },
  );
  await app.knowledge.replaceSource(
    'kb',
    '/help/articles.json',
    'h',
    ARTICLES.map(([title, text], i) => ({
      docKey: String(i),
      title,
      format: 'faq_json',
      contentHash: String(i),
      chunks: [{ ordinal: 0, headingPath: [], text }],
    })),
  );
  expect(await app.indexVectors()).toEqual({ embedded: 4, pending: 0 });
});

afterEach(async () => {
  await app.close();
  await fake.close();
});

const search = (query: string) => app.tools.call<SearchResult>('kb_search', { query });

describe('hybrid retrieval', () => {
  it('finds by meaning what no shared word finds, and fuses it into the ranking', async () => {
    const question = 'Can I get a refund?';
    const lexicalOnly = await new Retriever(app.knowledge, DEFAULT_RETRIEVER_SETTINGS).search(
      question,
    );
    expect(lexicalOnly.hits.map((h) => h.title)).not.toContain('Money back guarantee');

    const result = await search(question);
    expect(result).toMatchObject({ type: 'ok', value: { mode: 'hybrid' } });
    const titles = result.type === 'ok' ? result.value.hits.map((h) => h.title) : [];
    expect(titles[0]).toBe('Money back guarantee');

    const cancel = await search('how do I cancel my subscription');
    expect(cancel.type === 'ok' && cancel.value.hits[0]?.title).toBe('Ending your subscription');
  });

  it('embeds through the tool-call layer, and falls back to lexical search when embeddings fail', async () => {
    fake.failNext(1, { status: 500 });
    const result = await search('how do I change my password');
    expect(result).toMatchObject({
      type: 'ok',
      value: { mode: 'lexical', degraded: 'dense_unavailable' },
    });
    expect(result.type === 'ok' && result.value.hits[0]?.title).toBe('Changing your password');
    const metrics = await app.telemetry.renderPrometheus();
    expect(metrics).toContain(
      'support_agent_tool_calls_total{tool="embed_texts",outcome="error"} 1',
    );
  });

  it('indexes only what has no vector yet, and says nothing is relevant when nothing is close', async () => {
    expect(await app.indexVectors()).toEqual({ embedded: 0, pending: 0 });
    expect(await search('what is the capital of France')).toMatchObject({
      type: 'ok',
      value: { hits: [], reason: 'nothing_relevant' },
    });
  });
});
