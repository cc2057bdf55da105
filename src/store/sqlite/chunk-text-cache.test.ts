import { describe, expect, it } from 'vitest';
import { ChunkTextCache } from './chunk-text-cache.js';

describe('ChunkTextCache', () => {
  it('reads a text once, and forgets the least recently used past its capacity', () => {
    const reads: number[] = [];
    const read = (id: number) => {
      reads.push(id);
      return id === 9 ? undefined : 'x'.repeat(id);
    };
    const cache = new ChunkTextCache(10);
    expect(cache.get(4, read)).toBe('xxxx');
    expect(cache.get(4, read)).toBe('xxxx');
    expect(cache.get(5, read)).toBe('xxxxx');
    expect(cache.get(4, read)).toBe('xxxx'); // 4 is now the most recent
    expect(cache.get(3, read)).toBe('xxx'); // 12 characters: 5 goes
    expect(cache.get(4, read)).toBe('xxxx');
    expect(cache.get(5, read)).toBe('xxxxx');
    expect(reads).toEqual([4, 5, 3, 5]);
  });

  it('passes on what is missing or larger than the whole cache without keeping it', () => {
    const cache = new ChunkTextCache(3);
    let reads = 0;
    const read = (id: number) => {
      reads++;
      return id === 1 ? undefined : 'long text';
    };
    expect(cache.get(1, read)).toBeUndefined();
    expect(cache.get(2, read)).toBe('long text');
    expect(cache.get(2, read)).toBe('long text');
    expect(reads).toBe(3);
  });

  it('lets go of forgotten texts, making room for others', () => {
    const cache = new ChunkTextCache(10);
    let reads = 0;
    const read = (id: number) => {
      reads++;
      return 'x'.repeat(id);
    };
    cache.get(4, read);
    cache.get(5, read);
    cache.forget([4, 99]);
    // 4 is read again; 5 stays, since forgetting 4 gave back its room.
    cache.get(4, read);
    cache.get(5, read);
    expect(reads).toBe(3);
  });
});
