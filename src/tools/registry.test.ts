import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../config/index.js';
import { AppError } from '../errors/index.js';
import { createLogger } from '../telemetry/index.js';
import { captureLogs, FakeClock, flushPromises } from '../testing/index.js';
import { defineTool, ToolRegistry, type Tool, type ToolContext } from './index.js';

/** A registry on a fake clock, with the given environment settings. */
function setup(env: Record<string, string> = {}, random: () => number = () => 0.5) {
  const clock = new FakeClock();
  const logs = captureLogs();
  const config = loadConfig({ env: { LOG_LEVEL: 'debug', ...env } });
  const tools = new ToolRegistry({
    config: config.tools,
    logger: createLogger({ level: 'debug', destination: logs.stream }),
    clock,
    random,
  });
  return { clock, tools, logs };
}

/** A tool whose behaviour the test scripts call by call, recording when it was invoked. */
function scripted(
  name: string,
  behaviour: (call: number, ctx: ToolContext) => Promise<unknown>,
  clock: FakeClock,
  extra: Partial<Tool> = {},
) {
  const invocations: number[] = [];
  const tool = defineTool({
    name,
    description: `scripted tool ${name}`,
    input: z.object({ q: z.string().optional() }),
    ...extra,
    async execute(_input, ctx) {
      invocations.push(clock.now());
      return behaviour(invocations.length, ctx);
    },
  });
  return { tool, invocations };
}

function deferred<T = unknown>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const unavailable = () =>
  new AppError('upstream_unavailable', 'upstream said 503', { retryable: true });

