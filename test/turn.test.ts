/**
 * The seed's agent tests (tests/test_agent_tool_integration.py) as tests of the turn, and more:
 * sources from the knowledge base, counts and request ids across turns, concurrent sessions, the
 * stream's shape, a failing search that still answers, tool and breaker status in the result.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { ingestPaths } from '../src/rag/index.js';
import type { TurnEvent } from '../src/protocol/index.js';
import { ASK_CONTACT } from '../src/model/extractive/templates.js';
import type { SearchResult } from '../src/rag/index.js';
import { FakeClock } from '../src/testing/index.js';
import { CARD_HIDDEN } from '../src/agent/turn.js';
import { seedKnowledge } from './helpers/http.js';

let app: App;

beforeEach(async () => {
  app = createApp(loadConfig({ env: { LOG_LEVEL: 'silent', TOOL_RETRY_ATTEMPTS: '1' } }), {
    databasePath: ':memory:',
    clock: new FakeClock(Date.now()),
  });
  await seedKnowledge(app);
});
afterEach(() => app.close());

async function collect(events: AsyncIterable<TurnEvent>): Promise<TurnEvent[]> {
  const all: TurnEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

describe('a turn', () => {
  it('answers from the knowledge base with sources and a citation', async () => {
    const result = await app.turns.start({ sessionId: 's1', text: 'How do I reset my password?' })
      .result;
    expect(result.sources[0]).toMatchObject({ id: 1, title: 'How do I reset my password?' });
    expect(result.text).toContain('Reset password');
    expect(result.text).toContain('[1]');
    expect(result.answeredBy).toBe('extractive');
    expect(result.toolsUsed).toEqual(expect.arrayContaining(['memory', 'kb_search', 'escalation']));
    expect(result.toolsFailed).toEqual([]);
    expect(result.breakers).toMatchObject({
      kb_search: 'closed',
      memory: 'closed',
      escalation: 'closed',
    });
  });

  it('numbers its citations from [1], as the sources streamed and returned are numbered', async () => {
    // Found first, the gift-card page does not say; the refund policy, found second, does.
    await app.knowledge.replaceSource('kb', '/help/gift-cards.json', 'g', [
      {
        docKey: '0',
        title: 'Gift cards',
        format: 'faq_json',
        contentHash: 'g',
        chunks: [
          {
            ordinal: 0,
            headingPath: [],
            text: 'Gift cards are sold in amounts from $10 to $500 and never expire. Check the balance of a gift card under Account, then Wallet.',
          },
        ],
      },
    ]);
    const run = app.turns.start({ sessionId: 'c1', text: 'Can I get a refund on a gift card?' });
    const events = await collect(run.events);
    const result = await run.result;
    expect(result.text).toBe('Hi,\n\nGift cards cannot be refunded [1].');
    expect(result.sources).toEqual([
      expect.objectContaining({ id: 1, title: 'What is your refund policy?' }),
    ]);
    // The stream lists what the reply cites, as the reply numbers it, and nothing it does not.
    const shown = events.flatMap((e) => (e.type === 'sources' ? [e.items] : []));
    expect(shown).toEqual([result.sources]);

    // Two passages cited: [1] and [2], in the order the reply first cites them.
    const two = await app.turns.start({
      sessionId: 'c2',
      text: 'is a gift card refundable and does it expire?',
    }).result;
    const markers = [...two.text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    expect([...new Set(markers)]).toEqual([1, 2]);
    expect(two.sources.map((s) => [s.id, s.title])).toEqual([
      [1, 'Gift cards'],
      [2, 'What is your refund policy?'],
    ]);
  });

  it('greets on the first turn only a reply that answers', async () => {
    const notFound = await app.turns.start({ sessionId: 'g1', text: 'Do you sell garden gnomes?' })
      .result;
    expect(notFound.text).toBe(
      "I couldn't find this in our help center. Would you like me to connect you with a member of our support team?",
    );
    const answered = await app.turns.start({ sessionId: 'g2', text: 'What is your refund policy?' })
      .result;
    expect(answered.text).toMatch(/^Hi,\n\nYou can get a refund within 30 days/);
  });

  it('answers a long message (a pasted e-mail with the question at its end) from its words', async () => {
    const pasted = 'Forwarded message from the shop. Order confirmed. '.repeat(320);
    expect(pasted.length).toBeGreaterThan(15_000);
    const result = await app.turns.start({
      sessionId: 's-long',
      text: `${pasted}\n\nSo: how do I reset my password?`,
    }).result;
    expect(result.toolsFailed).toEqual([]);
    expect(result.sources[0]).toMatchObject({ title: 'How do I reset my password?' });
    expect(result.text).toContain('Reset password');
  });

  it('tracks message counts and request ids across turns of a session', async () => {
    const first = await app.turns.start({
      sessionId: 's2',
      text: 'First message about refunds',
      requestId: 'r-1',
    }).result;
    const second = await app.turns.start({
      sessionId: 's2',
      text: 'Second message about refunds',
      requestId: 'r-2',
    }).result;
    expect(first).toMatchObject({ sessionId: 's2', requestId: 'r-1', messageCount: 2 });
    expect(second).toMatchObject({ sessionId: 's2', requestId: 'r-2', messageCount: 4 });
    const stored = await app.conversations.messages('s2');
    expect(stored.map((m) => [m.seq, m.role, m.requestId])).toEqual([
      [1, 'user', 'r-1'],
      [2, 'assistant', 'r-1'],
      [3, 'user', 'r-2'],
      [4, 'assistant', 'r-2'],
    ]);
  });

  it('runs sessions concurrently and the turns of one session in order', async () => {
    const runs = ['a', 'b', 'c'].flatMap((s) =>
      [1, 2, 3].map(
        (n) => app.turns.start({ sessionId: s, text: `question ${n} about my password` }).result,
      ),
    );
    const results = await Promise.all(runs);
    expect(results).toHaveLength(9);
    for (const s of ['a', 'b', 'c']) {
      const stored = await app.conversations.messages(s);
      expect(stored.map((m) => m.role)).toEqual([
        'user',
        'assistant',
        'user',
        'assistant',
        'user',
        'assistant',
      ]);
      expect(stored.filter((m) => m.role === 'user').map((m) => m.text)).toEqual([
        'question 1 about my password',
        'question 2 about my password',
        'question 3 about my password',
      ]);
    }
  });

  it('streams start … status, tool, sources, escalation, text … complete', async () => {
    const run = app.turns.start({
      sessionId: 's3',
      text: 'What is your refund policy?',
      requestId: 'req-stream',
    });
    const events = await collect(run.events);
    expect(events[0]).toEqual({
      type: 'start',
      turnId: run.turnId,
      requestId: 'req-stream',
      sessionId: 's3',
    });
    expect(events.at(-1)?.type).toBe('complete');
    const types = events.map((e) => e.type);
    expect(types).toContain('sources');
    expect(types.indexOf('sources')).toBeLessThan(types.indexOf('text'));
    const text = events.flatMap((e) => (e.type === 'text' ? [e.delta] : [])).join('');
    const complete = events.at(-1);
    expect(complete?.type === 'complete' && complete.message.text).toBe(text);
  });

  it('shows each event to an observer as it is emitted, in order, and a failing observer harms nothing', async () => {
    const seen: TurnEvent[] = [];
    const run = app.turns.start({
      sessionId: 's3o',
      text: 'What is your refund policy?',
      observe: (event) => seen.push(event),
    });
    const events = await collect(run.events);
    expect(seen).toEqual(events);
    expect(seen.at(-1)?.type).toBe('complete');

    const failing = app.turns.start({
      sessionId: 's3o',
      text: 'How do I reset my password?',
      observe: () => {
        throw new Error('a follower went away');
      },
    });
    const reply = await failing.result;
    expect(reply.text).toContain('Reset password');
    expect((await collect(failing.events)).at(-1)?.type).toBe('complete');
  });

  it('still answers, without sources, when the knowledge-base search fails', async () => {
    const broken = createApp(
      loadConfig({
        env: { LOG_LEVEL: 'silent', TOOL_BREAKER_THRESHOLD: '1', TOOL_RETRY_ATTEMPTS: '1' },
      }),
      { databasePath: ':memory:' },
    );
    try {
      // A search that throws: a knowledge base whose tables are gone.
      (broken.knowledge as unknown as { searchLexical: () => Promise<never> }).searchLexical = () =>
        Promise.reject(new Error('disk I/O error'));
      const result = await broken.turns.start({
        sessionId: 's4',
        text: 'How do I reset my password?',
      }).result;
      expect(result.sources).toEqual([]);
      expect(result.text.length).toBeGreaterThan(0);
      expect(result.toolsFailed).toEqual([{ name: 'kb_search', outcome: 'tool_failed' }]);
      const again = await broken.turns.start({ sessionId: 's4', text: 'And my refund?' }).result;
      expect(again.toolsFailed).toEqual([{ name: 'kb_search', outcome: 'circuit_open' }]);
      expect(broken.tools.breaker('kb_search').state).toBe('open');
    } finally {
      await broken.close();
    }
  });

  it('refuses an empty or over-long message before storing anything', async () => {
    expect(() => app.turns.start({ sessionId: 's5', text: '  \u0000\u0007 ' })).toThrow(
      /The message is empty/,
    );
    expect(() => app.turns.start({ sessionId: 's5', text: 'x'.repeat(100_000) })).toThrow(
      /the limit is 20000/,
    );
    expect(await app.conversations.countMessages('s5')).toBe(0);
  });

  it('stores the reply even when the stream consumer goes away mid-turn', async () => {
    const run = app.turns.start({ sessionId: 's6', text: 'What is your refund policy?' });
    for await (const event of run.events) if (event.type === 'start') break;
    const result = await run.result;
    const stored = await app.conversations.messages('s6');
    expect(stored.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(stored[1]?.text).toBe(result.text);
  });
});

describe('escalation in a turn', () => {
  it('opens one ticket however many escalating messages follow, and keeps answering', async () => {
    const first = await app.turns.start({
      sessionId: 'e1',
      text: 'I want to talk to a human right now',
    }).result;
    expect(first.escalation).toMatchObject({ escalate: true });
    const ticketId = first.escalation.ticketId;
    expect(ticketId).toMatch(/^T-/);
    for (const text of ['Get me a person!', 'My lawyer will hear about this', 'HUMAN AGENT NOW']) {
      const next = await app.turns.start({ sessionId: 'e1', text }).result;
      expect(next.escalation.ticketId).toBe(ticketId);
      expect(next.text.length).toBeGreaterThan(0);
    }
    expect((await app.conversations.ticketOf('e1'))?.id).toBe(ticketId);
    // No webhook is configured: nothing is queued that nothing would ever deliver.
    const due = new Date(Date.now() + 60_000).toISOString();
    expect(await app.conversations.dueOutbox(due, 50)).toEqual([]);
  });

  it('queues the ticket and each later message for the webhook when one is configured', async () => {
    const notifying = createApp(
      loadConfig({
        env: {
          LOG_LEVEL: 'silent',
          TOOL_RETRY_ATTEMPTS: '1',
          ESCALATION_WEBHOOK_URL: 'http://127.0.0.1:9/tickets',
          ESCALATION_WEBHOOK_SECRET: 'a-webhook-secret-0123456789',
        },
      }),
      { databasePath: ':memory:' },
    );
    try {
      for (const text of ['I want to talk to a human right now', 'Get me a person!', 'HUMAN NOW']) {
        await notifying.turns.start({ sessionId: 'e4', text }).result;
      }
      const outbox = await notifying.conversations.dueOutbox(
        new Date(Date.now() + 60_000).toISOString(),
        50,
      );
      expect(outbox.map((o) => o.topic)).toEqual([
        'ticket.created',
        'ticket.message_added',
        'ticket.message_added',
      ]);
    } finally {
      await notifying.close();
    }
  });

  it('does not escalate a calm question with trigger words inside other words', async () => {
    const result = await app.turns.start({
      sessionId: 'e2',
      text: 'I know how to reset my password now, thanks',
    }).result;
    expect(result.escalation.escalate).toBe(false);
    expect(await app.conversations.ticketOf('e2')).toBeNull();
  });

  it('hands over without quoting a passage that only shares a word with an angry request', async () => {
    const result = await app.turns.start({
      sessionId: 'e3',
      text: 'Let me speak to a human, your security is ridiculous',
    }).result;
    expect(result.escalation).toMatchObject({ escalate: true, category: 'human_request' });
    // The hand-over alone, without a cheerful "Hi,": the customer asked for a person, not
    // about something not found.
    expect(result.text).toBe(
      `A member of our support team will follow up with you on this (ticket ${result.escalation.ticketId}). ${ASK_CONTACT}`,
    );
  });

  it('gives the ticket a summary of the conversation for the person who takes it', async () => {
    const turn = (text: string) => app.turns.start({ sessionId: 'e4', text }).result;
    await turn('Hi, I am Jane Doe. My order 4417 arrived broken, can I get a refund?');
    await turn('Do you sell garden gnomes?');
    await turn('How do I reset my password?');
    const last = await turn('This is useless, I want to talk to a human now');
    expect(last.escalation.ticketId).toMatch(/^T-/);
    const ticket = await app.conversations.ticketOf('e4');
    expect(ticket?.summary).toBe(
      'human request: Main issue: "Hi, I am Jane Doe. My order 4417 arrived broken, can I get a ' +
        'refund?" (answered from "What is your refund policy?"). ' +
        'Answered: "How do I reset my password?" from "How do I reset my password?". ' +
        'Not found in the help center: "Do you sell garden gnomes?". ' +
        'Customer details: Customer name: Jane Doe; Order number: 4417. ' +
        'Latest request: "This is useless, I want to talk to a human now".',
    );
    // The memories are the customer's details and each question's outcome: what was said is
    // in the messages, not copied.
    const memories = await app.conversations.memories('e4');
    expect(new Set(memories.map((m) => m.type))).toEqual(new Set(['fact', 'summary']));
  });

  it('escalates the second question in a row that the knowledge base cannot answer', async () => {
    const first = await app.turns.start({ sessionId: 'n1', text: 'Do you sell garden gnomes?' })
      .result;
    expect(first.escalation.reasons).toEqual([]);
    const second = await app.turns.start({
      sessionId: 'n1',
      text: 'Which colours do the gnomes come in?',
    }).result;
    expect(second.escalation.reasons).toContain(
      'the assistant could not answer 2 questions in a row from the help center',
    );
  });

  it('hands over the third question in a row it cannot answer; small talk does not count and an answer starts again', async () => {
    const turn = (text: string) => app.turns.start({ sessionId: 'n3', text }).result;
    const offer = 'Would you like me to connect you with a member of our support team?';
    const first = await turn('Do you sell garden gnomes?');
    expect(first.text).toBe(`I couldn't find this in our help center. ${offer}`);
    // Neither a greeting nor thanks is a question the help center missed, nor do they end the run.
    await turn('Hello?');
    await turn('ok thanks');
    const second = await turn('Can I pay with bitcoin?');
    expect(second.text).toBe(`I couldn't find this in our help center. ${offer}`);
    expect(second.escalation).toMatchObject({ escalate: false, category: 'none' });
    // An answer in between starts the count again.
    const answered = await turn('How do I reset my password?');
    expect(answered.text).toContain('Reset password');
    for (const question of ['Is there a student discount?', 'Do you have a shop in Berlin?']) {
      const missed = await turn(question);
      expect(missed.text).toBe(`I couldn't find this in our help center. ${offer}`);
      expect(missed.escalation.escalate).toBe(false);
    }
    expect(await app.conversations.ticketOf('n3')).toBeNull();

    const third = await turn('Can I bring my dog to the office?');
    expect(third.escalation).toMatchObject({
      escalate: true,
      category: 'unresolved',
      priority: 'normal',
      reasons: ['the assistant could not answer 3 questions in a row from the help center'],
    });
    const ticketId = third.escalation.ticketId as string;
    expect(ticketId).toMatch(/^T-/);
    // The hand-over, as for a customer who asks for a person: no offer of one any more.
    expect(third.text).toBe(
      `A member of our support team will follow up with you on this (ticket ${ticketId}). ${ASK_CONTACT}`,
    );
    expect(await app.conversations.ticketOf('n3')).toMatchObject({
      id: ticketId,
      status: 'open',
      category: 'unresolved',
      reasons: ['the assistant could not answer 3 questions in a row from the help center'],
    });
  });

  it('escalates a question asked again that the help center cannot answer, though the search returned passages', async () => {
    await ingestPaths(
      app.knowledge,
      [fileURLToPath(new URL('./fixtures/help-center', import.meta.url))],
      {
        maxFileBytes: 1 << 20,
        chunk: { size: 1000, overlap: 100 },
      },
    );
    const question = 'Do you have a loyalty card?';
    // The search finds passages sharing a word with it ("card"); the reply rejects them all.
    const search = await app.tools.call<SearchResult>('kb_search', { query: question }, {});
    expect(search.type === 'ok' ? search.value.hits.length : 0).toBeGreaterThan(0);
    const first = await app.turns.start({ sessionId: 'n2', text: question }).result;
    expect(first.text).toContain("I couldn't find this in our help center.");
    expect(first.escalation.escalate).toBe(false);

    const again = await app.turns.start({ sessionId: 'n2', text: question }).result;
    expect(again.escalation).toMatchObject({ escalate: true, category: 'unresolved' });
    expect(again.escalation.reasons).toContain(
      'the assistant could not answer 2 questions in a row from the help center',
    );
    expect(again.text).toBe(
      `A member of our support team will follow up with you on this (ticket ${again.escalation.ticketId}). ${ASK_CONTACT}`,
    );
    expect(await app.conversations.ticketOf('n2')).toMatchObject({ status: 'open' });
  });

  it('offers no person again while the ticket is open or pending, and offers one once it is resolved', async () => {
    const turn = (text: string) => app.turns.start({ sessionId: 'o1', text }).result;
    const first = await turn('I want to talk to a human');
    const ticketId = first.escalation.ticketId as string;
    const followUp = `A member of our support team will follow up with you on this (ticket ${ticketId}).`;

    const missing = await turn('Do you sell garden gnomes?');
    expect(missing.text).toBe(`I couldn't find this in our help center.\n\n${followUp}`);
    const hello = await turn('Hello?');
    expect(hello.text).toContain(followUp);
    expect(hello.text).not.toContain('connect you with');
    const answered = await turn('How do I reset my password?');
    expect(answered.text).toContain('Reset password');
    expect(answered.text).toContain(followUp);

    await app.conversations.updateTicket(ticketId, { status: 'pending' });
    const pending = await turn("What's the weather like tomorrow?");
    expect(pending.text).toBe(`I couldn't find this in our help center.\n\n${followUp}`);

    // Resolved, the ticket is over: nobody follows up any more, so a person is offered again.
    await app.conversations.updateTicket(ticketId, { status: 'resolved' });
    await turn('How do I reset my password?');
    const after = await turn('Can I pay with bitcoin?');
    expect(after.escalation.escalate).toBe(false);
    expect(after.text).toBe(
      "I couldn't find this in our help center. Would you like me to connect you with a member of our support team?",
    );
  });

  it('thanks a customer who says it worked or praises the shop, without searching or escalating', async () => {
    await app.turns.start({ sessionId: 'ty1', text: 'How do I reset my password?' }).result;
    for (const text of ['thanks, that worked', 'I love your shop, thank you so much!']) {
      const reply = await app.turns.start({ sessionId: 'ty1', text }).result;
      expect(reply.text).toBe("You're welcome! Is there anything else I can help you with?");
      expect(reply.toolsUsed).not.toContain('kb_search');
      expect(reply.escalation.escalate).toBe(false);
    }
    expect(await app.conversations.ticketOf('ty1')).toBeNull();
  });

  it('hands a report of harm or danger to the safety team at once', async () => {
    const reports: Array<[string, string]> = [
      ['The charger you sold me caught fire and burned my hand', 'urgent'],
      ['The battery exploded and my child was injured', 'urgent'],
      ['it gave me an electric shock', 'urgent'],
      ['Smoke came out of the kettle when I switched it on', 'high'],
    ];
    for (const [i, [text, priority]] of reports.entries()) {
      const reply = await app.turns.start({ sessionId: `sf${i}`, text }).result;
      expect(reply.escalation).toMatchObject({ escalate: true, category: 'safety', priority });
      expect(reply.text).toContain(
        `A member of our support team will follow up with you on this (ticket ${reply.escalation.ticketId}).`,
      );
      // What to do now comes first: no ticket is quicker than the emergency services; to someone
      // hurt, after a word of sorrow.
      const sorry = priority === 'urgent' ? "I'm so sorry to hear that someone was hurt. " : '';
      expect(reply.text.startsWith(`${sorry}If anyone is hurt or in danger, please call`)).toBe(
        true,
      );
      expect(reply.text).not.toMatch(/^Hi\b/m);
      expect(await app.conversations.ticketOf(`sf${i}`)).toMatchObject({
        status: 'open',
        category: 'safety',
        priority,
      });
    }
    // Said once, to the report: the next question of the session is answered as usual.
    const next = await app.turns.start({ sessionId: 'sf0', text: 'How do I reset my password?' })
      .result;
    expect(next.text).not.toContain('emergency services');
    expect(next.text).toContain('will follow up');
  });

  it('opens no ticket for calm uses of the words of a safety incident', async () => {
    const calm = [
      'How do I set up my Fire TV stick?',
      'Can I burn a CD of my order history?',
      // "Shock" names a part here, not a feeling: with "by Friday" it read as an upset customer.
      'Can you deliver the shock absorbers by Friday?',
      'My battery is low, how do I reset my password quickly?',
    ];
    for (const [i, text] of calm.entries()) {
      const reply = await app.turns.start({ sessionId: `calm${i}`, text }).result;
      expect(reply.escalation).toMatchObject({ escalate: false, category: 'none' });
      expect(reply.text).not.toContain('emergency services');
      expect(await app.conversations.ticketOf(`calm${i}`)).toBeNull();
    }
  });

  it('answers a greeting or thanks in kind, without searching, and leaves the no-knowledge run alone', async () => {
    const hi = await app.turns.start({ sessionId: 'g1', text: 'Hello there!' }).result;
    expect(hi.text).toBe('Hi! How can I help you today?');
    expect(hi.sources).toEqual([]);
    expect(hi.toolsUsed).not.toContain('kb_search');
    const missing = await app.turns.start({ sessionId: 'g1', text: 'Do you sell garden gnomes?' })
      .result;
    expect(missing.text).toContain("I couldn't find this");
    const thanks = await app.turns.start({ sessionId: 'g1', text: 'ok thanks' }).result;
    expect(thanks.text).toBe("You're welcome! Is there anything else I can help you with?");
    expect(thanks.escalation.escalate).toBe(false);
    // "ok thanks" between them neither counts as a miss nor breaks the run of misses.
    const again = await app.turns.start({
      sessionId: 'g1',
      text: 'Which colours do the gnomes come in?',
    }).result;
    expect(again.escalation.reasons).toContain(
      'the assistant could not answer 2 questions in a row from the help center',
    );
    // Nor is it a question in the conversation's summary.
    const summaries = await app.conversations.memories('g1', { type: 'summary' });
    expect(summaries.map((m) => m.content)).toEqual([
      'Not found: Which colours do the gnomes come in?',
      'Not found: Do you sell garden gnomes?',
    ]);
  });

  it('greets a customer who introduces themselves, notes their details, and asks what they need', async () => {
    const hello = await app.turns.start({ sessionId: 'i1', text: "Hi, I'm Jane" }).result;
    expect(hello.text).toBe('Hi Jane! How can I help you today?');
    const order = await app.turns.start({ sessionId: 'i1', text: 'my order number is 44170' })
      .result;
    // Later in the conversation the details are said back, and nothing starts over.
    expect(order.text).toBe("Thank you, I've noted your order number 44170. How can I help?");
    expect(order.toolsUsed).not.toContain('kb_search');
    const help = await app.turns.start({ sessionId: 'i1', text: 'I have a question' }).result;
    expect(help.text).toBe('Of course. What would you like to know?');
    const asked = await app.turns.start({ sessionId: 'i1', text: 'What is my order number?' })
      .result;
    expect(asked.text).toContain('44170');
    const account = await app.turns.start({
      sessionId: 'i1',
      text: 'my name is Jane Doe, account number 88213344',
    }).result;
    expect(account.text).toBe(
      "Thank you, Jane. I've noted your account number 88213344. How can I help?",
    );
    expect(account.toolsUsed).not.toContain('kb_search');
    const which = await app.turns.start({ sessionId: 'i1', text: "what's my account number?" })
      .result;
    expect(which.text).toContain('The account number I have for you is 88213344.');
    // Greeted with details, the customer hears them said back.
    const greeted = await app.turns.start({
      sessionId: 'i2',
      text: "hi, I'm Ana, my order number is 12345 and my email is ana@example.com",
    }).result;
    expect(greeted.text).toBe(
      "Hi Ana! I've noted your order number 12345 and e-mail address ana@example.com. How can I help you today?",
    );
    // The details are remembered; the introductions themselves are not questions to recall.
    const memories = (await app.conversations.memories('i1')).map((m) => m.content);
    expect(memories).toEqual(
      expect.arrayContaining([
        'Customer name: Jane',
        'Order number: 44170',
        'Account number: 88213344',
      ]),
    );
    expect(memories.filter((m) => /Jane"|I'm Jane|I have a question|number is/.test(m))).toEqual(
      [],
    );
  });

  it('answers a question that names its order by number, as it answers it without', async () => {
    await ingestPaths(
      app.knowledge,
      [fileURLToPath(new URL('./fixtures/help-center', import.meta.url))],
      { maxFileBytes: 1 << 20, chunk: { size: 1000, overlap: 100 } },
    );
    const reply = await app.turns.start({ sessionId: 'on1', text: 'cancel my order 5521' }).result;
    expect(reply.text).toContain('About your order 5521:');
    expect(reply.text).toContain('cancel an order within 1 hour');
  });

  it('asks for a way to reach the customer when a ticket opens without one, and only then', async () => {
    const opened = await app.turns.start({ sessionId: 'ct1', text: 'I want to talk to a human' })
      .result;
    expect(opened.text).toContain(ASK_CONTACT);
    const given = await app.turns.start({ sessionId: 'ct1', text: 'jane.doe@example.com' }).result;
    // Noted, and nothing asked again: a person follows up.
    expect(given.text).toBe(
      `Thank you, I've noted your e-mail address jane.doe@example.com.\n\nA member of our support team will follow up with you on this (ticket ${opened.escalation.ticketId}).`,
    );
    const later = await app.turns.start({ sessionId: 'ct1', text: 'How long do refunds take?' })
      .result;
    expect(later.text).not.toContain(ASK_CONTACT);

    // Known before the hand-over: not asked for.
    await app.turns.start({ sessionId: 'ct2', text: 'My number is 07700 900123' }).result;
    const known = await app.turns.start({ sessionId: 'ct2', text: 'I want to talk to a human' })
      .result;
    expect(known.escalation.ticketId).toBeDefined();
    expect(known.text).not.toContain(ASK_CONTACT);
    const inline = await app.turns.start({
      sessionId: 'ct3',
      text: "I'm Jane, jane@example.com. I want to talk to a human",
    }).result;
    expect(inline.escalation.ticketId).toBeDefined();
    expect(inline.text).not.toContain(ASK_CONTACT);
  });

  it("hands over to a person when the customer says yes to the agent's offer of one", async () => {
    const offer = await app.turns.start({ sessionId: 'y1', text: 'Do you sell garden gnomes?' })
      .result;
    expect(offer.text).toContain(
      'Would you like me to connect you with a member of our support team?',
    );
    const yes = await app.turns.start({ sessionId: 'y1', text: 'Yes please' }).result;
    expect(yes.escalation).toMatchObject({ escalate: true, category: 'human_request' });
    expect(yes.escalation.reasons).toEqual(['accepted the offer of a person: "Yes please"']);
    expect(yes.text).toBe(
      `A member of our support team will follow up with you on this (ticket ${yes.escalation.ticketId}). ${ASK_CONTACT}`,
    );
    expect(await app.conversations.ticketOf('y1')).toMatchObject({ category: 'human_request' });
    // A yes with no offer before it is only a yes.
    const plain = await app.turns.start({ sessionId: 'y2', text: 'yes' }).result;
    expect(plain.escalation.escalate).toBe(false);
    expect(plain.text).toBe('Is there anything else I can help you with?');
    // And a no to the offer is taken as one.
    await app.turns.start({ sessionId: 'y3', text: 'Do you sell garden gnomes?' }).result;
    const no = await app.turns.start({ sessionId: 'y3', text: 'no thanks' }).result;
    expect(no.escalation.escalate).toBe(false);
    expect(no.text).toBe('All right. Is there anything else I can help you with?');
    expect(await app.conversations.ticketOf('y3')).toBeNull();
  });

  it('answers a question with a misspelt word as the help center spells it', async () => {
    const result = await app.turns.start({ sessionId: 'sp1', text: 'How do I reset my pasword?' })
      .result;
    expect(result.sources[0]?.title).toBe('How do I reset my password?');
    expect(result.text).toContain('Press Reset password');
  });

  it('answers a follow-up as the question it follows', async () => {
    await app.turns.start({ sessionId: 'fu1', text: 'How do I reset my password?' }).result;
    const followUp = await app.turns.start({ sessionId: 'fu1', text: 'How long does it last?' })
      .result;
    expect(followUp.sources[0]?.title).toBe('How do I reset my password?');
    expect(followUp.text).toContain('The link works for 24 hours');
    // The same words as a first message have nothing to lean on, and find nothing.
    const alone = await app.turns.start({ sessionId: 'fu2', text: 'How long does it last?' })
      .result;
    expect(alone.sources).toEqual([]);
  });

  it('remembers facts the customer gave and uses them in later answers', async () => {
    await app.turns.start({
      sessionId: 'f1',
      text: 'Hi, my name is Jane Doe and my order 4417 is late',
    }).result;
    const later = await app.turns.start({
      sessionId: 'f1',
      text: 'Can I get a refund for my order?',
    }).result;
    expect(later.text).toContain('4417');
    expect(later.text).toContain('refund within 30 days');
    const facts = await app.conversations.memories('f1', { type: 'fact' });
    expect(facts.map((f) => f.content)).toEqual(expect.arrayContaining(['Order number: 4417']));
  });
});

describe('a longer conversation', () => {
  it('answers "why?" with what the reply before did not say, and says when there is no more', async () => {
    const ask = async (text: string) =>
      (await app.turns.start({ sessionId: 'w1', text }).result).text;
    const first = await ask('How do I reset my password?');
    expect(first).toBe(
      'Hi,\n\nPress Reset password and follow the link we e-mail you [1]. The link works for 24 hours [1].',
    );
    expect(await ask('why?')).toBe('Open Settings and choose Security [1].');
    expect(await ask('why?')).toBe(
      "I'm afraid our help center says no more about this than what I said. Would you like me to connect you with a member of our support team?",
    );
  });

  it('answers "still the same" and "I\'ve already restarted it" about the problem before, not about their own words', async () => {
    const isp = createApp(loadConfig({ env: { LOG_LEVEL: 'silent' } }), {
      databasePath: ':memory:',
    });
    try {
      const folder = fileURLToPath(new URL('./fixtures/help-center-isp', import.meta.url));
      await ingestPaths(isp.knowledge, [folder], {
        maxFileBytes: 1 << 20,
        chunk: { size: 1000, overlap: 100 },
      });
      const ask = async (text: string) =>
        (await isp.turns.start({ sessionId: 'w2', text }).result).text;
      expect(await ask('hi, my internet keeps dropping')).toContain('restart the Hub');
      // Told it was done, the reply gives the next step, not the restart again.
      const next = await ask("I've already restarted it");
      expect(next).toContain('Report connection drops');
      expect(next).not.toMatch(/restart/i);
      // Searched with its own words, "still the same" was answered from the page on keeping a
      // phone number ("keeps" and "Keep my number").
      expect(await ask('still the same')).toBe(
        "I'm afraid our help center says no more about this than what I said. Would you like me to connect you with a member of our support team?",
      );
    } finally {
      await isp.close();
    }
  });

  it('answers a question about the subject a customer announced, and how to return a thing', async () => {
    const store = createApp(loadConfig({ env: { LOG_LEVEL: 'silent' } }), {
      databasePath: ':memory:',
    });
    try {
      const folder = fileURLToPath(new URL('./fixtures/help-center', import.meta.url));
      await ingestPaths(store.knowledge, [folder], {
        maxFileBytes: 1 << 20,
        chunk: { size: 1000, overlap: 100 },
      });
      const ask = async (sessionId: string, text: string) =>
        (await store.turns.start({ sessionId, text }).result).text;
      expect(await ask('o1', 'I have a question about my order')).toBe(
        'Of course. What would you like to know?',
      );
      // "where is it?" asks where the order is.
      expect(await ask('o1', 'where is it?')).toContain('we email you a tracking number');
      // How to start a return, not how to exchange: the how-to passage is found, though three
      // other passages of the returns article rank above it.
      const shoes = await ask('r1', 'I want to return a pair of shoes');
      expect(shoes).toContain('click Return items');
      expect(shoes).not.toContain('place a new order');
    } finally {
      await store.close();
    }
  });

  it('answers "where is my refund?" with when it comes, and "I already did that" with no step done again', async () => {
    const acme = createApp(loadConfig({ env: { LOG_LEVEL: 'silent' } }), {
      databasePath: ':memory:',
    });
    try {
      const folder = fileURLToPath(new URL('./fixtures/acme-help-center', import.meta.url));
      await ingestPaths(acme.knowledge, [folder], {
        maxFileBytes: 1 << 20,
        chunk: { size: 1000, overlap: 100 },
      });
      const ask = async (sessionId: string, text: string) =>
        (await acme.turns.start({ sessionId, text }).result).text;
      // Asked where it is, the refund is one the customer waits for: not the partial refunds
      // section, which says "refunded" most.
      const refund = await ask('a1', 'where is my refund?');
      expect(refund).toContain('We refund you within 5 working days');
      expect(refund).not.toContain('refunded in part');
      expect(await ask('a2', 'how do I reset my password?')).toContain('Click Forgot password');
      // What they did is what they asked how to do: the locked account's "Wait, then try again or
      // reset your password" is no step after it.
      expect(await ask('a2', 'I already did that')).toBe(
        "I'm afraid our help center says no more about this than what I said. Would you like me to connect you with a member of our support team?",
      );
    } finally {
      await acme.close();
    }
  });

  it('still knows the order number after many turns on the same subject', async () => {
    await app.turns.start({
      sessionId: 'f2',
      text: 'Hi, my name is Jane Doe and my order 4417 is late',
    }).result;
    // Each question and its answer is a memory of the conversation that shares more words with
    // the last question than the order number does.
    for (const ask of ['Can I', 'Could I', 'May I', 'Please can I', 'So can I', 'Really, can I']) {
      await app.turns.start({ sessionId: 'f2', text: `${ask} get a refund for my order today?` })
        .result;
    }
    const later = await app.turns.start({
      sessionId: 'f2',
      text: 'A refund for my order today?',
    }).result;
    expect(later.text).toContain('4417');
  });
});

describe('attached files that cannot be read', () => {
  const photo = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1]);
  const program = new Uint8Array([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff, 0, 0]);
  const brokenPdf = new TextEncoder().encode('%PDF-1.4 cut short');

  it('names each file not read, says why in words a customer understands, and answers the rest', async () => {
    const run = app.turns.start({
      sessionId: 'f1',
      text: 'How do I reset my password? My screenshot and the app are attached',
      attachments: [
        { name: 'screen.jpg', data: photo },
        { name: 'app.exe', data: program },
        { name: 'notes.txt', data: new TextEncoder().encode('The reset link never arrives.') },
      ],
    });
    const events = await collect(run.events);
    const result = await run.result;
    expect(result.text).toMatch(
      /^I can't look at pictures, so I couldn't see screen\.jpg\. Please describe in words what it shows\. I couldn't read app\.exe: I can read PDF, Word \(\.docx\), text, Markdown, HTML and CSV files\.\n\n/,
    );
    expect(result.text).toContain('Reset password');
    // No message for the people who run the service ("binary data") reaches the customer.
    expect(result.text).not.toMatch(/binary|invalid_input/);
    const streamed = events.flatMap((e) => (e.type === 'text' ? [e.delta] : [])).join('');
    expect(streamed).toBe(result.text);
  });

  it('answers files alone that could not be read with the notice only, and counts nothing as unanswered', async () => {
    for (let i = 0; i < 3; i++) {
      const result = await app.turns.start({
        sessionId: 'f2',
        text: '',
        attachments: [{ name: 'scan.pdf', data: brokenPdf }],
      }).result;
      expect(result.text).toBe("I couldn't read scan.pdf: the file seems to be damaged.");
      expect(result.escalation.escalate).toBe(false);
      expect(result.escalation.ticketId).toBeUndefined();
    }
  });
});

describe('a card number in a message', () => {
  it('is hidden before anything stores, searches or remembers it, and the customer is told', async () => {
    const result = await app.turns.start({
      sessionId: 'c1',
      text: 'How do I reset my password? My card is 4111 1111 1111 1111',
    }).result;
    expect(result.text.startsWith(`${CARD_HIDDEN}\n\n`)).toBe(true);
    expect(result.text).toContain('Reset password');
    const stored = await app.conversations.recentMessages('c1', 10);
    expect(stored[0]?.text).toBe(
      'How do I reset my password? My card is [card number hidden, ending 1111]',
    );
    const everything = JSON.stringify([
      stored,
      await app.conversations.recentMemories('c1', {
        fact: 50,
        context: 50,
        preference: 50,
        summary: 50,
      }),
    ]);
    expect(everything).not.toMatch(/4111 ?1111 ?1111/);
  });

  it('answers a message of card numbers alone with the notice only, as no question the help center missed', async () => {
    const result = await app.turns.start({ sessionId: 'c2', text: '5555-5555-5555-4444' }).result;
    expect(result.text).toBe(CARD_HIDDEN);
    expect(result.escalation.ticketId).toBeUndefined();
    const [, reply] = await app.conversations.recentMessages('c2', 2);
    expect(reply?.metadata).not.toHaveProperty('found');
  });

  it('is hidden in an attached file too, before it is stored or searched, and the file is named', async () => {
    const note = 'Refund request. I paid with card 4111-1111-1111-1111 and want my money back.';
    const result = await app.turns.start({
      sessionId: 'c3',
      text: 'Can you check my note?',
      attachments: [{ name: 'refund.txt', data: new TextEncoder().encode(note) }],
    }).result;
    expect(result.text).toMatch(
      /^For your security, I've hidden the card number in refund\.txt\. Please don't share card details/,
    );
    expect(result.text).not.toMatch(/4111-?1111/);
    const found = await app.tools.call<SearchResult>(
      'kb_search',
      { query: 'refund request card paid' },
      { sessionId: 'c3' },
    );
    expect(found.type).toBe('ok');
    const mine =
      found.type === 'ok'
        ? found.value.hits.filter((h) => h.source === 'attachment:refund.txt')
        : [];
    expect(mine.length).toBeGreaterThan(0);
    for (const hit of mine) {
      expect(hit.text).toContain('[card number hidden, ending 1111]');
      expect(hit.text).not.toMatch(/4111-1111/);
    }
  });
});

describe('a turn whose client went away', () => {
  it('still searches, decides the escalation and remembers the details once the message is stored', async () => {
    const gone = new AbortController();
    gone.abort();
    const result = await app.turns.start({
      sessionId: 'left',
      text: 'The charger gave me an electric shock and burned my hand, I need a person now. My order number is 884512',
      signal: gone.signal,
    }).result;
    expect(result.toolsFailed).toEqual([]);
    expect(result.escalation).toMatchObject({ escalate: true, category: 'safety' });
    const ticket = await app.conversations.ticketOf('left');
    expect(ticket?.id).toBe(result.escalation.ticketId);
    const memories = await app.conversations.memories('left', { type: 'fact' });
    expect(memories.map((m) => m.content).join(' ')).toContain('884512');
  });
});

describe("a homewares shop's help center", () => {
  let home: App;
  beforeEach(async () => {
    home = createApp(loadConfig({ env: { LOG_LEVEL: 'silent', TOOL_RETRY_ATTEMPTS: '1' } }), {
      databasePath: ':memory:',
      clock: new FakeClock(Date.now()),
    });
    const folder = fileURLToPath(new URL('./fixtures/help-center-home', import.meta.url));
    await ingestPaths(home.knowledge, [folder], {
      maxFileBytes: 1024 * 1024,
      chunk: { size: 1000, overlap: 100 },
    });
  });
  afterEach(() => home.close());
  const say = (sessionId: string, text: string) => home.turns.start({ sessionId, text }).result;

  it('says sorry to someone hurt, and gives the emergency line and the hand-over without care tips', async () => {
    const reply = await say(
      'hurt',
      'The candle I bought from you exploded and set my curtains on fire, my hand got burned',
    );
    expect(reply.escalation).toMatchObject({ category: 'safety', priority: 'urgent' });
    expect(reply.escalation.reasons[0]).toContain('someone hurt');
    expect(reply.text).toMatch(
      /^I'm so sorry to hear that someone was hurt\. If anyone is hurt or in danger, please call your local emergency services now\./,
    );
    expect(reply.text).toContain(`(ticket ${reply.escalation.ticketId})`);
    // Quoted to someone hurt, "never leave a burning candle unattended" reads as blame.
    expect(reply.text).not.toMatch(/wick|unattended|children/);
    expect(reply.sources).toEqual([]);
  });

  it('answers a question of its own after another ("is there …" points at nothing said before)', async () => {
    await say('w1', 'Do you have a loyalty or rewards program?');
    const reply = await say('w1', 'Is there a warranty on the bedding?');
    expect(reply.text).not.toContain('no more about this');
    expect(reply.text).toContain('warranty');
    expect(reply.text).not.toContain('Rewards');
  });

  it('takes a message that only gave the order number for no question asked before', async () => {
    await say('d1', "Hi, I'm Dana, my order number is BL-20931");
    const reply = await say('d1', 'can I cancel order BL-20931? I placed it 20 minutes ago');
    expect(reply.escalation.reasons.join(' ')).not.toContain('repeats an earlier question');
  });

  it('answers "can i put them in the dryer?" after a question on washing linen', async () => {
    await say('l1', 'how should I wash my linen sheets?');
    const reply = await say('l1', 'can i put them in the dryer?');
    expect(reply.text).toContain('Tumble dry on low or line dry');
  });
});
