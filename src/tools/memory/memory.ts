import { z } from 'zod';
import { contactOfLines, type Contact } from '../../agent/facts/contact.js';
import { currentFacts } from '../../agent/facts/describe-fact.js';
import { sessionFiles } from '../../agent/session-files.js';
import { queryTerms } from '../../rag/search/query-terms.js';
import type { ConversationRepository, MemoryRecord, TurnRecord } from '../../store/index.js';
import { defineTool } from '../define-tool.js';
import { BoundedCache } from './bounded-cache.js';
import {
  describeOutcome,
  readOutcome,
  summarizeConversation,
  type TurnOutcome,
} from './summary.js';

/** The context of a turn: the recent conversation and what is remembered of the session. */
export interface SessionContext {
  recent: Array<Pick<TurnRecord, 'role' | 'text' | 'seq'>>;
  /**
   * Memories ranked by importance, recency and relevance to the message, best first, as many as
   * the load asked for (`memoryLimit`).
   */
  memories: Array<Pick<MemoryRecord, 'type' | 'content' | 'importance'>>;
  /**
   * Every fact the customer gave (their name, order number, e-mail…), oldest first, whatever the
   * ranking: a fact is never pushed out by memories that share more words with the message. One
   * they corrected later is left out (see `currentFacts`).
   */
  facts: string[];
  /**
   * The files the customer attached that were read into the session's search scope, as
   * `fileMemory` records them ("Attached file: invoice.pdf (message 3)"), oldest first: the
   * newest {@link MEMORY_LIMITS}`.file`. Kept apart from `facts`, and read apart: they are not
   * what the customer told us, and however many there are, they push none of it out.
   */
  files: string[];
  /**
   * A running summary of the conversation for the person who picks it up: the main issue, what
   * was answered and what the help center had nothing on, the customer's details, the latest
   * request (see {@link summarizeConversation}). Absent when the load did not ask for it.
   */
  summary?: string;
  /**
   * What people on the staff wrote to the customer since the first message of `recent`, oldest
   * first (at most {@link MAX_STAFF_MESSAGES}, the newest): read with the summary, for a language
   * model, which would otherwise answer as if a refund a person promised had never been spoken
   * of. `recent` leaves them out (see `ConversationRepository.recentTurns`). Absent when the load
   * did not ask for the summary.
   */
  staff?: Array<{ seq: number; text: string; author?: string }>;
  messageCount: number;
  /**
   * The agent's replies in a row, newest back, that found nothing in the knowledge base (among
   * the last {@link STREAK_LOOKBACK} messages), since the last reply that handed the conversation
   * to a person: the escalation policy's "no knowledge" signal.
   */
  unansweredStreak: number;
}

/** Messages read back to count replies that found nothing. */
const STREAK_LOOKBACK = 12;
/**
 * Memories read per load, the newest of each type, so that a load costs the same however long
 * the conversation: what the customer and the agent said (two a turn) in the last sixteen turns
 * or so, the outcomes of the last thirty turns for the summary, the facts and preferences the
 * customer gave, and the files they attached (each type its own count: files never take the
 * place of facts).
 */
export const MEMORY_LIMITS = {
  context: 32,
  fact: 40,
  file: 40,
  preference: 16,
  summary: 30,
} as const;

/** What every load reads: the customer's facts and their files. */
const FACT_LIMITS = { fact: MEMORY_LIMITS.fact, file: MEMORY_LIMITS.file } as const;

/** The most staff messages a load reads (see `SessionContext.staff`). */
export const MAX_STAFF_MESSAGES = 10;

const load = z.object({
  action: z.literal('load'),
  message: z.string().max(100_000),
  recentLimit: z.number().int().min(0).max(50).default(8),
  memoryLimit: z.number().int().min(0).max(50).default(6),
  /** Whether to write the summary: it reads the notes of the last thirty turns. */
  summary: z.boolean().default(true),
});
const store = z.object({
  action: z.literal('store'),
  /** What became of this turn's message: noted for the conversation's summary. */
  outcome: z
    .object({
      question: z.string().min(1).max(2_000),
      answered: z.boolean(),
      searchFailed: z.boolean().optional(),
      source: z.string().max(500).optional(),
    })
    .optional(),
  memories: z
    .array(
      z.object({
        type: z.enum(['context', 'fact', 'file', 'preference', 'summary']),
        content: z.string().min(1).max(2_000),
        importance: z.number().min(0).max(1),
      }),
    )
    .max(50),
});
const input = z.discriminatedUnion('action', [load, store]);

/** The content words of a memory; stored memories never change, so these are kept. */
export type MemoryTerms = (content: string) => readonly string[];

const contentTerms: MemoryTerms = (content) => queryTerms(content).contentTerms;

/**
 * Ranks memories: importance first, then how recent, then how much they share with the message.
 * `termsOf` gives a memory's content words; the memory tool passes one that remembers them.
 */
