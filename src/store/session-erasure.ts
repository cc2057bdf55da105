import type { ConversationRepository, SessionErasure } from './conversation-repository.js';
import type { KnowledgeRepository } from './knowledge-repository.js';

/** What one session's data lives in. */
export interface SessionRepositories {
  conversations: ConversationRepository;
  knowledge: KnowledgeRepository;
}

/** Everything deleted of one session: its conversation, and its attachments' passages. */
export interface ErasedSession extends SessionErasure {
  /** Attachment documents deleted. */
  documents: number;
  /** Their passages (chunks) deleted. */
  chunks: number;
}

/** The knowledge-base scope of a session's attachments. */
export function sessionScope(sessionId: string): string {
  return `session:${sessionId}`;
}

/**
 * Erases what is stored of one session: its attachments (every document of its scope), then
 * its conversation (see `ConversationRepository.eraseSession`), each in one transaction.
 *
 * Attachments go first so that a failure between the two leaves a session that is found again
 * (by the admin, by the next sweep, which erases the rest), never attachments that nothing
 * leads to any more. With `idleBefore` (a retention sweep), the conversation is kept, and null
 * returned, when it became active since it was listed; its attachments are gone by then. The
 * app's sweep holds the lock of a live session (no message can come to one that is not), so
 * only staff reopening its ticket in that very instant can make that happen.
 *
 * @example
 * const erased = await eraseSessionData({ conversations, knowledge }, sessionId);
 */
export async function eraseSessionData(
  repositories: SessionRepositories,
  sessionId: string,
  options: { idleBefore?: string } = {},
): Promise<ErasedSession | null> {
  const attachments = await repositories.knowledge.deleteScope(sessionScope(sessionId));
  const conversation = await repositories.conversations.eraseSession(sessionId, options);
  return conversation === null ? null : { ...conversation, ...attachments };
}

/** True when an erasure found anything to delete. */
export function erasedAnything(erased: ErasedSession): boolean {
  return Object.values(erased).some((count) => count > 0);
}

/** Options of {@link sweepIdleSessions}. */
export interface IdleSweepOptions extends SessionRepositories {
  /** Sessions whose last message is older than this (ISO time) are erased. */
  before: string;
  /** Sessions listed at a time. */
  batchSize?: number;
  /**
   * Erases one listed session; true when it did. By default {@link eraseSessionData} with
   * `idleBefore: before`; the app's also takes the session's lock and removes the live session.
   */
  erase?: (sessionId: string) => Promise<boolean>;
  /** Stops the sweep between two sessions (the app is closing). */
  signal?: AbortSignal;
}

/** Sessions a sweep lists, and then erases one by one, at a time. */
const SWEEP_BATCH = 100;

/**
 * Erases the sessions whose retention period is over (see
 * `ConversationRepository.idleSessions`), the longest idle first, and returns how many it
 * erased. A batch at a time, each session in transactions of its own, with the event loop let
 * go of between two sessions: however much is due, no transaction is longer than one session's,
 * and requests are served all along. A session left as it was (it became active meanwhile) is
 * not listed again; a batch in which none was erased ends the sweep, so it always ends.
 *
 * @example
 * const erased = await sweepIdleSessions({ conversations, knowledge, before: cutoff });
 */
export async function sweepIdleSessions(options: IdleSweepOptions): Promise<number> {
  const { conversations, before, signal } = options;
  const batchSize = options.batchSize ?? SWEEP_BATCH;
  const erase =
    options.erase ??
    (async (id: string) => (await eraseSessionData(options, id, { idleBefore: before })) !== null);
  let erased = 0;
  for (;;) {
    signal?.throwIfAborted();
    const batch = await conversations.idleSessions(before, batchSize);
    let progressed = false;
    for (const sessionId of batch) {
      signal?.throwIfAborted();
      if (await erase(sessionId)) {
        erased++;
        progressed = true;
      }
      // SQLite writes hold the event loop while they run: requests get their turn in between.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (batch.length < batchSize || !progressed) return erased;
  }
}
