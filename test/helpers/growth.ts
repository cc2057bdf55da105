// Whether work grows in proportion to its input, told apart from how fast this machine is today.
// A pattern that backtracks or a loop over pairs takes ~100× as long on ten times the input; linear
// work ~10×. Comparing two sizes in one run is what a shared, noisy machine cannot spoil, where a
// limit in milliseconds fails whenever a neighbour is busy. Speed itself is for `npm run bench`.

/** Linear work on ten times the input takes about ten times as long; quadratic, about a hundred. */
export const LINEAR_GROWTH_LIMIT = 40;

/** Calls `work` repeatedly for at least this long per sample, so short work is timed reliably. */
const SAMPLE_MS = 5;
const SAMPLES = 5;

/** Milliseconds per call of `work`: the fastest of a few samples (a pause slows one, a slow algorithm all). */
export function msPerCall(work: () => void): number {
  let fastest = Infinity;
  let calls = 1;
  for (let sample = 0; sample < SAMPLES; sample++) {
    for (;;) {
      const started = performance.now();
      for (let call = 0; call < calls; call++) work();
      const elapsed = performance.now() - started;
      if (elapsed >= SAMPLE_MS || calls >= 1 << 20) {
        fastest = Math.min(fastest, elapsed / calls);
        break;
      }
      calls *= 2;
    }
  }
  return fastest;
}

/** Rounds of measuring both sizes; a busy neighbour during one round does not spoil the others. */
const ROUNDS = 3;

/**
 * How many times longer `work` takes on the input of `size` than on one a tenth that size: about
 * 10 when it is linear, about 100 when quadratic. Both are run once first to compile the hot loops.
 * Each round times both sizes back to back; the lowest round's ratio is returned, since load only
 * ever slows a sample, and it would have to slow every sample of the smaller size in every round
 * to make quadratic work look linear.
 */
export function tenfoldGrowth<T>(
  inputOf: (size: number) => T,
  work: (input: T) => unknown,
  size: number,
): number {
  const small = inputOf(Math.round(size / 10));
  const large = inputOf(size);
  work(small);
  work(large);
  let lowest = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const ratio = msPerCall(() => work(large)) / msPerCall(() => work(small));
    lowest = Math.min(lowest, ratio);
    if (lowest < LINEAR_GROWTH_LIMIT / 2) break;
  }
  return lowest;
}