describe('retry', () => {
  it('retries a retryable failure with exponential backoff and then succeeds', async () => {
    const { clock, tools } = setup({ TOOL_RETRY_JITTER: '0' });
    const { tool, invocations } = scripted(
      'flaky',
      async (n) => {
        if (n < 3) throw unavailable();
        return 'done';
      },
      clock,
    );
    tools.register(tool);
    const t0 = clock.now();
    const result = await clock.run(tools.call('flaky', {}));

    expect(result).toMatchObject({ type: 'ok', value: 'done', attempts: 3 });
    // 1 s, then 2 s: the seed's schedule.
    expect(invocations.map((t) => t - t0)).toEqual([0, 1000, 3000]);
    expect(result.durationMs).toBe(3000);
  });

  it('doubles the delay up to the cap', async () => {
    const { clock, tools } = setup({
      TOOL_RETRY_ATTEMPTS: '6',
      TOOL_BREAKER_THRESHOLD: '10',
      TOOL_RETRY_MAX_DELAY_MS: '5000',
      TOOL_RETRY_JITTER: '0',
    });
    const { tool, invocations } = scripted(
      'down',
      async () => Promise.reject(unavailable()),
      clock,
    );
    tools.register(tool);
    const result = await clock.run(tools.call('down', {}));

    expect(result).toMatchObject({ type: 'error', code: 'upstream_unavailable', attempts: 6 });
    const gaps = invocations.slice(1).map((t, i) => t - (invocations[i] as number));
    expect(gaps).toEqual([1000, 2000, 4000, 5000, 5000]);
  });

  it('jitters each delay within [d × (1 − jitter), d]', async () => {
    for (const r of [0, 0.25, 0.5, 0.999999]) {
      const { clock, tools } = setup(
        { TOOL_RETRY_JITTER: '0.2', TOOL_RETRY_ATTEMPTS: '4' },
        () => r,
      );
      const { tool, invocations } = scripted('j', async () => Promise.reject(unavailable()), clock);
      tools.register(tool);
      await clock.run(tools.call('j', {}));
      const gaps = invocations.slice(1).map((t, i) => t - (invocations[i] as number));
      [1000, 2000, 4000].forEach((d, i) => {
        expect(gaps[i]).toBeGreaterThanOrEqual(Math.floor(d * 0.8));
        expect(gaps[i]).toBeLessThanOrEqual(d);
      });
      expect(gaps[0]).toBe(Math.round(1000 * (1 - 0.2 * r)));
    }
  });

  it('does not retry errors not marked retryable', async () => {
    const { clock, tools } = setup();
    const plain = scripted('plain', async () => Promise.reject(new Error('bad request')), clock);
    const fatal = scripted(
      'fatal',
      async () => Promise.reject(new AppError('not_found', 'no such order', { retryable: false })),
      clock,
    );
    tools.register(plain.tool);
    tools.register(fatal.tool);

    const a = await clock.run(tools.call('plain', {}));
    const b = await clock.run(tools.call('fatal', {}));

    expect(a).toMatchObject({
      type: 'error',
      code: 'tool_failed',
      message: 'bad request',
      retryable: false,
      attempts: 1,
    });
    expect(b).toMatchObject({ type: 'error', code: 'not_found', retryable: false, attempts: 1 });
    expect(plain.invocations).toHaveLength(1);
    expect(fatal.invocations).toHaveLength(1);
  });

  it('retries a plain Error that carries retryable: true', async () => {
    const { clock, tools } = setup();
    const { tool, invocations } = scripted(
      'marked',
      async (n) => {
        if (n === 1) throw Object.assign(new Error('socket hang up'), { retryable: true });
        return 1;
      },
      clock,
    );
    tools.register(tool);
    expect(await clock.run(tools.call('marked', {}))).toMatchObject({ type: 'ok', attempts: 2 });
    expect(invocations).toHaveLength(2);
  });

  it('honours a Retry-After hint longer than the backoff', async () => {
    const { clock, tools } = setup({ TOOL_RETRY_JITTER: '0' });
    const { tool, invocations } = scripted(
      'limited',
      async (n) => {
        if (n === 1) {
          throw new AppError('rate_limited', '429 Too Many Requests', {
            retryable: true,
            retryAfterMs: 7000,
          });
        }
        return 'ok';
      },
      clock,
    );
    tools.register(tool);
    const result = await clock.run(tools.call('limited', {}));
    expect(result).toMatchObject({ type: 'ok', attempts: 2 });
    expect((invocations[1] as number) - (invocations[0] as number)).toBe(7000);
  });

  it('gives the failure back when Retry-After exceeds the maximum delay', async () => {
    const { clock, tools } = setup();
    const { tool, invocations } = scripted(
      'slowdown',
      async () =>
        Promise.reject(
          new AppError('rate_limited', 'come back in a minute', {
            retryable: true,
            retryAfterMs: 60_000,
          }),
        ),
      clock,
    );
    tools.register(tool);
    const result = await clock.run(tools.call('slowdown', {}));
    expect(result).toMatchObject({
      type: 'error',
      code: 'rate_limited',
      retryAfterMs: 60_000,
      attempts: 1,
    });
    expect(invocations).toHaveLength(1);
  });

  it('never retries invalid input, and never invokes the tool', async () => {
    const { clock, tools } = setup();
    const { tool, invocations } = scripted('typed', async () => 'x', clock);
    tools.register(tool);
    const result = await clock.run(tools.call('typed', { q: 42 }));
    expect(result).toMatchObject({
      type: 'error',
      code: 'invalid_input',
      retryable: false,
      attempts: 0,
    });
    expect(result.type === 'error' && result.message).toMatch(/Invalid input for tool "typed".*q/);
    expect(invocations).toHaveLength(0);
  });
});

