import { describe, expect, it } from 'vitest';

import { LINEAR_GROWTH_LIMIT, tenfoldGrowth } from './helpers/growth.js';

// The yardstick the "takes linear time" tests rely on: it must tell the two kinds of work apart.
describe('tenfoldGrowth', () => {
  const numbers = (size: number) => Array.from({ length: size }, (_, i) => (i * 7919) % 1000);

  it('finds linear work under the limit', () => {
    const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
    expect(tenfoldGrowth(numbers, sum, 200_000)).toBeLessThan(LINEAR_GROWTH_LIMIT);
  });

  it('finds work over every pair above it', () => {
    const pairs = (values: number[]) => {
      let equal = 0;
      for (let i = 0; i < values.length; i++) {
        for (let j = i + 1; j < values.length; j++) if (values[i] === values[j]) equal++;
      }
      return equal;
    };
    expect(tenfoldGrowth(numbers, pairs, 3_000)).toBeGreaterThan(LINEAR_GROWTH_LIMIT);
  });
});
