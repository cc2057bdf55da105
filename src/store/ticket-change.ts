import type { OutboxEvent, TicketChange, TicketRecord } from './conversation-repository.js';

/**
 * The ticket after `change`, updated at `now`; undefined when the change changes nothing (the
 * same status, priority, category, reasons and assignee), so that nothing is written and no event sent.
 */
export function changedTicket(
  before: TicketRecord,
  change: TicketChange,
  now: string,
): TicketRecord | undefined {
  const after: TicketRecord = {
    ...before,
    status: change.status ?? before.status,
    priority: change.priority ?? before.priority,
    category: change.category ?? before.category,
    reasons: change.reasons ?? before.reasons,
    // Null is a value here (no one), not a field left out. A name is stored composed (NFC), so
    // that "José" typed with a combining accent is the same person as "José" typed with one key.
    assignee:
      change.assignee === undefined
        ? before.assignee
        : change.assignee === null
          ? null
          : change.assignee.normalize('NFC'),
  };
  const same =
    after.status === before.status &&
    after.priority === before.priority &&
    after.category === before.category &&
    after.assignee === before.assignee &&
    after.reasons.length === before.reasons.length &&
    after.reasons.every((reason, i) => reason === before.reasons[i]);
  return same ? undefined : { ...after, updatedAt: now };
}

/** The outbox messages a ticket's change queues, in their order: none, one, or several. */
export function outboxEventsOf(
  events: OutboxEvent | readonly OutboxEvent[] | undefined,
): readonly OutboxEvent[] {
  if (events === undefined) return [];
  return isEventList(events) ? events : [events];
}

// `Array.isArray` does not narrow a readonly array out of a union.
function isEventList(
  events: OutboxEvent | readonly OutboxEvent[],
): events is readonly OutboxEvent[] {
  return Array.isArray(events);
}
