import { describe, expect, it } from 'vitest';
import type { TurnEvent } from '../src/protocol/index.js';
import { streamedText } from './helpers/llm-app.js';
import { useLlmApp } from './helpers/llm-suite.js';

const llm = useLlmApp([
  ['Can I return an item?', 'You can return an item within 30 days.'],
  ['Do you ship abroad?', 'We ship to every country in Europe.'],
]);
const { turn, chatBodies } = llm;

const completed = (events: TurnEvent[]) =>
  events.flatMap((e) => (e.type === 'complete' ? [e.message] : []))[0];
const toolMessages = (request: number) =>
  (chatBodies()[request]?.messages ?? []).filter((m) => m.role === 'tool');

describe('a model that writes and then looks something up', () => {
  it('keeps the words it wrote before the tool call in the reply the customer saw streamed', async () => {
    llm.fake.chatReplies(
      {
        text: 'Let me check that for you.',
        toolCalls: [{ name: 'kb_search', arguments: { query: 'return an item' } }],
      },
      { text: 'You can return it within 30 days [1].' },
    );
    const { events, result } = await turn('t1', 'Can I return an item?');
    const streamed = streamedText(events);
    expect(streamed).toContain('Let me check that for you.');
    expect(streamed).toContain('You can return it within 30 days [1].');
    expect(result.text).toBe(streamed);
    expect(completed(events)?.text).toBe(streamed);
    const stored = await llm.app.conversations.recentMessages('t1', 1);
    expect(stored.at(-1)?.text).toBe(streamed);
    // Two answers are not glued into one word ("you.You").
    expect(streamed).not.toContain('you.You');
  });
});

describe("passages of the model's own searches", () => {
  it('are numbered after those given up front, and the ones it cites are the reply’s sources', async () => {
    llm.fake.chatReplies(
      { toolCalls: [{ name: 'kb_search', arguments: { query: 'ship abroad Europe' } }] },
      (request) => {
        const found = request.messages.find((m) => m.role === 'tool')?.content ?? '';
        // The model cites the passage by the number the tool result gave it.
        const n = /"number":(\d+),"title":"Do you ship abroad\?"/.exec(found)?.[1] ?? '0';
        return { text: `Returns within 30 days [1]; we ship across Europe [${n}].` };
      },
    );
    const { events, result } = await turn('t2', 'Can I return an item?');
    const given = (chatBodies()[0]?.messages ?? []).map((m) => m.content).join('\n');
    const upFront = [...given.matchAll(/^<passage number="(\d+)">$/gm)].length;
    expect(upFront).toBeGreaterThan(0);
    expect(toolMessages(1)[0]?.content).toContain('"number":');
    const n = upFront + 1;
    expect(result.text).toBe(`Returns within 30 days [1]; we ship across Europe [${n}].`);
    expect(streamedText(events)).toBe(result.text);
    expect(result.sources.map((s) => [s.id, s.title])).toContainEqual([n, 'Do you ship abroad?']);
    expect(result.sources.map((s) => s.id)).toContain(1);
  });

  it('keep their number when found again, and a number past them still names no source', async () => {
    llm.fake.chatReplies(
      { toolCalls: [{ name: 'kb_search', arguments: { query: 'return an item' } }] },
      (request) => {
        const found = request.messages.find((m) => m.role === 'tool')?.content ?? '';
        const n = /"number":(\d+),"title":"Can I return an item\?"/.exec(found)?.[1] ?? '0';
        return { text: `Within 30 days [${n}]. See also [9].` };
      },
    );
    const { result } = await turn('t3', 'Can I return an item?');
    expect(result.text).toBe('Within 30 days [1]. See also.');
    expect(result.sources.map((s) => s.id)).toEqual([1]);
  });
});

describe('citations that name several sources at once', () => {
  it('keep the numbers that name a source, drop the others, and list the sources', async () => {
    llm.fake.chatReplies({
      text: 'Returns within 30 days [1, 7]. Europe only [2][8]. Both [1-3]. None [5-6].',
      chunkSize: 3,
    });
    const { events, result } = await turn('t4', 'Can I return an item or ship abroad?');
    expect(result.sources.length).toBe(2);
    const shown = 'Returns within 30 days [1]. Europe only [2]. Both [1][2]. None.';
    expect(result.text).toBe(shown);
    expect(streamedText(events)).toBe(shown);
    expect(result.sources.map((s) => s.id)).toEqual([1, 2]);
  });
});

describe('a model that answers nothing', () => {
  it('is stood in for by the help center, not sent as an empty reply', async () => {
    llm.fake.chatReplies({ text: '' });
    const { result } = await turn('t5', 'Can I return an item?');
    expect(result.text.trim()).not.toBe('');
    expect(result).toMatchObject({ answeredBy: 'extractive' });
    expect(result.fallback).toBeDefined();
  });
});