describe('timeout', () => {
  it('aborts the signal handed to the tool, and the tool stops its work', async () => {
    const { clock, tools } = setup({ TOOL_RETRY_ATTEMPTS: '1', TOOL_TIMEOUT_MS: '500' });
    let steps = 0;
    let abortReason: unknown;
    const worker = defineTool({
      name: 'worker',
      description: 'works in steps until aborted',
      input: z.object({}),
      async execute(_input, { signal }) {
        for (;;) {
          if (signal.aborted) {
            abortReason = signal.reason;
            throw signal.reason;
          }
          steps++;
          await new Promise((resolve) => setImmediate(resolve));
        }
      },
    });
    tools.register(worker);

    const pending = tools.call('worker', {});
    await flushPromises();
    await flushPromises();
    expect(steps).toBeGreaterThan(0);
    await clock.advance(500);
    const result = await pending;

    expect(result).toMatchObject({ type: 'timeout', timeoutMs: 500, attempts: 1 });
    expect(abortReason).toBeInstanceOf(AppError);
    expect((abortReason as AppError).code).toBe('timeout');
    const stoppedAt = steps;
    for (let i = 0; i < 5; i++) await flushPromises();
    expect(steps).toBe(stoppedAt);
  });

  it('a tool that first reads its signal after the timeout finds it already aborted', async () => {
    const { clock, tools } = setup({ TOOL_RETRY_ATTEMPTS: '1', TOOL_TIMEOUT_MS: '100' });
    const readLate = deferred<AbortSignal>();
    let proceed!: () => void;
    const gate = new Promise<void>((resolve) => (proceed = resolve));
    tools.register(
      defineTool({
        name: 'late',
        description: 'reads its signal only after some work',
        input: z.object({}),
        async execute(_input, context) {
          await gate;
          readLate.resolve(context.signal);
          return 'late';
        },
      }),
    );
    const pending = tools.call('late', {});
    await clock.advance(100);
    expect(await pending).toMatchObject({ type: 'timeout' });
    proceed();
    const signal = await readLate.promise;
    expect(signal.aborted).toBe(true);
    expect((signal.reason as AppError).code).toBe('timeout');
  });

  it('returns timeout for a tool that never settles and ignores its signal', async () => {
    const { clock, tools } = setup({
      TOOL_RETRY_ATTEMPTS: '2',
      TOOL_TIMEOUT_MS: '100',
      TOOL_RETRY_JITTER: '0',
    });
    const { tool, invocations } = scripted('stuck', () => new Promise(() => {}), clock);
    tools.register(tool);
    const result = await clock.run(tools.call('stuck', {}));
    // Timeouts are retried like any transient failure: 100 ms, 1 s backoff, 100 ms.
    expect(result).toMatchObject({ type: 'timeout', attempts: 2, durationMs: 1200 });
    expect(invocations).toHaveLength(2);
  });

  it('a tool definition sets its own timeout, and configuration overrides it', async () => {
    const file = await writeConfig({ tools: { overrides: { quick: { timeoutMs: 50 } } } });
    const clock = new FakeClock();
    const config = loadConfig({ env: { SUPPORT_AGENT_CONFIG: file, TOOL_RETRY_ATTEMPTS: '1' } });
    const tools = new ToolRegistry({
      config: config.tools,
      logger: createLogger({ level: 'silent' }),
      clock,
    });
    const quick = scripted('quick', () => new Promise(() => {}), clock, { timeoutMs: 5000 });
    const own = scripted('own', () => new Promise(() => {}), clock, { timeoutMs: 5000 });
    tools.register(quick.tool);
    tools.register(own.tool);
    expect(tools.list().find((t) => t.name === 'quick')?.policy.timeoutMs).toBe(50);
    expect(await clock.run(tools.call('quick', {}))).toMatchObject({
      type: 'timeout',
      timeoutMs: 50,
    });
    expect(await clock.run(tools.call('own', {}))).toMatchObject({
      type: 'timeout',
      timeoutMs: 5000,
    });
  });
});

