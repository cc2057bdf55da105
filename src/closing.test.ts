import { describe, expect, it } from 'vitest';
import { closeEach, closeFailed, describeCloseFailures } from './closing.js';

describe('closeEach', () => {
  it('closes every part when one throws, one rejects and one never ends, and names those three', async () => {
    const closed: string[] = [];
    const failed = await closeEach(
      [
        ['webhook delivery', () => void closed.push('webhook delivery')],
        [
          'session events',
          () => {
            throw new Error('the subscriber is already closed');
          },
        ],
        ['database', () => Promise.reject(new Error('Called end on pool more than once'))],
        ['tool health', () => new Promise(() => undefined)],
        ['Redis connection', async () => void closed.push('Redis connection')],
      ],
      50,
    );
    expect(closed).toEqual(['webhook delivery', 'Redis connection']);
    expect(failed).toEqual([
      { part: 'session events', reason: 'the subscriber is already closed' },
      { part: 'database', reason: 'Called end on pool more than once' },
      { part: 'tool health', reason: 'it did not close within 0.05 s' },
    ]);
    expect(describeCloseFailures(failed.slice(1, 2))).toBe(
      'could not close the database (Called end on pool more than once); stopping without it',
    );
    expect(closeFailed(failed).code).toBe('internal');
  });

  it('finds nothing to report when every part closes', async () => {
    expect(await closeEach([['database', async () => undefined]])).toEqual([]);
  });
});
