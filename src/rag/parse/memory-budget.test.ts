import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryBudget } from './memory-budget.js';

describe('createMemoryBudget', () => {
  let rss = 100;
  beforeEach(() => {
    vi.useFakeTimers();
    rss = 100;
  });
  afterEach(() => vi.useRealTimers());
  const budget = () => createMemoryBudget(50, { rss: () => rss, intervalMs: 10 });

  it('tells a parse running alone that it passed the budget, once', () => {
    const over = vi.fn();
    budget().watch(over);
    rss = 150;
    vi.advanceTimersByTime(20);
    expect(over).not.toHaveBeenCalled();
    rss = 151;
    vi.advanceTimersByTime(50);
    expect(over.mock.calls).toEqual([[true]]);
  });

  it('tells every parse running together, none of them alone, from the oldest one’s start', () => {
    const memory = budget();
    const [first, second] = [vi.fn(), vi.fn()];
    memory.watch(first);
    rss = 140;
    memory.watch(second);
    rss = 160;
    vi.advanceTimersByTime(10);
    expect([first.mock.calls, second.mock.calls]).toEqual([[[false]], [[false]]]);
  });

  it('counts memory given back meanwhile as not there, and stops watching a parse that ended', () => {
    const memory = budget();
    const ended = vi.fn();
    const end = memory.watch(ended);
    rss = 400;
    const late = vi.fn();
    memory.watch(late);
    end();
    rss = 120;
    vi.advanceTimersByTime(10);
    rss = 171;
    vi.advanceTimersByTime(10);
    expect(ended).not.toHaveBeenCalled();
    expect(late.mock.calls).toEqual([[true]]);
  });
});
