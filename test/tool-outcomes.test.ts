import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { AppError } from '../src/errors/index.js';
import type { TurnEvent } from '../src/protocol/index.js';
import { createLogger } from '../src/telemetry/index.js';
import {
  FakeClock,
  flushPromises,
  startFakeOpenAi,
  type FakeOpenAi,
} from '../src/testing/index.js';
import { defineTool, ToolRegistry } from '../src/tools/index.js';

/**
 * A call is reported as `circuit_open` only when the breaker refused it before it was made. A
 * call that was made and failed — and whose failure opened the breaker, or found it opened by
 * others before its retry — is reported with its own failure: the timeout or the error it met.
 */

/** A registry on a fake clock: two failures in a row open a breaker, five attempts a call. */
function setup() {
  const clock = new FakeClock();
  const config = loadConfig({
    env: {
      TOOL_RETRY_ATTEMPTS: '5',
      TOOL_RETRY_JITTER: '0',
      TOOL_BREAKER_THRESHOLD: '2',
      TOOL_TIMEOUT_MS: '500',
    },
  });
  const tools = new ToolRegistry({
    config: config.tools,
    logger: createLogger({ level: 'silent' }),
    clock,
    random: () => 0.5,
  });
  return { clock, tools };
}

const unavailable = () =>
  new AppError('upstream_unavailable', 'upstream said 503', { retryable: true });

function tool(name: string, execute: () => Promise<unknown>) {
  const invoked: number[] = [];
  return {
    invoked,
    tool: defineTool({
      name,
      description: `tool ${name}`,
      input: z.object({}),
      async execute() {
        invoked.push(invoked.length + 1);
        return execute();
      },
    }),
  };
}

describe('the outcome of a call whose failures open the breaker', () => {
  it('is the timeout of the attempt that opened it, with no wait for a retry that cannot run', async () => {
    const { clock, tools } = setup();
    const stalls = tool('stalls', () => new Promise(() => {}));
    tools.register(stalls.tool);
    const result = await clock.run(tools.call('stalls', {}));
    expect(result).toMatchObject({ type: 'timeout', timeoutMs: 500, attempts: 2 });
    // Two attempts of 500 ms and the one-second wait between them; none after the second.
    expect(result.durationMs).toBe(2000);
    expect(stalls.invoked).toHaveLength(2);
    expect(tools.breaker('stalls').state).toBe('open');
    // The next call is refused without being made: that one is `circuit_open`.
    expect(await clock.run(tools.call('stalls', {}))).toMatchObject({
      type: 'circuit_open',
      attempts: 0,
    });
    expect(stalls.invoked).toHaveLength(2);
  });

  it('is the error of the attempt that opened it', async () => {
    const { clock, tools } = setup();
    const fails = tool('fails', () => Promise.reject(unavailable()));
    tools.register(fails.tool);
    const result = await clock.run(tools.call('fails', {}));
    expect(result).toMatchObject({
      type: 'error',
      code: 'upstream_unavailable',
      retryable: true,
      attempts: 2,
      durationMs: 1000,
    });
    expect(fails.invoked).toHaveLength(2);
  });

  it('is its own failure when other calls opened the breaker while it waited to retry', async () => {
    const { clock, tools } = setup();
    const fails = tool('shared', () => Promise.reject(unavailable()));
    tools.register(fails.tool);
    const waiting = tools.call('shared', {});
    await flushPromises();
    // The first call failed once and waits a second; another call's failure opens the breaker.
    expect(tools.breaker('shared').consecutiveFailures).toBe(1);
    await clock.advance(500);
    const other = await clock.run(tools.call('shared', {}));
    expect(other).toMatchObject({ type: 'error', attempts: 1, durationMs: 0 });
    expect(tools.breaker('shared').state).toBe('open');
    const result = await clock.run(waiting);
    expect(result).toMatchObject({ type: 'error', code: 'upstream_unavailable', attempts: 1 });
    // The call's time includes the wait after which the breaker refused the retry.
    expect(result.durationMs).toBe(1000);
    expect(fails.invoked).toHaveLength(2);
  });
});

