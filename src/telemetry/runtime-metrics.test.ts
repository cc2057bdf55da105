import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { setupTelemetry } from './otel.js';

describe('runtime metrics', () => {
  it('sample the event loop only until the telemetry shuts down', async () => {
    let samples = 0;
    const telemetry = setupTelemetry({ serviceName: 't', onEventLoopSample: () => samples++ });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(samples).toBeGreaterThan(0);
    expect(await telemetry.renderPrometheus()).toContain('nodejs_eventloop_lag_p99_seconds');
    await telemetry.shutdown();
    const stopped = samples;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(samples).toBe(stopped);
  });

  it('never keep a process alive that has nothing else to do', () => {
    const otel = pathToFileURL(new URL('./otel.ts', import.meta.url).pathname).href;
    const script = `
      const { setupTelemetry } = await import(${JSON.stringify(otel)});
      const telemetry = setupTelemetry({ serviceName: 't' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const text = await telemetry.renderPrometheus();
      if (!text.includes('nodejs_eventloop_lag_max_seconds')) process.exit(3);
    `;
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        timeout: 15_000,
        encoding: 'utf8',
      },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