describe('circuit breaker', () => {
  const env = {
    TOOL_RETRY_ATTEMPTS: '1',
    TOOL_BREAKER_THRESHOLD: '3',
    TOOL_BREAKER_COOLDOWN_MS: '60000',
  };

  async function openBreaker() {
    const ctx = setup(env);
    let fail = true;
    let gate: ReturnType<typeof deferred> | undefined;
    const s = scripted(
      'kb',
      async () => {
        if (gate) return gate.promise;
        if (fail) throw unavailable();
        return 'fine';
      },
      ctx.clock,
    );
    ctx.tools.register(s.tool);
    for (let i = 0; i < 3; i++) await ctx.clock.run(ctx.tools.call('kb', {}));
    return {
      ...ctx,
      invocations: s.invocations,
      heal: () => (fail = false),
      hold: () => (gate = deferred()),
      release: (value: unknown) => {
        gate?.resolve(value);
        gate = undefined;
      },
    };
  }

  it('opens after N consecutive failures and refuses calls without invoking the tool', async () => {
    const { clock, tools, invocations } = await openBreaker();
    expect(tools.breaker('kb')).toMatchObject({
      state: 'open',
      consecutiveFailures: 3,
      lastError: 'upstream said 503',
    });
    const result = await clock.run(tools.call('kb', {}));
    expect(result).toMatchObject({ type: 'circuit_open', attempts: 0, retryAfterMs: 60_000 });
    expect(invocations).toHaveLength(3);
  });

  it('a success in between resets the count: failures must be consecutive', async () => {
    const { clock, tools } = setup(env);
    const outcomes = [false, false, true, false, false];
    const s = scripted(
      'mixed',
      async (n) => {
        if (!outcomes[n - 1]) throw unavailable();
        return 'ok';
      },
      clock,
    );
    tools.register(s.tool);
    for (let i = 0; i < outcomes.length; i++) await clock.run(tools.call('mixed', {}));
    expect(tools.breaker('mixed')).toMatchObject({ state: 'closed', consecutiveFailures: 2 });
  });

  it('after the cooldown lets exactly one probe through; its success closes the breaker', async () => {
    const { clock, tools, invocations, heal, hold, release } = await openBreaker();
    await clock.advance(59_999);
    expect(await clock.run(tools.call('kb', {}))).toMatchObject({
      type: 'circuit_open',
      retryAfterMs: 1,
    });
    await clock.advance(1);

    heal();
    hold();
    const probe = tools.call('kb', {});
    await flushPromises();
    expect(tools.breaker('kb').state).toBe('half_open');
    const others = await Promise.all([tools.call('kb', {}), tools.call('kb', {})]);
    expect(others.map((r) => r.type)).toEqual(['circuit_open', 'circuit_open']);
    expect(invocations).toHaveLength(4);

    release('fine');
    expect(await probe).toMatchObject({ type: 'ok', value: 'fine' });
    expect(tools.breaker('kb')).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
    expect(await clock.run(tools.call('kb', {}))).toMatchObject({ type: 'ok' });
    expect(invocations).toHaveLength(5);
  });

  it('a failed probe reopens the breaker for another cooldown', async () => {
    const { clock, tools, invocations } = await openBreaker();
    await clock.advance(60_000);
    expect(await clock.run(tools.call('kb', {}))).toMatchObject({ type: 'error', attempts: 1 });
    expect(invocations).toHaveLength(4);
    expect(tools.breaker('kb')).toMatchObject({ state: 'open', nextProbeAt: clock.now() + 60_000 });
    expect(await clock.run(tools.call('kb', {}))).toMatchObject({ type: 'circuit_open' });
    expect(invocations).toHaveLength(4);
  });

  it('reset(tool) really closes the breaker', async () => {
    const { clock, tools, invocations, heal } = await openBreaker();
    heal();
    const snapshot = tools.reset('kb');
    expect(snapshot).toMatchObject({ state: 'closed', consecutiveFailures: 0, nextProbeAt: null });
    expect(await clock.run(tools.call('kb', {}))).toMatchObject({ type: 'ok', value: 'fine' });
    expect(invocations).toHaveLength(4);
  });

  it('is one breaker per tool, shared by every session', async () => {
    const { clock, tools } = setup(env);
    const a = scripted('a', async () => Promise.reject(unavailable()), clock);
    const b = scripted('b', async () => 'b', clock);
    tools.register(a.tool);
    tools.register(b.tool);
    for (const session of ['s1', 's2', 's3'])
      await clock.run(tools.call('a', {}, { sessionId: session }));
    expect(await clock.run(tools.call('a', {}, { sessionId: 's4' }))).toMatchObject({
      type: 'circuit_open',
    });
    expect(await clock.run(tools.call('b', {}, { sessionId: 's4' }))).toMatchObject({ type: 'ok' });
    expect(tools.breaker('b').state).toBe('closed');
  });

  it("lists every tool's breaker state by name, as a turn's result reports them", async () => {
    const { clock, tools } = setup(env);
    tools.register(scripted('a', async () => Promise.reject(unavailable()), clock).tool);
    tools.register(scripted('b', async () => 'b', clock).tool);
    expect(tools.breakerStates()).toEqual({ a: 'closed', b: 'closed' });
    for (let i = 0; i < 3; i++) await clock.run(tools.call('a', {}));
    const states = tools.breakerStates();
    expect(states).toEqual({ a: 'open', b: 'closed' });
    expect(Object.keys(states)).toEqual(['a', 'b']);
    expect(states).toEqual(Object.fromEntries([...tools.breakers()].map(([n, b]) => [n, b.state])));
  });

  it("opens in the middle of a call's retries and stops them", async () => {
    const { clock, tools } = setup({ TOOL_RETRY_ATTEMPTS: '5', TOOL_BREAKER_THRESHOLD: '2' });
    const s = scripted('x', async () => Promise.reject(unavailable()), clock);
    tools.register(s.tool);
    const result = await clock.run(tools.call('x', {}));
    // Reported as the failure it met: `circuit_open` is for a call refused before any attempt.
    expect(result).toMatchObject({ type: 'error', attempts: 2 });
    expect(s.invocations).toHaveLength(2);
  });
});