describe('the language model timing out on the failure that opens its breaker', () => {
  let fake: FakeOpenAi;
  let app: App;
  let dir: string;

  beforeEach(async () => {
    fake = await startFakeOpenAi();
    dir = mkdtempSync(join(tmpdir(), 'tool-outcomes-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ tools: { overrides: { llm_chat: { timeoutMs: 300 } } } }));
    app = createApp(
      loadConfig({
        env: {
          LOG_LEVEL: 'silent',
          SUPPORT_AGENT_CONFIG: file,
          LLM_BASE_URL: fake.url,
          LLM_MODEL: 'fake-chat',
          TOOL_RETRY_INITIAL_DELAY_MS: '1',
          TOOL_RETRY_MAX_DELAY_MS: '5',
        },
      }),
      { databasePath: ':memory:' },
    );
    await app.knowledge.replaceSource('kb', '/help/faq.json', 'h', [
      {
        docKey: '0',
        title: 'What is your refund policy?',
        format: 'faq_json',
        contentHash: 'a',
        chunks: [{ ordinal: 0, headingPath: [], text: 'You can get a refund within 30 days.' }],
      },
    ]);
  });
  afterEach(async () => {
    await app.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function turn(sessionId: string) {
    const run = app.turns.start({ sessionId, text: 'What is your refund policy?' });
    const events: TurnEvent[] = [];
    for await (const event of run.events) events.push(event);
    return { events, result: await run.result };
  }
  const llmEvents = (events: TurnEvent[]) =>
    events.flatMap((e) => (e.type === 'tool' && e.name === 'llm_chat' ? [e] : []));

  it('reports the timeout in the stream, the reply and the metrics; circuit_open only for the refused call after', async () => {
    // Four failures in two turns (two attempts each), then a stall: the fifth failure in a row.
    fake.failNext(4, { status: 500 });
    await turn('o1');
    await turn('o2');
    fake.failNext(1, 'stall');
    const timedOut = await turn('o3');
    expect(app.tools.breaker('llm_chat').state).toBe('open');
    const [event] = llmEvents(timedOut.events);
    expect(event).toMatchObject({ outcome: 'timeout' });
    expect(event?.ms).toBeGreaterThanOrEqual(300);
    expect(timedOut.result.toolsFailed).toEqual([{ name: 'llm_chat', outcome: 'timeout' }]);

    const refused = await turn('o4');
    // Refused at once, no attempt made: its time is that of the refusal, far under an
    // attempt's (a pause of the machine may make it a millisecond or a few, not 0).
    const [refusal] = llmEvents(refused.events);
    expect(llmEvents(refused.events)).toMatchObject([{ outcome: 'circuit_open' }]);
    expect(refusal?.ms).toBeLessThan(100);
    const metrics = await app.telemetry.renderPrometheus();
    expect(metrics).toMatch(
      /support_agent_tool_calls_total\{tool="llm_chat",outcome="timeout"\} 1\b/,
    );
    expect(metrics).toMatch(
      /support_agent_tool_calls_total\{tool="llm_chat",outcome="circuit_open"\} 1\b/,
    );
  });

  it('is not retried once part of the answer was streamed: the customer never sees it twice', async () => {
    // The model sends "Partial", then nothing: the timeout ends the call.
    fake.failNext(1, 'stall');
    const { events, result } = await turn('p1');
    const chats = fake.requests.filter((r) => r.path === '/v1/chat/completions');
    expect(chats).toHaveLength(1);
    expect(llmEvents(events)).toMatchObject([{ outcome: 'timeout' }]);
    const streamed = events.flatMap((e) => (e.type === 'text' ? [e.delta] : [])).join('');
    expect(streamed.startsWith('Partial')).toBe(true);
    expect(streamed.split('Partial')).toHaveLength(2);
    // What was stored is what the customer saw.
    expect(result.text).toBe(streamed);
  });
});
