/** How the process's memory is watched while files are parsed: see {@link createMemoryBudget}. */
export interface MemoryBudget {
  /**
   * Watches one parse from now until the function returned is called. When the process has
   * grown by more than the budget since the oldest parse still watched began (or since the
   * least it used meanwhile, when memory was given back), every parse
   * watched is told, once, and no longer watched: `alone` says whether it was the only one,
   * and so surely the one that took the memory.
   */
  watch(onOver: (alone: boolean) => void): () => void;
}

/** Options of {@link createMemoryBudget}. */
export interface MemoryBudgetOptions {
  /** The resident memory of the process, in bytes; default `process.memoryUsage.rss`. */
  rss?: () => number;
  /** How often it is read while something is watched, in ms; default 10. */
  intervalMs?: number;
}

/**
 * One memory budget for every parse of a set of workers. It bounds what all parses take
 * together, and what they take is read as one number (`rss`: by default the process's; the
 * parse workers' is added by `createParseCapacity`): its growth since the oldest running parse
 * began is checked against one budget, and all running parses are stopped when it is over (see `createParseWorkers`, which then tries the ones that
 * were not alone again, one at a time). Memory is read every 10 ms while a parse runs: pdf.js
 * inflates a stream at a few hundred MB a second, so the budget is passed by a few MB at most
 * before it is noticed, plus what one allocation takes at once.
 *
 * @example
 * const budget = createMemoryBudget(768 * 1024 * 1024);
 * const stop = budget.watch((alone) => worker.kill());
 * // … when the parse ends:
 * stop();
 */
export function createMemoryBudget(
  budgetBytes: number,
  options: MemoryBudgetOptions = {},
): MemoryBudget {
  const rss = options.rss ?? (() => process.memoryUsage.rss());
  const intervalMs = options.intervalMs ?? 10;
  const watched = new Set<{ baseline: number; onOver: (alone: boolean) => void }>();
  let timer: NodeJS.Timeout | undefined;

  const stopTimer = (): void => {
    clearInterval(timer);
    timer = undefined;
  };
  const check = (): void => {
    const now = rss();
    let lowest = Infinity;
    for (const entry of watched) {
      // Memory given back meanwhile (a stopped worker's) is not room for more.
      entry.baseline = Math.min(entry.baseline, now);
      lowest = Math.min(lowest, entry.baseline);
    }
    if (now - lowest <= budgetBytes) return;
    const over = [...watched];
    watched.clear();
    stopTimer();
    for (const entry of over) entry.onOver(over.length === 1);
  };

  return {
    watch(onOver) {
      const entry = { baseline: rss(), onOver };
      watched.add(entry);
      if (timer === undefined) {
        timer = setInterval(check, intervalMs);
        timer.unref();
      }
      return () => {
        watched.delete(entry);
        if (watched.size === 0) stopTimer();
      };
    },
  };
}
