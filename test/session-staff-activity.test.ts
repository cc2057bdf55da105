/**
 * A message the staff write into a session is activity on it, as the customer's is: the
 * session's `updatedAt` and `lastMessageAt` move, in memory and in Redis. Through real sockets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, call, createSession, startServer, type TestServer } from './helpers/http.js';
import { sharedStores } from './helpers/instances.js';
import { REDIS_URL, serviceAvailable } from './helpers/services.js';

const redisUp = await serviceAvailable('Redis', REDIS_URL, 6379);

async function expectStaffMessageMovesTimes(url: string): Promise<void> {
  const { id, token } = await createSession(url);
  const sent = await call(url, 'POST', `/v1/sessions/${id}/messages`, {
    token,
    body: { text: 'What is your refund policy?' },
  });
  expect(sent.status).toBe(200);
  const before = (await call(url, 'GET', `/v1/sessions/${id}`, { token })).body;
  await new Promise((r) => setTimeout(r, 20));
  const written = await call(url, 'POST', `/v1/admin/sessions/${id}/messages`, {
    token: ADMIN_KEY,
    body: { text: 'Hello, this is Sam: your refund went out today.' },
  });
  expect(written.status).toBe(201);
  const after = (await call(url, 'GET', `/v1/sessions/${id}`, { token })).body;
  expect(Date.parse(after.updatedAt)).toBeGreaterThan(Date.parse(before.updatedAt));
  expect(Date.parse(after.lastMessageAt)).toBeGreaterThan(Date.parse(before.lastMessageAt));
  expect(Date.parse(after.lastMessageAt)).toBeGreaterThanOrEqual(
    Date.parse(written.body.createdAt),
  );
  // The customer's messages are counted apart: the staff's is not one of them.
  expect(after.messageCount).toBe(1);
}

describe('a staff message, with sessions in memory', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t.close());

  it("moves the session's updatedAt and lastMessageAt", async () => {
    await expectStaffMessageMovesTimes(t.url);
  }, 20_000);
});

describe.runIf(redisUp)('a staff message, with sessions in Redis', () => {
  const shared = sharedStores('staffactivity');
  let t: TestServer;
  beforeAll(async () => {
    t = await shared.start();
  });
  afterAll(() => shared.close());

  it("moves the session's updatedAt and lastMessageAt", async () => {
    await expectStaffMessageMovesTimes(t.url);
  }, 20_000);
});
