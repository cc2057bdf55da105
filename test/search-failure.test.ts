// When the help center cannot be searched (a timeout, the database down mid-turn, the breaker
// open), the customer is told so, not that the help center lacks the answer; the failure does
// not count toward the run of questions left unanswered that opens a ticket; the metrics and the
// stored reply tell an outage from missing content. The knowledge base's search fails here as a
// database outage would: its repository throws, behind the real retriever and `kb_search` tool.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SEARCH_FAILED } from '../src/agent/turn.js';
import { AppError } from '../src/errors/index.js';
import { startFakeOpenAi, type FakeOpenAi } from '../src/testing/fake-openai-server.js';
import {
  ADMIN_KEY,
  call,
  createSession,
  startServer,
  type Json,
  type TestServer,
} from './helpers/http.js';

let t: TestServer | undefined;
let fake: FakeOpenAi | undefined;
afterEach(async () => {
  await t?.close();
  await fake?.close();
  t = undefined;
  fake = undefined;
});

/** Starts a server whose knowledge base's searches fail while `outage.down` is true. */
async function serverWithOutage(env: Record<string, string> = {}) {
  const server = await startServer(env);
  const outage = { down: true };
  const { knowledge } = server.app;
  const search = knowledge.searchLexical.bind(knowledge);
  knowledge.searchLexical = (query) =>
    outage.down
      ? Promise.reject(
          new AppError('upstream_unavailable', 'the database is unavailable', { retryable: true }),
        )
      : search(query);
  t = server;
  return { server, outage };
}

async function conversation(server: TestServer) {
  const { id, token } = await createSession(server.url);
  const send = async (text: string) => {
    const response = await call(server.url, 'POST', `/v1/sessions/${id}/messages`, {
      token,
      body: { text },
    });
    expect(response.status).toBe(200);
    return response.body.message as Json;
  };
  return { id, send };
}

function metric(text: string, answeredBy: string, result: string): number {
  const line = new RegExp(
    `support_agent_turns_total\\{answered_by="${answeredBy}",result="${result}"\\} (\\d+)`,
  ).exec(text);
  return Number(line?.[1] ?? 0);
}

const admin = { authorization: `Bearer ${ADMIN_KEY}` };

