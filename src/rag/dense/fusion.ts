import { AppError } from '../../errors/index.js';

/** Options of {@link reciprocalRankFusion}. */
export interface FusionOptions {
  /** Damps the weight of the top ranks; 60 by default, as in Cormack et al. (2009). */
  k?: number;
  /** One weight per list; 1 for a list without one. */
  weights?: number[];
}

/** An item with its fused score; higher is better. */
export interface FusedItem<T> {
  item: T;
  score: number;
}

const DEFAULT_K = 60;

/**
 * Reciprocal rank fusion: each item scores Σ weightᵢ / (k + rankᵢ) over the lists it is in, with
 * ranks from 1. It uses ranks only, so lists whose scores are not comparable (BM25 and cosine
 * distance) fuse without any normalisation. Items are the same when their `chunkId` is; the
 * object kept is the one of the first list that has it. Sorted by score, best first; ties keep
 * the order of first appearance (list by list, rank by rank), so the result is deterministic.
 *
 * @example
 * const fused = reciprocalRankFusion([lexicalHits, denseHits], { weights: [1, 1] });
 * const top = fused.slice(0, 5).map((f) => f.item);
 */
export function reciprocalRankFusion<T extends { chunkId: number }>(
  lists: T[][],
  options: FusionOptions = {},
): Array<FusedItem<T>> {
  const k = options.k ?? DEFAULT_K;
  if (!(k >= 0) || !Number.isFinite(k)) {
    throw new AppError(
      'invalid_input',
      `The RRF constant k must be a number of 0 or more, not ${k}`,
    );
  }
  // Map keeps insertion order: the order of first appearance that breaks ties.
  const fused = new Map<number, FusedItem<T>>();
  lists.forEach((list, listIndex) => {
    const weight = options.weights?.[listIndex] ?? 1;
    const seen = new Set<number>();
    list.forEach((item, position) => {
      // A list that names an item twice counts it at its best rank only.
      if (seen.has(item.chunkId)) return;
      seen.add(item.chunkId);
      const contribution = weight / (k + position + 1);
      const entry = fused.get(item.chunkId);
      if (entry === undefined) fused.set(item.chunkId, { item, score: contribution });
      else entry.score += contribution;
    });
  });
  // Array.prototype.sort is stable, so equal scores stay in order of first appearance.
  return [...fused.values()].sort((a, b) => b.score - a.score);
}
