/**
 * The behaviours the seed's `tests/test_agent_tool_integration.py` checked for its tool-call
 * wrapper, as tests of this code: success, retry then success, timeout, breaker metrics, breaker
 * reset, context logging, and an error raised inside the context reaching the caller.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { AppError } from '../src/errors/index.js';
import { captureLogs, FakeClock } from '../src/testing/index.js';
import { defineTool, type Tool } from '../src/tools/index.js';

function appWith(tools: Tool[], env: Record<string, string> = {}) {
  const clock = new FakeClock();
  const logs = captureLogs();
  const app = createApp(loadConfig({ env: { LOG_LEVEL: 'info', ...env } }), {
    clock,
    logDestination: logs.stream,
    tools,
    databasePath: ':memory:',
  });
  return { app, clock, logs };
}

const anyInput = z.object({}).passthrough();

describe("the seed's wrapper behaviours", () => {
  it('test_tool_call_with_success: a successful call returns the value', async () => {
    const mock = defineTool({
      name: 'mock_tool',
      description: 'returns a success',
      input: anyInput,
      async execute() {
        return { result: 'success' };
      },
    });
    const { app, clock } = appWith([mock]);
    const result = await app.correlation.run(
      { requestId: 'test-request-123', sessionId: 'test-session-456' },
      () => clock.run(app.tools.call('mock_tool', {})),
    );
    expect(result).toMatchObject({ type: 'ok', value: { result: 'success' }, attempts: 1 });
    await app.close();
  });

  it('test_tool_call_with_retry: fails twice, then succeeds on the third attempt', async () => {
    let callCount = 0;
    const retryTestTool = defineTool({
      name: 'retry_test_tool',
      description: 'fails twice with a temporary failure',
      input: anyInput,
      async execute() {
        callCount++;
        if (callCount < 3)
          throw new AppError('upstream_unavailable', 'Temporary failure', { retryable: true });
        return { attempts: callCount };
      },
    });
    const { app, clock } = appWith([retryTestTool], {
      TOOL_RETRY_ATTEMPTS: '3',
      TOOL_RETRY_INITIAL_DELAY_MS: '100',
      TOOL_RETRY_MAX_DELAY_MS: '500',
      TOOL_TIMEOUT_MS: '5000',
    });
    const result = await clock.run(app.tools.call('retry_test_tool', {}));
    expect(result).toMatchObject({ type: 'ok', value: { attempts: 3 }, attempts: 3 });
    expect(callCount).toBe(3);
    await app.close();
  });

  it('test_tool_call_with_timeout: a 2 s tool with a 0.5 s timeout times out', async () => {
    let aborted = false;
    const { app, clock } = appWith([
      defineTool({
        name: 'timeout_test_tool',
        description: 'takes two seconds',
        input: anyInput,
        timeoutMs: 500,
        retry: { maxAttempts: 1 },
        execute: (_input, { signal }) =>
          new Promise((resolve, reject) => {
            const timer = setTimeout(resolve, 2000);
            signal.addEventListener('abort', () => {
              aborted = true;
              clearTimeout(timer);
              reject(signal.reason);
            });
          }),
      }),
    ]);
    const result = await clock.run(app.tools.call('timeout_test_tool', {}));
    expect(result.type).toBe('timeout');
    expect(result.type === 'timeout' && result.message.toLowerCase()).toContain('timed out');
    expect(aborted).toBe(true);
    await app.close();
  });

  it('test_circuit_breaker_metrics: each tool has a readable breaker state', async () => {
    const testTool = defineTool({
      name: 'test_tool',
      description: 'idle',
      input: anyInput,
      execute: async () => 1,
    });
    const { app } = appWith([testTool]);
    expect(app.tools.breaker('test_tool')).toEqual({
      state: 'closed',
      consecutiveFailures: 0,
      lastFailureAt: null,
      lastError: null,
      nextProbeAt: null,
    });
    expect(Object.fromEntries(app.tools.breakers())).toHaveProperty('test_tool');
    await app.close();
  });

  it('test_circuit_breaker_reset: reset does not raise, and really closes an open breaker', async () => {
    let healthy = false;
    const resetTestTool = defineTool({
      name: 'reset_test_tool',
      description: 'fails until healthy',
      input: anyInput,
      async execute() {
        if (!healthy) throw new Error('down');
        return 'up';
      },
    });
    const { app, clock } = appWith([resetTestTool], {
      TOOL_BREAKER_THRESHOLD: '2',
      TOOL_RETRY_ATTEMPTS: '1',
    });
    expect(() => app.tools.reset('reset_test_tool')).not.toThrow();
    await clock.run(app.tools.call('reset_test_tool', {}));
    await clock.run(app.tools.call('reset_test_tool', {}));
    expect(app.tools.breaker('reset_test_tool').state).toBe('open');
    healthy = true;
    app.tools.reset('reset_test_tool');
    expect(await clock.run(app.tools.call('reset_test_tool', {}))).toMatchObject({
      type: 'ok',
      value: 'up',
    });
    await app.close();
  });

  it('test_tool_call_context_logging: lines inside the context carry its ids and custom fields', async () => {
    const { app, logs } = appWith([]);
    await app.correlation.run({ requestId: 'req-123', sessionId: 'sess-456' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      app.logger.info({ customField: 'custom_value' }, 'inside the context');
    });
    expect(logs.lines.find((l) => l.msg === 'inside the context')).toMatchObject({
      requestId: 'req-123',
      sessionId: 'sess-456',
      customField: 'custom_value',
    });
    await app.close();
  });

  it('test_tool_call_context_error_handling: an error raised in the context reaches the caller unchanged', async () => {
    const { app } = appWith([]);
    const error = new TypeError('Simulated error');
    expect(() =>
      app.correlation.run({ requestId: 'req-error' }, () => {
        throw error;
      }),
    ).toThrow(error);
    await expect(
      app.correlation.run({ requestId: 'req-error' }, async () => {
        await Promise.resolve();
        throw error;
      }),
    ).rejects.toBe(error);
    await app.close();
  });
});