export function rankMemories(
  memories: readonly MemoryRecord[],
  message: string,
  now: number,
  termsOf: MemoryTerms = contentTerms,
): MemoryRecord[] {
  const asked = new Set(queryTerms(message).contentTerms);
  const score = (m: MemoryRecord) => {
    const ageDays = Math.max(0, (now - Date.parse(m.createdAt)) / 86_400_000);
    const recency = 1 / (1 + ageDays);
    let shared = 0;
    if (asked.size > 0) for (const t of termsOf(m.content)) if (asked.has(t)) shared++;
    const relevance = asked.size === 0 ? 0 : Math.min(1, shared / asked.size);
    return 0.5 * m.importance + 0.2 * recency + 0.3 * relevance;
  };
  // Scored once each, then sorted: the sort is stable, so equal scores keep the given order.
  return memories
    .map((memory) => ({ memory, score: score(memory) }))
    .sort((a, b) => b.score - a.score)
    .map(({ memory }) => memory);
}

function summarize(
  firstMessage: string | undefined,
  memories: readonly MemoryRecord[],
  latest: string,
  latestRaised = false,
): string {
  // Memories come newest first; the summary reads the conversation in order.
  const outcomes: TurnOutcome[] = [];
  const facts: string[] = [];
  const files: string[] = [];
  let outcomeCount = 0;
  for (let i = memories.length - 1; i >= 0; i--) {
    const memory = memories[i] as MemoryRecord;
    if (memory.type === 'fact') facts.push(memory.content);
    if (memory.type === 'file') files.push(memory.content);
    if (memory.type !== 'summary') continue;
    outcomeCount++;
    const outcome = readOutcome(memory.content);
    if (outcome) outcomes.push(outcome);
  }
  return summarizeConversation({
    firstMessage,
    outcomes,
    facts: currentFacts(facts),
    files: sessionFiles(files).map((file) => file.name),
    latest,
    ...(latestRaised ? { latestRaised } : {}),
    // As many as were asked for: there may be older ones.
    outcomesCut: outcomeCount >= MEMORY_LIMITS.summary,
    factsCut: facts.length >= MEMORY_LIMITS.fact,
    filesCut: files.length >= MEMORY_LIMITS.file,
  });
}

/** Kinds of memory the summary is written from, as many of each as it reads. */
const SUMMARY_LIMITS = { ...FACT_LIMITS, summary: MEMORY_LIMITS.summary } as const;

/**
 * The customer's first message, from the recent messages when they reach back to it, else read
 * once per session and kept (it never changes once written). The customer's messages only: the
 * staff may have written into the session before the customer did (see `sendStaffMessage`).
 */
class FirstQuestions {
  readonly #known = new BoundedCache<string, string>(10_000);

  constructor(private readonly repo: ConversationRepository) {}

  async of(sessionId: string, recent: readonly TurnRecord[]): Promise<string | undefined> {
    // The turns leave the staff's messages out: a first turn numbered 1 is the session's first
    // message. When the staff wrote first, the customer's first message is read past theirs.
    if (recent[0]?.seq === 1) return recent.find((m) => m.role === 'user')?.text;
    let first = this.#known.get(sessionId);
    if (first === undefined) {
      const [message] = await this.repo.messages(sessionId, { role: 'user', limit: 1 });
      first = message?.text;
      // Only a message that exists is kept: it can no longer change. Until the customer has
      // written, there is none to keep.
      if (first !== undefined) this.#known.set(sessionId, first);
    }
    return first;
  }
}

/**
 * Writes a session's summary when it is needed rather than on every turn: the escalation tool
 * asks for one when it opens a ticket. `latest` is the message being answered; `raised`, that it
 * opened the ticket by a matter of its own, the main issue (see `SummaryInput.latestRaised`).
 *
 * @example
 * const summarize = sessionSummaries(conversations);
 * const summary = await summarize('s1', 'Can I talk to someone?');
 */
export function sessionSummaries(
  repo: ConversationRepository,
): (sessionId: string, latest: string, raised?: boolean) => Promise<string> {
  const firstQuestions = new FirstQuestions(repo);
  return async (sessionId, latest, raised = false) => {
    const [first, memories] = await Promise.all([
      firstQuestions.of(sessionId, []),
      repo.recentMemories(sessionId, SUMMARY_LIMITS),
    ]);
    return summarize(first, memories, latest, raised);
  };
}

/**
 * The customer's contact details as a session remembers them (name, e-mail, phone: the newest of
 * each), read from the same facts a turn loads, so that staff read what the assistant knows.
 *
 * @example
 * const contact = await sessionContact(conversations, 's1');
 * // { name: 'Ada', email: 'ada@example.org', phone: null }
 */
export async function sessionContact(
  repo: ConversationRepository,
  sessionId: string,
): Promise<Contact> {
  const memories = await repo.recentMemories(sessionId, { fact: MEMORY_LIMITS.fact });
  // Newest first as read; the facts are read oldest first.
  return contactOfLines(memories.map((m) => m.content).reverse());
}