describe('concurrency cap', () => {
  it('queues calls beyond the cap and rejects calls beyond the queue', async () => {
    const { clock, tools } = setup({ TOOL_CONCURRENCY: '2', TOOL_QUEUE: '1' });
    const gates = [deferred(), deferred(), deferred()];
    const s = scripted('capped', (n) => gates[n - 1]!.promise, clock);
    tools.register(s.tool);

    const running = [tools.call('capped', {}), tools.call('capped', {}), tools.call('capped', {})];
    await flushPromises();
    expect(s.invocations).toHaveLength(2);

    const rejected = await tools.call('capped', {});
    expect(rejected).toMatchObject({ type: 'rejected', attempts: 0 });
    expect(rejected.type === 'rejected' && rejected.message).toMatch(
      /concurrency limit \(2 running, 1 queued\)/,
    );
    expect(s.invocations).toHaveLength(2);

    gates[0]!.resolve('one');
    await flushPromises();
    expect(s.invocations).toHaveLength(3);
    gates[1]!.resolve('two');
    gates[2]!.resolve('three');
    const results = await Promise.all(running);
    expect(results.map((r) => r.type === 'ok' && r.value)).toEqual(['one', 'two', 'three']);
  });

  it('caps each tool separately', async () => {
    const { clock, tools } = setup({ TOOL_CONCURRENCY: '1', TOOL_QUEUE: '0' });
    const gate = deferred();
    tools.register(scripted('slow', () => gate.promise, clock).tool);
    tools.register(scripted('other', async () => 'free', clock).tool);
    const slow = tools.call('slow', {});
    expect(await tools.call('slow', {})).toMatchObject({ type: 'rejected' });
    expect(await tools.call('other', {})).toMatchObject({ type: 'ok', value: 'free' });
    gate.resolve('done');
    expect(await slow).toMatchObject({ type: 'ok' });
  });
});

