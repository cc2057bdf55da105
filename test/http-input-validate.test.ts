/**
 * What a bad value is told: each bound once, the tightest, in plain words; e.g. a page size far
 * past its maximum hears of that maximum, not also of the largest whole number there is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseInput } from '../src/http/validate.js';
import { call, createSession, startServer, type TestServer } from './helpers/http.js';

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('no error');
}

describe('the bounds of a value', () => {
  const schema = z
    .object({
      n: z.number().int().min(1).max(200),
      s: z.string().max(10).max(5),
      p: z.number().positive().optional(),
      l: z.array(z.string()).min(2).min(1).optional(),
    })
    .strict();

  it('states each bound once, the tightest', () => {
    expect(messageOf(() => parseInput(schema, { n: 1e300, s: 'x' }, 'thing'))).toBe(
      'Invalid thing: n: must be at most 200',
    );
    expect(messageOf(() => parseInput(schema, { n: -1e300, s: '0123456789ab' }, 'thing'))).toBe(
      'Invalid thing: n: must be at least 1; s: must be at most 5 characters',
    );
    expect(messageOf(() => parseInput(schema, { n: 2, s: '', l: [] }, 'thing'))).toBe(
      'Invalid thing: l: must be at least 2 items',
    );
  });

  it('says "more than" of a bound that is not allowed itself', () => {
    expect(messageOf(() => parseInput(schema, { n: 2, s: '', p: 0 }, 'thing'))).toBe(
      'Invalid thing: p: must be more than 0',
    );
  });

  it('says a number past the whole numbers there are is too large, not their limit', () => {
    const big = z.object({ after: z.number().int().min(0) });
    const message = messageOf(() => parseInput(big, { after: 1e300 }, 'query'));
    expect(message).toBe('Invalid query: after: is too large a number');
  });
});

describe('over HTTP', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t.close());

  it('tells a page size far past its maximum the maximum, once', async () => {
    const s = await createSession(t.url);
    for (const limit of ['1e300', '99999999999999999999', '500']) {
      const page = await call(t.url, 'GET', `/v1/sessions/${s.id}/messages?limit=${limit}`, {
        token: s.token,
      });
      expect(page.status).toBe(400);
      expect(page.body.error).toMatchObject({
        code: 'invalid_input',
        message: 'Invalid query: limit: must be at most 200',
      });
    }
    const low = await call(t.url, 'GET', `/v1/sessions/${s.id}/messages?limit=-1e300`, {
      token: s.token,
    });
    expect(low.body.error.message).toBe('Invalid query: limit: must be at least 1');
  });
});
