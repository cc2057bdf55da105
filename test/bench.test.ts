import { describe, expect, it } from 'vitest';
import { runWrapperBench } from '../bench/wrapper.js';

// Timings are for `npm run bench`; this only keeps the benchmark honest and working: every
// wrapped call returns the right value and every recorded call's span reaches the exporter.
describe('wrapper benchmark', () => {
  it('measures three variants over correct calls', async () => {
    const result = await runWrapperBench({ rounds: 2, callsPerRound: 500, warmupCalls: 100 });
    expect(result.failures).toBe(0);
    expect(result.log_lines).toBe(0);
    expect(result.spans_exported).toBe(result.spans_expected);
    expect(result.samples.wrapped_recording).toHaveLength(2);
    for (const figure of [result.bare, result.wrapped_not_recording, result.wrapped_recording]) {
      expect(figure).toBeGreaterThan(0);
    }
  });
});
