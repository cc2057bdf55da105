import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../../telemetry/index.js';
import type { ConversationRepository, TicketRecord } from '../../store/index.js';
import { defineTool } from '../define-tool.js';
import { EarlierMessages, evaluateEscalation, type EscalationDecision } from './policy/index.js';

const input = z.object({
  message: z.string().max(100_000),
  history: z.array(z.object({ role: z.enum(['user', 'assistant']), text: z.string() })).max(200),
  noKnowledgeStreak: z.number().int().min(0),
  noKnowledgeNow: z.boolean(),
  /** The conversation's running summary, for the person who takes the ticket. */
  summary: z.string().max(4_000).optional(),
  /**
   * How to reach the customer: the newest details they gave, this message's included. Sent with
   * the ticket's events, for the person who follows up; left out when the turn could not read
   * them (the admin API reads them live). Never logged.
   */
  contact: z
    .object({
      name: z.string().max(2_000).nullable(),
      email: z.string().max(2_000).nullable(),
      phone: z.string().max(2_000).nullable(),
    })
    .optional(),
});

type Contact = NonNullable<z.infer<typeof input>['contact']>;

/** The escalation check's answer: the policy's decision and the session's ticket, if any. */
export interface EscalationOutcome extends EscalationDecision {
  ticketId?: string;
  /** True on the turn that opened the ticket. */
  ticketCreated: boolean;
  /**
   * True while the session's ticket is being worked on (open or pending, as this message left
   * it: a reopened ticket is open): a person will follow up, so none is to be offered again.
   */
  ticketOpen: boolean;
}

/**
 * The `escalation` tool: applies the escalation policy to the new message and, when it says so,
 * opens the session's ticket — once per session, however many escalating messages follow — with
 * its event queued for the webhook in the same transaction. The ticket's summary is the
 * conversation's (main issue, what was answered or not, the customer's details, the latest
 * request), as `summarize` writes it for the ticket, else as the turn gives it, else the first
 * question. Once a
 * session has a ticket, each later message is queued as an update of it; the conversation is
 * never blocked. Each event carries the customer's contact details as the turn gives them
 * (`contact`), so that one given after the ticket was opened reaches the ticket system too.
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
    summarize?: (sessionId: string, latest: string, raised: boolean) => Promise<string>;
  },
) {
  // The customer's last messages are read again on every turn: what was read of them is kept.
  const earlierMessages = new EarlierMessages();

  /**
   * A message in a session that has a ticket. A new escalation reopens a ticket that was
   * resolved or closed (the customer is told a person follows up, and that must be so again),
   * and raises its priority and category when it is more serious than before (a chargeback
   * after a plain request for a person), or moves it to `safety` when a safety incident is
   * reported in it (the people who handle those must see it, whatever the ticket's priority);
   * either goes out as `ticket.updated` with the message. Any other message goes out as
   * `ticket.message_added`.
   */
  async function followUp(
    existing: TicketRecord,
    decision: EscalationDecision,
    message: string,
    sessionId: string,
    log: Logger,
    contact: Contact | undefined,
  ): Promise<EscalationOutcome> {
    // A detail given after the ticket was opened ("my e-mail is …") reaches the ticket system
    // with the message that gave it.
    const reach = contact ? { contact } : {};
    const reopen = decision.escalate && CLOSED.has(existing.status);
    const current = existing.priority as Priority;
    const priority = RANK[decision.priority] > (RANK[current] ?? 0) ? decision.priority : current;
    const raise =
      decision.escalate &&
      (priority !== current || (decision.category === 'safety' && existing.category !== 'safety'));
    if (reopen || raise) {
      const reasons = decision.reasons.map((r) => r.detail);
      const changed = await repo.updateTicket(
        existing.id,
        {
          ...(reopen ? { status: 'open' as const } : {}),
          ...(raise ? { priority, category: decision.category } : {}),
          reasons: [...new Set([...existing.reasons, ...reasons])],
        },
        options.notify
          ? (after, before) => ({
              topic: 'ticket.updated',
              payload: {
                ticket: after,
                from: {
                  status: before.status,
                  priority: before.priority,
                  category: before.category,
                },
                sessionId,
                message,
                ...reach,
              },
            })
          : undefined,
      );
      log.info(
        {
          ticketId: existing.id,
          status: changed?.ticket.status,
          priority: changed?.ticket.priority,
          category: changed?.ticket.category,
          reasons,
        },
        reopen && raise
          ? 'ticket reopened and raised'
          : reopen
            ? 'ticket reopened'
            : 'ticket raised',
      );
    } else if (options.notify) {
      await repo.enqueue({
        topic: 'ticket.message_added',
        payload: { ticketId: existing.id, sessionId, message, ...reach },
      });
    }
    return {
      ...decision,
      ticketId: existing.id,
      ticketCreated: false,
      ticketOpen: reopen || !CLOSED.has(existing.status),
    };
  }

  return defineTool<typeof input, EscalationOutcome>({
    name: 'escalation',
    description: 'Decides whether a person should take over the conversation, and opens a ticket.',
    input,
    timeoutMs: 5_000,
    async execute(args, context) {
      const { sessionId, log } = context;
      if (sessionId === undefined) throw new TypeError('escalation needs a session');
      const decision = evaluateEscalation(args, { threshold: options.threshold, earlierMessages });
      const existing = await repo.ticketOf(sessionId);
      if (existing) {
        // What follows writes to the ticket and its outbox; a write that outlasts the time limit
        // still lands, and a second attempt would send the message to the ticket system again.
        context.noRetry?.();
        return followUp(existing, decision, args.message, sessionId, log, args.contact);
      }
      if (!decision.escalate) return { ...decision, ticketCreated: false, ticketOpen: false };
      const firstQuestion = args.history.find((t) => t.role === 'user')?.text ?? args.message;
      // Written for the ticket: a message that opens it by a matter of its own (a fire, a legal
      // threat) is its main issue, not the question asked before it.
      const raised = RAISED_BY_MESSAGE.has(decision.category);
      const summary = (await options.summarize?.(sessionId, args.message, raised)) || args.summary;
      const ticket = {
        id: newTicketId(),
        sessionId,
        priority: decision.priority,
        category: decision.category,
        summary: `${decision.category.replace('_', ' ')}: ${summary || firstQuestion.slice(0, 200)}`,
        reasons: decision.reasons.map((r) => r.detail),
      };
      const transcript = await transcriptOf(repo, sessionId, args);
      // Once the ticket may be open, a second attempt would find it and send the message again.
      context.noRetry?.();
      const { ticket: stored, created } = await repo.openTicket(
        ticket,
        options.notify
          ? {
              topic: 'ticket.created',
              payload: {
                ticket: { ...ticket, status: 'open' },
                ...(args.contact ? { contact: args.contact } : {}),
                transcript,
              },
            }
          : undefined,
      );
      // The operator's record of every hand-over: which ticket, how urgent, and why.
      if (created) {
        log.info(
          {
            ticketId: stored.id,
            priority: stored.priority,
            category: stored.category,
            reasons: ticket.reasons,
          },
          'ticket opened',
        );
      }
      return {
        ...decision,
        ticketId: stored.id,
        ticketCreated: created,
        ticketOpen: !CLOSED.has(stored.status),
      };
    },
  });
}