describe('a tool call with arguments that are not JSON, or not what the tool takes', () => {
  it('tells the model so and does not count as a failed search of the help center', async () => {
    llm.fake.chatReplies(
      {
        toolCalls: [
          { name: 'kb_search', arguments: '{"query": "return' },
          { name: 'kb_search', arguments: { q: 'return' } },
        ],
      },
      { text: 'Within 30 days [1].' },
    );
    const { result } = await turn('t6', 'Can I return an item?');
    const [notJson, unfit] = toolMessages(1);
    expect(notJson?.content).toMatch(/not valid JSON/);
    expect(unfit?.content).toMatch(/query/);
    expect(result.toolsFailed).toEqual([]);
    expect(result.text).toBe('Within 30 days [1].');
  });
});

describe('a model that asks for many searches at once', () => {
  it('gets a few run, and an answer to every call', async () => {
    const toolCalls = Array.from({ length: 12 }, (_, i) => ({
      name: 'kb_search',
      arguments: { query: `return an item ${i}` },
    }));
    llm.fake.chatReplies({ toolCalls }, { text: 'Within 30 days [1].' });
    const { events, result } = await turn('t7', 'Can I return an item?');
    const searches = events.filter((e) => e.type === 'tool' && e.name === 'kb_search');
    // The turn's own search, and at most four of the model's.
    expect(searches.length).toBeLessThanOrEqual(5);
    expect(toolMessages(1)).toHaveLength(12);
    expect(result.text).toBe('Within 30 days [1].');
  });
});

describe('a model whose answer breaks off after a tool call', () => {
  it('keeps all it streamed, then the help center answer, as the customer saw it', async () => {
    llm.fake.chatReplies(() => {
      // The next request, the answer after the search, breaks off after its first words.
      llm.fake.failNext(1, 'cut');
      return {
        text: 'Let me check that for you.',
        toolCalls: [{ name: 'kb_search', arguments: { query: 'return an item' } }],
      };
    });
    const { events, result } = await turn('t8', 'Can I return an item?');
    const streamed = streamedText(events);
    expect(streamed).toMatch(/^Let me check that for you\.\s+Partial/);
    expect(result).toMatchObject({ answeredBy: 'extractive', text: streamed });
    expect(result.fallback).toBeDefined();
    const stored = await llm.app.conversations.recentMessages('t8', 1);
    expect(stored.at(-1)?.text).toBe(streamed);
  });
});

describe('a model cut short after citing a passage its own search found', () => {
  it('keeps that passage as a source, under the number the customer saw', async () => {
    llm.fake.chatReplies(
      { toolCalls: [{ name: 'kb_search', arguments: { query: 'ship abroad Europe' } }] },
      (request) => {
        const found = request.messages.find((m) => m.role === 'tool')?.content ?? '';
        const n = /"number":(\d+),"title":"Do you ship abroad\?"/.exec(found)?.[1] ?? '0';
        return { text: `We ship across Europe [${n}], and returns`, finishReason: 'length' };
      },
    );
    const { events, result } = await turn('t-cut-cited', 'Can I return an item?');
    const n = Number(/Europe \[(\d+)\]/.exec(result.text)?.[1]);
    expect(n).toBeGreaterThan(1);
    expect(result.text).toContain('That answer was cut short. From our help center:');
    expect(result.answeredBy).toBe('extractive');
    expect(streamedText(events)).toBe(result.text);
    expect(result.sources.map((s) => [s.id, s.title])).toContainEqual([n, 'Do you ship abroad?']);
    // The help center's answer that follows cites the returns passage, as numbered up front.
    expect(result.sources.map((s) => [s.id, s.title])).toContainEqual([1, 'Can I return an item?']);
  });
});

describe('an answer the model stopped short', () => {
  it('cut off at its token limit is not stored as whole: the reply says so and the help center answers', async () => {
    llm.fake.chatReplies({ text: 'You can return it within', finishReason: 'length' });
    const { events, result } = await turn('t-length', 'Can I return an item?');
    expect(result.text).toContain('You can return it within');
    expect(result.text).toContain('That answer was cut short. From our help center:');
    expect(result.text).toContain('You can return an item within 30 days');
    expect(result.answeredBy).toBe('extractive');
    expect(result.fallback).toContain('its answer was incomplete');
    expect(streamedText(events)).toBe(result.text);
    const stored = await llm.app.conversations.recentMessages('t-length', 1);
    expect(stored.at(-1)?.text).toBe(result.text);
    // Asked once: the same limit would cut a second answer too.
    expect(chatBodies()).toHaveLength(1);
  });

  it('withheld by its content filter, with nothing written, gets the help center’s answer', async () => {
    llm.fake.chatReplies({ text: '', finishReason: 'content_filter' });
    const { result } = await turn('t-filter', 'Can I return an item?');
    expect(result.answeredBy).toBe('extractive');
    expect(result.text).toContain('You can return an item within 30 days');
    expect(result.fallback).toContain('its answer was incomplete');
  });
});
