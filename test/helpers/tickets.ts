/** A ticket of `sessionId` as escalation opens it, for tests of the outbox and its delivery. */
export function ticketToOpen(id: string, sessionId: string) {
  return {
    id,
    sessionId,
    priority: 'high',
    category: 'human_request',
    summary: 'Wants a person',
    reasons: ['asked for a person'],
  };
}
