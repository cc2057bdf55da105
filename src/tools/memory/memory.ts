import { z } from 'zod';
import { queryTerms } from '../../rag/search/query-terms.js';
import type { ConversationRepository, MemoryRecord, MessageRecord } from '../../store/index.js';
import { defineTool } from '../define-tool.js';

/** The context of a turn: the recent conversation and what is remembered of the session. */
export interface SessionContext {
  recent: Array<Pick<MessageRecord, 'role' | 'text' | 'seq'>>;
  /** Memories ranked by importance, recency and relevance to the message, best first. */
  memories: Array<Pick<MemoryRecord, 'type' | 'content' | 'importance'>>;
  /** A running summary of the conversation so far. */
  summary: string;
  messageCount: number;
}

const load = z.object({
  action: z.literal('load'),
  message: z.string().max(100_000),
  recentLimit: z.number().int().min(0).max(50).default(8),
  memoryLimit: z.number().int().min(0).max(50).default(6),
});
const store = z.object({
  action: z.literal('store'),
  memories: z
    .array(
      z.object({
        type: z.enum(['context', 'fact', 'preference', 'summary']),
        content: z.string().min(1).max(2_000),
        importance: z.number().min(0).max(1),
      }),
    )
    .max(50),
});
const input = z.discriminatedUnion('action', [load, store]);

/** Ranks memories: importance first, then how recent, then how much they share with the message. */
export function rankMemories(
  memories: readonly MemoryRecord[],
  message: string,
  now: number,
): MemoryRecord[] {
  const asked = new Set(queryTerms(message).contentTerms);
  const score = (m: MemoryRecord) => {
    const ageDays = Math.max(0, (now - Date.parse(m.createdAt)) / 86_400_000);
    const recency = 1 / (1 + ageDays);
    const shared = queryTerms(m.content).contentTerms.filter((t) => asked.has(t)).length;
    const relevance = asked.size === 0 ? 0 : Math.min(1, shared / asked.size);
    return 0.5 * m.importance + 0.2 * recency + 0.3 * relevance;
  };
  return [...memories].sort((a, b) => score(b) - score(a));
}

function summarize(messages: readonly MessageRecord[], memories: readonly MemoryRecord[]): string {
  const firstQuestion = messages.find((m) => m.role === 'user')?.text;
  const facts = memories.filter((m) => m.type === 'fact').map((m) => m.content);
  const parts: string[] = [];
  if (firstQuestion) parts.push(`The customer first asked: "${firstQuestion.slice(0, 200)}".`);
  if (facts.length > 0) parts.push(`Known: ${facts.slice(0, 5).join('; ')}.`);
  return parts.join(' ');
}

/**
 * The `memory` tool: loads a session's context (recent messages, ranked memories, a running
 * summary) or stores memories. The session is the call's own: a call cannot reach another
 * session's memories.
 */
export function createMemoryTool(repo: ConversationRepository, now: () => number = Date.now) {
  return defineTool<typeof input, SessionContext | { stored: number }>({
    name: 'memory',
    description: "Loads or stores what is remembered of the customer's conversation.",
    input,
    timeoutMs: 2_000,
    async execute(args, { sessionId }) {
      if (sessionId === undefined) throw new TypeError('the memory tool needs a session');
      if (args.action === 'store') {
        for (const memory of args.memories) await repo.remember({ ...memory, sessionId });
        return { stored: args.memories.length };
      }
      const [recent, memories, messageCount, first] = await Promise.all([
        repo.recentMessages(sessionId, args.recentLimit),
        repo.memories(sessionId, { limit: 200 }),
        repo.countMessages(sessionId),
        repo.messages(sessionId, { limit: 1 }),
      ]);
      return {
        recent: recent.map(({ role, text, seq }) => ({ role, text, seq })),
        memories: rankMemories(memories, args.message, now())
          .slice(0, args.memoryLimit)
          .map(({ type, content, importance }) => ({ type, content, importance })),
        summary: summarize([...first, ...recent], memories),
        messageCount,
      };
    },
  });
}
