/**
 * The session an outbox message is about, read from its payload: its `sessionId`, or that of
 * the `ticket` it carries — the shapes escalation and the admin API queue. Null when it names
 * none. Stored with the message, so that erasing a session finds its messages by an index
 * rather than by reading every payload.
 */
export function outboxSessionOf(payload: unknown): string | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const { sessionId, ticket } = payload as { sessionId?: unknown; ticket?: unknown };
  if (typeof sessionId === 'string') return sessionId;
  if (typeof ticket !== 'object' || ticket === null) return null;
  const owner = (ticket as { sessionId?: unknown }).sessionId;
  return typeof owner === 'string' ? owner : null;
}
