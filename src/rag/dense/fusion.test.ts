import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion } from './fusion.js';

const hit = (chunkId: number, from = '') => ({ chunkId, from });

describe('reciprocalRankFusion', () => {
  it('sums 1 / (k + rank) over the lists, best first', () => {
    const fused = reciprocalRankFusion([
      [hit(1), hit(2), hit(3)],
      [hit(3), hit(1)],
    ]);
    // 1: 1/61 + 1/62, 3: 1/63 + 1/61, 2: 1/62
    expect(fused.map((f) => f.item.chunkId)).toEqual([1, 3, 2]);
    expect(fused[0]?.score).toBeCloseTo(1 / 61 + 1 / 62, 12);
    expect(fused[1]?.score).toBeCloseTo(1 / 63 + 1 / 61, 12);
    expect(fused[2]?.score).toBeCloseTo(1 / 62, 12);
  });

  it('uses k and a weight per list', () => {
    const fused = reciprocalRankFusion(
      [
        [hit(1), hit(2)],
        [hit(2), hit(3)],
      ],
      { k: 1, weights: [1, 3] },
    );
    // 1: 1/2, 2: 1/3 + 3/2, 3: 3/3
    expect(fused.map((f) => [f.item.chunkId, f.score])).toEqual([
      [2, 1 / 3 + 3 / 2],
      [3, 1],
      [1, 1 / 2],
    ]);
  });

  it("keeps one item per chunkId, the first list's object", () => {
    const fused = reciprocalRankFusion([
      [hit(5, 'lexical'), hit(5, 'lexical again')],
      [hit(5, 'dense')],
    ]);
    expect(fused).toEqual([{ item: { chunkId: 5, from: 'lexical' }, score: 2 / 61 }]);
  });

  it('breaks ties by first appearance and handles empty lists', () => {
    const fused = reciprocalRankFusion([[], [hit(8), hit(9)], [hit(9), hit(8)]]);
    expect(fused.map((f) => f.item.chunkId)).toEqual([8, 9]);
    expect(reciprocalRankFusion([])).toEqual([]);
  });

  it('refuses a negative k', () => {
    expect(() => reciprocalRankFusion([[hit(1)]], { k: -1 })).toThrow(/k must be/);
  });
});
