import type { EscalationInfo, TurnEvent } from '../protocol/index.js';
import type { SessionContext } from '../tools/index.js';
import type { EscalationOutcome } from '../tools/escalation/index.js';
import type { Escalated } from './extractive-composer.js';
import { contactOf, type FactKind } from './facts/index.js';
import type { History } from './read-message.js';
import type { TurnCalls } from './turn-calls.js';

/** Whether a message is for a person, and the session's ticket. */
export interface Escalation {
  /** What the escalation policy said; `undefined` when the check failed. */
  outcome: EscalationOutcome | undefined;
  /** The escalation as the reply reports it. */
  info: EscalationInfo;
  /** The session's open ticket as the reply speaks of it (see {@link escalatedFor}). */
  escalated: Escalated | undefined;
}

/**
 * Asks the escalation policy whether the message is for a person; it opens the session's ticket
 * when it is.
 */
export async function decideEscalation(
  calls: TurnCalls,
  turn: EscalationCheck,
): Promise<Escalation> {
  const outcome = await checkEscalation(calls, turn);
  const info = escalationInfo(outcome);
  return { outcome, info, escalated: escalatedFor(outcome, info, turn.facts) };
}

/** What the escalation policy is told of a message. */
interface EscalationCheck {
  message: string;
  history: History;
  context: SessionContext | undefined;
  /** The help center had nothing on what the message asks. */
  noKnowledgeNow: boolean;
  /** The customer's facts, those known before the message (oldest first), then its own. */
  facts: ReadonlyArray<{ kind: FactKind; value: string }>;
}

async function checkEscalation(
  calls: TurnCalls,
  turn: EscalationCheck,
): Promise<EscalationOutcome | undefined> {
  const { context } = turn;
  calls.emit({ type: 'status', stage: 'escalation' });
  return calls.call<EscalationOutcome>('escalation', {
    message: turn.message,
    history: turn.history,
    noKnowledgeStreak: context?.unansweredStreak ?? 0,
    noKnowledgeNow: turn.noKnowledgeNow,
    ...(context?.summary ? { summary: context.summary } : {}),
    // Without the session's context the known details are missing: better none than a partial
    // contact that a ticket system would take for the whole.
    ...(context ? { contact: contactOf(turn.facts) } : {}),
  });
}

function escalationInfo(escalation: EscalationOutcome | undefined): EscalationInfo {
  // A failed check is not a reason to escalate: the turn goes on without one.
  return {
    escalate: escalation?.escalate ?? false,
    confidence: escalation?.confidence ?? 0,
    reasons: escalation?.reasons.map((r) => r.detail) ?? [],
    priority: escalation?.priority ?? 'low',
    category: escalation?.category ?? 'none',
    ...(escalation?.ticketId ? { ticketId: escalation.ticketId } : {}),
  };
}

/**
 * The session's ticket as the reply speaks of it; `undefined` when it has none open. While the
 * session's ticket is open or pending, every reply says a person will follow up and none offers
 * one again; a resolved or closed ticket is over. A message that reports harm or danger is first
 * told to call the emergency services; one that says someone was hurt is told that alone, with
 * the hand-over (see `extractiveReply`).
 */
function escalatedFor(
  escalation: EscalationOutcome | undefined,
  info: EscalationInfo,
  facts: ReadonlyArray<{ kind: string }>,
): Escalated | undefined {
  if (escalation?.ticketId === undefined || !escalation.ticketOpen) return undefined;
  return {
    ticketId: escalation.ticketId,
    // A vulnerable customer ("my husband passed away") is handed to the same team as a danger,
    // but told nothing of the emergency services: no one is in danger.
    ...(info.escalate && info.category === 'safety' && !escalation.vulnerable
      ? { safety: true }
      : {}),
    ...(info.escalate && info.category === 'safety' && escalation.harmed ? { harmed: true } : {}),
    // Handed over partly because the message reads as annoyed ("my stove arrived broken and I'm
    // really annoyed, this is the second time"): the reply says sorry, as to an angry one.
    ...(info.escalate && escalation.reasons.some((r) => r.signal === 'negative_sentiment')
      ? { upset: true }
      : {}),
    // Opened now, with no e-mail address or phone number to follow up by: ask for one.
    ...(escalation.ticketCreated && !facts.some((f) => f.kind === 'email' || f.kind === 'phone')
      ? { askContact: true }
      : {}),
  };
}

/**
 * The `escalation` event of a turn, as it runs and as a replay sends it: the same fields as the
 * reply's `escalation`. Whether the session has a ticket (opened now or before) is `ticketId`;
 * `escalate` is this message's own verdict.
 */
export function escalationEvent(info: EscalationInfo): Extract<TurnEvent, { type: 'escalation' }> {
  return { type: 'escalation', ...info };
}
