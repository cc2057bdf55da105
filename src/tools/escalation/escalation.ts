import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ConversationRepository } from '../../store/index.js';
import { defineTool } from '../define-tool.js';
import { EarlierMessages, evaluateEscalation, type EscalationDecision } from './policy/index.js';

const input = z.object({
  message: z.string().max(100_000),
  history: z.array(z.object({ role: z.enum(['user', 'assistant']), text: z.string() })).max(200),
  noKnowledgeStreak: z.number().int().min(0),
  noKnowledgeNow: z.boolean(),
  /** The conversation's running summary, for the person who takes the ticket. */
  summary: z.string().max(4_000).optional(),
});

/** The escalation check's answer: the policy's decision and the session's ticket, if any. */
export interface EscalationOutcome extends EscalationDecision {
  ticketId?: string;
  /** True on the turn that opened the ticket. */
  ticketCreated: boolean;
}

/**
 * The `escalation` tool: applies the escalation policy to the new message and, when it says so,
 * opens the session's ticket — once per session, however many escalating messages follow — with
 * its event queued for the webhook in the same transaction. The ticket's summary is the
 * conversation's (main issue, what was answered or not, the customer's details, the latest
 * request), as the turn gives it or as `summarize` writes it, else the first question. Once a
 * session has a ticket, each later message is queued as an update of it; the conversation is
 * never blocked.
 */
export function createEscalationTool(
  repo: ConversationRepository,
  options: {
    threshold: number;
    /**
     * Whether tickets and their updates are queued for delivery (a webhook is configured).
     * Without one nothing is queued: no event would ever leave the outbox.
     */
    notify: boolean;
    /**
     * Writes the conversation's summary for a ticket the turn gave none for (see
     * `sessionSummaries`): it is read only when a ticket is opened.
     */
    summarize?: (sessionId: string, latest: string) => Promise<string>;
  },
) {
  // The customer's last messages are read again on every turn: what was read of them is kept.
  const earlierMessages = new EarlierMessages();
  return defineTool<typeof input, EscalationOutcome>({
    name: 'escalation',
    description: 'Decides whether a person should take over the conversation, and opens a ticket.',
    input,
    timeoutMs: 5_000,
    async execute(args, { sessionId }) {
      if (sessionId === undefined) throw new TypeError('escalation needs a session');
      const decision = evaluateEscalation(args, { threshold: options.threshold, earlierMessages });
      const existing = await repo.ticketOf(sessionId);
      if (existing) {
        if (options.notify) {
          await repo.enqueue({
            topic: 'ticket.message_added',
            payload: { ticketId: existing.id, sessionId, message: args.message },
          });
        }
        return { ...decision, ticketId: existing.id, ticketCreated: false };
      }
      if (!decision.escalate) return { ...decision, ticketCreated: false };
      const reasons = decision.reasons.map((r) => r.detail);
      const firstQuestion = args.history.find((t) => t.role === 'user')?.text ?? args.message;
      const summary = args.summary || (await options.summarize?.(sessionId, args.message));
      const ticket = {
        id: `T-${randomUUID().slice(0, 8).toUpperCase()}`,
        sessionId,
        priority: decision.priority,
        category: decision.category,
        summary: `${decision.category.replace('_', ' ')}: ${summary || firstQuestion.slice(0, 200)}`,
        reasons,
      };
      const transcript = [...args.history, { role: 'user', text: args.message }];
      const { ticket: stored, created } = await repo.openTicket(
        ticket,
        options.notify
          ? {
              topic: 'ticket.created',
              payload: { ticket: { ...ticket, status: 'open' }, transcript },
            }
          : undefined,
      );
      return { ...decision, ticketId: stored.id, ticketCreated: created };
    },
  });
}