describe('a help center that cannot be searched', () => {
  it('is said to be unreachable, opens no "unresolved" ticket, and is counted and stored as search_failed', async () => {
    const { server, outage } = await serverWithOutage();
    const { id, send } = await conversation(server);

    const questions = [
      'How do I reset my password?',
      'What is your refund policy?',
      'Can I get a refund on a gift card?',
    ];
    for (const question of questions) {
      const reply = await send(question);
      expect(reply.toolsFailed).toContainEqual(expect.objectContaining({ name: 'kb_search' }));
      expect(reply.text).toContain(SEARCH_FAILED);
      expect(reply.text).not.toMatch(/couldn't find|could not find/i);
      // A person is offered, as when nothing is found.
      expect(reply.text).toMatch(/connect you with a member of our support team/);
      // However many in a row: an outage is no sign that the help center lacks the answers.
      expect(reply.escalation.ticketId).toBeUndefined();
    }

    // Back up: the same question is answered, from the help center.
    outage.down = false;
    const answered = await send('How do I reset my password?');
    expect(answered.toolsFailed).toEqual([]);
    expect(answered.text).toContain('Reset password');

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metric(metrics, 'extractive', 'search_failed')).toBe(3);
    expect(metric(metrics, 'extractive', 'not_found')).toBe(0);
    expect(metric(metrics, 'extractive', 'answered')).toBe(1);

    const session = await call(server.url, 'GET', `/v1/admin/sessions/${id}`, {
      headers: admin,
    });
    expect(session.status).toBe(200);
    const replies = (session.body.transcript as Json[]).filter((m) => m.role === 'assistant');
    expect(replies.map((m) => m.metadata.searchFailed)).toEqual([true, true, true, undefined]);
    expect(replies.map((m) => m.metadata.found)).toEqual([undefined, undefined, undefined, true]);
  });

  it('leaves the run of questions the help center had nothing on as it was', async () => {
    const { server, outage } = await serverWithOutage();
    const { send } = await conversation(server);
    const streak = (reply: Json) =>
      (reply.escalation.reasons as string[]).find((r) => r.includes('in a row'));
    outage.down = false;
    expect(streak(await send('Do you sell helicopters to penguins?'))).toBeUndefined();
    outage.down = true;
    const failed = await send('Do you ship submarines to the moon?');
    expect(failed.text).toContain(SEARCH_FAILED);
    expect(streak(failed)).toBeUndefined();
    outage.down = false;
    // The failed search neither counted nor broke the run: this is the second in a row.
    const second = await send('Do you rent out hot air balloons?');
    expect(streak(second)).toMatch(/could not answer 2 questions in a row/);
  });

  it('hands the customer who accepts the offer to a person, without telling staff the help center lacked the answer', async () => {
    const { server } = await serverWithOutage();
    const { send } = await conversation(server);
    expect((await send('What is your refund policy?')).text).toContain(SEARCH_FAILED);
    const accepted = await send('yes please');
    expect(accepted.escalation.ticketId).toBeDefined();
    expect(accepted.escalation.category).not.toBe('unresolved');

    const tickets = await call(server.url, 'GET', '/v1/admin/tickets?status=open', {
      headers: admin,
    });
    expect(tickets.status).toBe(200);
    const [ticket] = tickets.body.items as Json[];
    expect(JSON.stringify(ticket)).toContain('refund policy');
    expect(JSON.stringify(ticket)).not.toMatch(/not found in the help center/i);
  });

  it('lists a question asked during the outage in the ticket summary, as one to answer', async () => {
    const { server, outage } = await serverWithOutage();
    const { send } = await conversation(server);
    outage.down = false;
    expect((await send('How do I reset my password?')).text).not.toContain(SEARCH_FAILED);
    outage.down = true;
    expect((await send('Can I get a refund on a gift card?')).text).toContain(SEARCH_FAILED);
    outage.down = false;
    const handed = await send('I want to talk to a person');
    expect(handed.escalation.ticketId).toBeDefined();

    const tickets = await call(server.url, 'GET', '/v1/admin/tickets?status=open', {
      headers: admin,
    });
    const [ticket] = tickets.body.items as Json[];
    expect(ticket?.summary).toContain('Main issue: "How do I reset my password?" (answered');
    expect(ticket?.summary).toContain(
      'Not answered, as the help center could not be searched: "Can I get a refund on a gift card?".',
    );
    expect(ticket?.summary).not.toMatch(/not found in the help center/i);
  });
});

describe('a help center that cannot be searched, with a language model', () => {
  beforeEach(async () => {
    fake = await startFakeOpenAi();
  });
  const llmEnv = () => ({ LLM_BASE_URL: (fake as FakeOpenAi).url, LLM_MODEL: 'fake-chat' });

  it('tells the model the search failed, not that the help center has no passage', async () => {
    const { server } = await serverWithOutage(llmEnv());
    const model = fake as FakeOpenAi;
    let asked: { system: string; context: string } | undefined;
    model.chatReplies((request) => {
      asked = {
        system: request.messages.find((m) => m.role === 'system')?.content ?? '',
        context: request.messages.find((m) => m.role === 'user')?.content ?? '',
      };
      return { text: "I can't search our help center right now; please try again in a moment." };
    });
    const { send } = await conversation(server);
    const reply = await send('What is your refund policy?');
    expect(reply.answeredBy).toBe('llm');
    expect(asked?.context).toContain('could not be searched');
    expect(asked?.context).not.toContain('No passage of the help center matched');
    expect(asked?.system).toMatch(/could not be searched/);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metric(metrics, 'llm', 'search_failed')).toBe(1);
    expect(metric(metrics, 'llm', 'not_found')).toBe(0);
  });

  it('says the help center is unreachable when the model fails too', async () => {
    const { server } = await serverWithOutage({ ...llmEnv(), TOOL_RETRY_ATTEMPTS: '1' });
    (fake as FakeOpenAi).failNext(5, { status: 500 });
    const { send } = await conversation(server);
    const reply = await send('What is your refund policy?');
    expect(reply.answeredBy).toBe('extractive');
    expect(reply.fallback).toBeDefined();
    expect(reply.text).toContain(SEARCH_FAILED);
    expect(reply.text).not.toMatch(/couldn't find/i);
  });
});