type Priority = EscalationDecision['priority'];
const RANK: Readonly<Record<Priority, number>> = { low: 0, normal: 1, high: 2, urgent: 3 };
/** Statuses of a ticket that no one is working on any more. */
const CLOSED = new Set<TicketRecord['status']>(['resolved', 'closed']);

/**
 * Categories of a ticket opened by what its message tells (a danger, a legal threat, an urgent
 * loss, a grievance), not by a wish for a person or by questions left unanswered: that message
 * is the ticket's main issue.
 */
const RAISED_BY_MESSAGE = new Set<EscalationDecision['category']>([
  'safety',
  'legal',
  'urgent',
  'complaint',
]);

/**
 * A ticket's id, as a customer reads it out: `T-` and 12 hex digits in groups of four. 48 random
 * bits: at a million tickets the chance that two ever got the same id is about 0.2%.
 */
function newTicketId(): string {
  const hex = randomBytes(6).toString('hex').toUpperCase();
  return `T-${hex.slice(0, 4)}-${hex.slice(4, 8)}-${hex.slice(8)}`;
}

/** Most messages a ticket's transcript carries: the last ones of a longer conversation. */
const TRANSCRIPT_LIMIT = 200;

/**
 * The conversation for the person who takes the ticket: every stored message of the session
 * (the turn's own history is only its last few), the new message last.
 */
async function transcriptOf(
  repo: ConversationRepository,
  sessionId: string,
  args: { message: string; history: ReadonlyArray<{ role: string; text: string }> },
): Promise<Array<{ role: string; text: string; author?: string }>> {
  const stored = await repo.recentMessages(sessionId, TRANSCRIPT_LIMIT);
  const transcript =
    stored.length > 0
      ? stored.map(({ role, text, author }) => (author ? { role, text, author } : { role, text }))
      : [...args.history];
  const last = transcript.at(-1);
  if (!(last?.role === 'user' && last.text === args.message)) {
    transcript.push({ role: 'user', text: args.message });
  }
  return transcript;
}
