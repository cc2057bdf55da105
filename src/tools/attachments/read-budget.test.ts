import { describe, expect, it } from 'vitest';
import { toolPolicySchema } from '../../config/index.js';
import { readBudgetFor, toolTimeoutFor } from './read-budget.js';

describe('the time the files of one message are read within', () => {
  it('is 50 s, and the tool’s timeout 60 s, for files given the default 30 s or less', () => {
    for (const parseTimeoutMs of [1_000, 30_000]) {
      expect(readBudgetFor(parseTimeoutMs)).toBe(50_000);
      expect(toolTimeoutFor(readBudgetFor(parseTimeoutMs))).toBe(60_000);
    }
  });

  it('gives a file given longer than 50 s all its time, and the files after it 20 s more', () => {
    expect(readBudgetFor(90_000)).toBe(110_000);
    // The tool's timeout does not end the reading before its time does.
    expect(toolTimeoutFor(readBudgetFor(90_000))).toBe(120_000);
  });

  it('stays within the longest timeout a tool may have, however long a file is given', () => {
    const budget = readBudgetFor(3_600_000);
    const timeoutMs = toolTimeoutFor(budget);
    expect(budget).toBeLessThan(timeoutMs);
    expect(toolPolicySchema.shape.timeoutMs.safeParse(timeoutMs).success).toBe(true);
    expect(toolPolicySchema.shape.timeoutMs.safeParse(timeoutMs + 1).success).toBe(false);
  });
});
