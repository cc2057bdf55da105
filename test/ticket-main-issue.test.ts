/**
 * What a ticket tells the person who takes it, over the HTTP API of a real server: a report that
 * a product hurt someone else goes to the safety team as urgent, with the customer told to call
 * the emergency services, and the summary's main issue is what the customer came about, not a
 * burst of anger nor a bare request for a person.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAFETY_FIRST, SORRY_HURT } from '../src/model/extractive/templates.js';
import { ingestPaths } from '../src/rag/index.js';
import { ADMIN_KEY, call, createSession, startServer, type TestServer } from './helpers/http.js';

let t: TestServer;
beforeAll(async () => {
  t = await startServer();
  await ingestPaths(t.app.knowledge, ['test/fixtures/help-center'], {
    maxFileBytes: 1 << 20,
    chunk: { size: 1000, overlap: 100 },
  });
});
afterAll(() => t.close());

/** A customer's session, and a way to write in it. */
async function customer() {
  const session = await createSession(t.url);
  return async (text: string) => {
    const sent = await call(t.url, 'POST', `/v1/sessions/${session.id}/messages`, {
      token: session.token,
      body: { text },
    });
    expect(sent.status).toBe(200);
    return sent.body as { message: { text: string }; escalation: { ticketId?: string } };
  };
}

async function ticket(id: string | undefined) {
  expect(id).toEqual(expect.any(String));
  const read = await call(t.url, 'GET', `/v1/admin/tickets/${id}`, { token: ADMIN_KEY });
  expect(read.status).toBe(200);
  return read.body.ticket as { priority: string; category: string; summary: string };
}

describe('a report that a product hurt someone else', () => {
  it.each([
    "The stove burned my son's hand",
    "my wife's hand was burned by the stove",
    "the heater caught fire and burned my son's hand",
  ])('%j opens an urgent safety ticket and tells to call the emergency services', async (text) => {
    const reply = await (await customer())(text);
    expect(await ticket(reply.escalation.ticketId)).toMatchObject({
      priority: 'urgent',
      category: 'safety',
    });
    expect(reply.message.text.startsWith(`${SORRY_HURT} ${SAFETY_FIRST}`)).toBe(true);
  });
});

describe("a ticket's main issue", () => {
  it('is the late order, not the anger that opened the ticket', async () => {
    const say = await customer();
    await say("My order still hasn't arrived after 3 weeks");
    const reply = await say('This is ridiculous, worst service ever, I am furious');
    const opened = await ticket(reply.escalation.ticketId);
    expect(opened.category).toBe('complaint');
    expect(opened.summary).toMatch(/^complaint: Main issue: "My order still hasn't arrived/);
    expect(opened.summary).toContain(
      'Latest request: "This is ridiculous, worst service ever, I am furious".',
    );
  });

  it('is not a first message that only asks for a person', async () => {
    const reply = await (await customer())('I need to speak to a human agent now');
    const opened = await ticket(reply.escalation.ticketId);
    expect(opened.category).toBe('human_request');
    expect(opened.summary).not.toContain('Main issue');
    expect(opened.summary).toContain('Latest request: "I need to speak to a human agent now"');
  });
});