describe('cancellation by the caller', () => {
  it('cancels a running call (closed breaker): the tool sees its signal abort', async () => {
    const { clock, tools } = setup();
    let seen: AbortSignal | undefined;
    const s = scripted(
      'run',
      (_n, { signal }) => {
        seen = signal;
        return new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        );
      },
      clock,
    );
    tools.register(s.tool);
    const controller = new AbortController();
    const pending = tools.call('run', {}, { signal: controller.signal });
    await flushPromises();
    controller.abort();
    expect(await pending).toMatchObject({ type: 'cancelled', attempts: 1 });
    expect(seen?.aborted).toBe(true);
    expect(tools.breaker('run')).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });

  it('cancels a call waiting in the queue without ever invoking the tool', async () => {
    const { clock, tools } = setup({ TOOL_CONCURRENCY: '1', TOOL_QUEUE: '5' });
    const gate = deferred();
    const s = scripted('busy', () => gate.promise, clock);
    tools.register(s.tool);
    const first = tools.call('busy', {});
    const controller = new AbortController();
    const queued = tools.call('busy', {}, { signal: controller.signal });
    await flushPromises();
    controller.abort();
    expect(await queued).toMatchObject({ type: 'cancelled', attempts: 0 });
    gate.resolve('x');
    await first;
    expect(s.invocations).toHaveLength(1);
  });

  it('cancels during the backoff between retries', async () => {
    const { clock, tools } = setup();
    const s = scripted('retrying', async () => Promise.reject(unavailable()), clock);
    tools.register(s.tool);
    const controller = new AbortController();
    const pending = tools.call('retrying', {}, { signal: controller.signal });
    await flushPromises();
    expect(s.invocations).toHaveLength(1);
    controller.abort();
    expect(await pending).toMatchObject({ type: 'cancelled', attempts: 1 });
    await clock.advance(60_000);
    expect(s.invocations).toHaveLength(1);
  });

  it('cancels while the breaker is open', async () => {
    const { clock, tools } = setup({ TOOL_RETRY_ATTEMPTS: '1', TOOL_BREAKER_THRESHOLD: '1' });
    const s = scripted('o', async () => Promise.reject(unavailable()), clock);
    tools.register(s.tool);
    await clock.run(tools.call('o', {}));
    expect(tools.breaker('o').state).toBe('open');
    const result = await tools.call('o', {}, { signal: AbortSignal.abort() });
    expect(result).toMatchObject({ type: 'cancelled', attempts: 0 });
    expect(s.invocations).toHaveLength(1);
  });

  it('cancels a half-open probe, and the next caller gets to probe', async () => {
    const { clock, tools } = setup({
      TOOL_RETRY_ATTEMPTS: '1',
      TOOL_BREAKER_THRESHOLD: '1',
      TOOL_BREAKER_COOLDOWN_MS: '1000',
    });
    let mode: 'fail' | 'hang' | 'ok' = 'fail';
    let probeSignal: AbortSignal | undefined;
    const s = scripted(
      'p',
      (_n, { signal }) => {
        if (mode === 'fail') return Promise.reject(unavailable());
        if (mode === 'hang') {
          probeSignal = signal;
          return new Promise(() => {});
        }
        return Promise.resolve('recovered');
      },
      clock,
    );
    tools.register(s.tool);
    await clock.run(tools.call('p', {}));
    await clock.advance(1000);

    mode = 'hang';
    const controller = new AbortController();
    const probe = tools.call('p', {}, { signal: controller.signal });
    await flushPromises();
    expect(tools.breaker('p').state).toBe('half_open');
    expect(await tools.call('p', {})).toMatchObject({ type: 'circuit_open' });
    controller.abort();
    expect(await probe).toMatchObject({ type: 'cancelled', attempts: 1 });
    expect(probeSignal?.aborted).toBe(true);

    mode = 'ok';
    expect(await clock.run(tools.call('p', {}))).toMatchObject({ type: 'ok', value: 'recovered' });
    expect(tools.breaker('p').state).toBe('closed');
  });
});