/**
 * Consecutive replies, newest back, whose `found` is false. Replies that looked nothing up (to a
 * greeting, thanks, a yes) have no `found` and do not break the run. A reply that handed the
 * conversation to a person ends it, and is not counted itself: once staff have resolved that
 * ticket, only a fresh run of questions left unanswered hands it over again, not the next one
 * alone. It is read from the stored replies, so any instance counts the same.
 */
function unansweredStreak(messages: readonly TurnRecord[]): number {
  let streak = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role !== 'assistant') continue;
    if (message.escalated) break;
    if (message.found === undefined) continue;
    if (message.found === false) streak++;
    else break;
  }
  return streak;
}

/**
 * The `memory` tool: loads a session's context (recent messages, ranked memories, a running
 * summary) or stores memories. The session is the call's own: a call cannot reach another
 * session's memories.
 *
 * A store may carry the turn's outcome (the question, whether it was answered, from which page):
 * it is kept as a `summary` memory, from which a load that asks for the summary (the default)
 * writes it afresh; {@link sessionSummaries} writes it outside a load.
 *
 * A load reads the newest messages and the newest memories: two queries. The count of messages
 * is the last one's number (a session's messages are numbered 1, 2, 3… and never removed); the
 * customer's first message never changes once written, so it is read once per session and kept,
 * as are the content words of each memory.
 *
 * @example
 * tools.register(createMemoryTool(conversations, () => clock.now()));
 * await tools.call('memory', { action: 'load', message: 'Where is my refund?' }, { sessionId });
 */
export function createMemoryTool(repo: ConversationRepository, now: () => number = Date.now) {
  const firstQuestions = new FirstQuestions(repo);
  const termsCache = new BoundedCache<string, readonly string[]>(50_000);
  const termsOf: MemoryTerms = (content) => {
    let terms = termsCache.get(content);
    if (terms === undefined) {
      terms = contentTerms(content);
      termsCache.set(content, terms);
    }
    return terms;
  };

  return defineTool<typeof input, SessionContext | { stored: number }>({
    name: 'memory',
    description: "Loads or stores what is remembered of the customer's conversation.",
    input,
    timeoutMs: 2_000,
    async execute(args, { sessionId }) {
      if (sessionId === undefined) throw new TypeError('the memory tool needs a session');
      if (args.action === 'store') {
        const memories = args.outcome
          ? [
              ...args.memories,
              // Outcomes weigh little: they are read by the summary, not ranked for recall.
              { type: 'summary' as const, content: describeOutcome(args.outcome), importance: 0.2 },
            ]
          : args.memories;
        await repo.rememberAll(sessionId, memories);
        return { stored: memories.length };
      }
      // Only the kinds of memory asked for are read: facts and files always, notes of the
      // conversation and preferences to rank, outcomes for the summary.
      const ranked = args.memoryLimit > 0;
      const [messages, memories] = await Promise.all([
        repo.recentTurns(sessionId, Math.max(args.recentLimit, STREAK_LOOKBACK)),
        repo.recentMemories(
          sessionId,
          ranked ? MEMORY_LIMITS : args.summary ? SUMMARY_LIMITS : FACT_LIMITS,
        ),
      ]);
      const recent = messages.slice(Math.max(0, messages.length - args.recentLimit));
      // Only in the window of `recent`: one written before it answers nothing the model reads.
      const staff = args.summary
        ? (
            await repo.messages(sessionId, {
              afterSeq: (recent[0]?.seq ?? 1) - 1,
              role: 'staff',
            })
          )
            .slice(-MAX_STAFF_MESSAGES)
            .map(({ seq, text, author }) => ({ seq, text, ...(author ? { author } : {}) }))
        : undefined;
      const given: string[] = [];
      const files: string[] = [];
      for (let i = memories.length - 1; i >= 0; i--) {
        const memory = memories[i] as MemoryRecord;
        if (memory.type === 'fact') given.push(memory.content);
        if (memory.type === 'file') files.push(memory.content);
      }
      // A detail the customer corrected ("sorry, my email is actually …") is no longer theirs.
      const facts = currentFacts(given);
      const held = new Set(facts);
      return {
        recent: recent.map(({ role, text, seq }) => ({ role, text, seq })),
        memories: ranked
          ? rankMemories(
              memories.filter(
                (m) => m.type !== 'summary' && (m.type !== 'fact' || held.has(m.content)),
              ),
              args.message,
              now(),
              termsOf,
            )
              .slice(0, args.memoryLimit)
              .map(({ type, content, importance }) => ({ type, content, importance }))
          : [],
        facts,
        files,
        ...(staff ? { staff } : {}),
        ...(args.summary
          ? {
              summary: summarize(
                await firstQuestions.of(sessionId, messages),
                memories,
                args.message,
              ),
            }
          : {}),
        messageCount: messages.at(-1)?.seq ?? 0,
        unansweredStreak: unansweredStreak(messages),
      };
    },
  });
}