describe('bad input', () => {
  it('an unknown tool name is an error result naming the known tools', async () => {
    const { clock, tools } = setup();
    tools.register(scripted('kb_search', async () => [], clock).tool);
    const result = await tools.call('kb_serch', {});
    expect(result).toMatchObject({ type: 'error', code: 'unknown_tool', retryable: false });
    expect(result.type === 'error' && result.message).toBe(
      'There is no tool named "kb_serch" (known tools: kb_search)',
    );
    expect(() => tools.reset('nope')).toThrow(/no tool named "nope"/);
  });

  it('a tool that throws a non-Error value gets a clear error result', async () => {
    const { clock, tools } = setup();
    const values: unknown[] = ['boom', undefined, { reason: 'odd' }, 42];
    const s = scripted(
      'weird',
      (n) => {
        throw values[n - 1];
      },
      clock,
    );
    tools.register(s.tool);
    const messages: string[] = [];
    for (let i = 0; i < values.length; i++) {
      const result = await clock.run(tools.call('weird', {}));
      expect(result).toMatchObject({ type: 'error', code: 'tool_failed', retryable: false });
      if (result.type === 'error') messages.push(result.message);
    }
    expect(messages).toEqual([
      'A non-Error value was thrown: "boom"',
      'A non-Error value was thrown: undefined',
      'A non-Error value was thrown: {"reason":"odd"}',
      'A non-Error value was thrown: 42',
    ]);
  });

  it('a tool whose value breaks its output schema gets invalid_output', async () => {
    const { clock, tools } = setup();
    tools.register(
      defineTool({
        name: 'typed_out',
        description: 'returns the wrong shape',
        input: z.object({}),
        output: z.object({ items: z.array(z.string()) }),
        async execute() {
          return { items: 'not an array' } as unknown as { items: string[] };
        },
      }),
    );
    const result = await clock.run(tools.call('typed_out', {}));
    expect(result).toMatchObject({ type: 'error', code: 'invalid_output', attempts: 1 });
  });

  it('a failing tool does not affect the other tools', async () => {
    const { clock, tools } = setup({ TOOL_BREAKER_THRESHOLD: '1', TOOL_RETRY_ATTEMPTS: '1' });
    tools.register(scripted('bad', async () => Promise.reject(new Error('x')), clock).tool);
    tools.register(scripted('good', async () => 'fine', clock).tool);
    await clock.run(tools.call('bad', {}));
    expect(await clock.run(tools.call('good', {}))).toMatchObject({ type: 'ok', value: 'fine' });
  });

  it('refuses a tool definition with an absurd policy or a bad name', () => {
    const { clock, tools } = setup();
    expect(() =>
      tools.register(scripted('neg', async () => 1, clock, { timeoutMs: -5 }).tool),
    ).toThrow(/Invalid policy for tool "neg": timeoutMs/);
    expect(() =>
      tools.register(scripted('huge', async () => 1, clock, { retry: { maxAttempts: 1000 } }).tool),
    ).toThrow(/retry.maxAttempts/);
    expect(() => scripted('has space', async () => 1, clock)).toThrow(
      /Invalid tool name "has space"/,
    );
    tools.register(scripted('dup', async () => 1, clock).tool);
    expect(() => tools.register(scripted('dup', async () => 1, clock).tool)).toThrow(
      /already registered/,
    );
  });

  it('lists tools with a JSON schema of their input, for function calling', () => {
    const { clock, tools } = setup();
    tools.register(scripted('kb', async () => 1, clock).tool);
    const [descriptor] = tools.list();
    expect(descriptor).toMatchObject({
      name: 'kb',
      description: 'scripted tool kb',
      inputSchema: { type: 'object', properties: { q: { type: 'string' } } },
      policy: {
        timeoutMs: 30_000,
        retry: { maxAttempts: 3 },
        breaker: { failureThreshold: 5, cooldownMs: 60_000 },
      },
    });
  });
});

async function writeConfig(content: unknown): Promise<string> {
  const { mkdtemp, writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(join(tmpdir(), 'sa-config-'));
  const file = join(dir, 'config.json');
  await writeFile(file, JSON.stringify(content));
  return file;
}
