/** A stored message of a conversation. */
export interface MessageRecord {
  id: string;
  sessionId: string;
  /** 1, 2, 3… within the session: the order of the conversation. */
  seq: number;
  /**
   * The customer's, the agent's reply, or a person on the staff writing into the conversation
   * (see {@link ConversationRepository.recentTurns}, which leaves those out).
   */
  role: 'user' | 'assistant' | 'staff';
  text: string;
  /**
   * The name a person on the staff gave for a `staff` message (1 to 80 characters of plain
   * text), shown to the customer with it; absent when they gave none, and for every other
   * message.
   */
  author?: string;
  turnId: string;
  requestId: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
}

/**
 * A message as a turn reads its conversation back: no metadata to parse, but whether a reply
 * was answered from the knowledge base.
 */
export interface TurnRecord {
  seq: number;
  role: 'user' | 'assistant';
  text: string;
  /** The message's `metadata.found`, when that is a boolean. */
  found?: boolean;
  /**
   * True for a reply that handed the conversation to a person (its `metadata.escalation.escalate`
   * is true); absent otherwise. What the escalation counts runs of unanswered questions from.
   */
  escalated?: true;
}

/** A memory of a session. */
export interface MemoryRecord {
  id: string;
  sessionId: string;
  /**
   * `fact`: a detail the customer gave ("Order number: 4417"); `file`: a file they attached,
   * read into the session's search scope ("Attached file: invoice.pdf (message 3)"), kept apart
   * so that files are never taken for what the customer said, nor push their details out of a
   * read of the newest; `context`, `preference`; `summary`: a turn's outcome, for the summary.
   */
  type: 'context' | 'fact' | 'file' | 'preference' | 'summary';
  content: string;
  importance: number;
  createdAt: string;
}

/** How many memories of each type to read; a type not named is not read. */
export type MemoryLimits = Partial<Record<MemoryRecord['type'], number>>;

/** The types of memory, in the order their reads are written (one statement per set of types). */
export const MEMORY_TYPES: ReadonlyArray<MemoryRecord['type']> = [
  'context',
  'fact',
  'file',
  'preference',
  'summary',
];

/** A ticket for a person to follow up a session. */
export interface TicketRecord {
  id: string;
  sessionId: string;
  status: 'open' | 'pending' | 'resolved' | 'closed';
  priority: string;
  category: string;
  summary: string;
  reasons: string[];
  /** The person on the staff the ticket is given to (a name or an e-mail), null for no one. */
  assignee: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * What {@link ConversationRepository.updateTicket} may change of a ticket: a field left out is
 * kept; `assignee: null` gives the ticket back to no one.
 */
export type TicketChange = Partial<
  Pick<TicketRecord, 'status' | 'priority' | 'category' | 'reasons' | 'assignee'>
>;

/** A message to deliver to the outside world (a webhook), at least once. */
export interface OutboxRecord {
  /** Also the delivery id the receiver sees: stable across retries. */
  id: string;
  topic: string;
  payload: unknown;
  /**
   * The session it is about (see {@link ConversationRepository.enqueue}), whose later messages
   * wait for it; null for one that names none.
   */
  sessionId: string | null;
  createdAt: string;
  attempts: number;
  nextAttemptAt: string;
  deliveredAt: string | null;
  lastError: string | null;
  /** When an operator gave up on it (see {@link ConversationRepository.skipOutbox}), or null. */
  skippedAt: string | null;
}

/**
 * A message that holds its session back: the first undelivered one of the session, refused at
 * least once, so that none of the session's later messages goes out until it is accepted.
 */
export interface HeldOutboxMessage {
  id: string;
  topic: string;
  sessionId: string;
  createdAt: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string;
  /** The session's later messages waiting behind it. */
  waiting: number;
}

/** What is waiting in the outbox: how much, since when, and why the last try failed. */
export interface OutboxBacklog {
  /** Messages not delivered yet (and not skipped). */
  undelivered: number;
  /** Of those, the ones tried at least once and refused (they wait for their next try). */
  failing: number;
  /** When the oldest undelivered message was queued (ISO time), or null when there is none. */
  oldestCreatedAt: string | null;
  /** The error of the undelivered message tried last, or null. */
  lastError: string | null;
  /** Sessions held back by a refused message (see {@link HeldOutboxMessage}). */
  heldSessions: number;
  /** The messages that hold them, the oldest first, {@link HELD_LISTED} at most. */
  heldBy: HeldOutboxMessage[];
}

/** How many of the messages that hold sessions back {@link OutboxBacklog} lists. */
export const HELD_LISTED = 20;

/** A session as the admin console lists it: the span and size of its conversation. */
export interface SessionSummary {
  sessionId: string;
  messageCount: number;
  firstMessageAt: string;
  lastMessageAt: string;
}

/**
 * Where a page of {@link ConversationRepository.sessions} starts: right after this session, in
 * the list's order (latest activity first; of sessions last active at the same moment, the
 * greater id first). Sessions often share a `lastMessageAt` (their messages were stored at the
 * same millisecond), so the time alone cannot say where a page ended: the id breaks the tie.
 * Without `sessionId`, the page starts at the sessions last active strictly before
 * `lastMessageAt` (what a time alone can say: those sharing its moment are left out).
 */
export interface SessionCursor {
  /** ISO time, in any offset; compared at the millisecond, the precision times are stored at. */
  lastMessageAt: string;
  sessionId?: string;
}

/**
 * What {@link ConversationRepository.eraseSession} deleted of one session, table by table.
 */
export interface SessionErasure {
  messages: number;
  memories: number;
  /** 1 when the session had a ticket, else 0. */
  tickets: number;
  /** Webhook messages about the session, delivered or not. */
  outbox: number;
  idempotencyKeys: number;
}

/**
 * Which tickets {@link ConversationRepository.tickets} lists: those that match every field given
 * (a field left out matches any ticket).
 */
export interface TicketFilter {
  status?: TicketRecord['status'];
  priority?: TicketRecord['priority'];
  category?: TicketRecord['category'];
  /**
   * The tickets given to this person, compared without regard to letter case ("Bob@Corp.example"
   * finds "bob@corp.example", "JOSÉ" finds "josé") and composed (NFC), as names are stored: "José"
   * with a combining accent finds "José" typed with one key. `null`: the tickets given to no one.
   */
  assignee?: string | null;
}

/**
 * Where a page of {@link ConversationRepository.tickets} starts: right after this ticket, in the
 * list's order (newest first; of tickets opened at the same moment, the greater id first, ids
 * compared byte by byte). Tickets opened since a page was read are newer than its last ticket,
 * so the next page read from it neither repeats a ticket nor skips one, as an offset would.
 */
export interface TicketCursor {
  /** UTC ISO time with milliseconds, as `createdAt` is stored. */
  createdAt: string;
  id: string;
}

/** A page of tickets, and how many there are in all (with the same filter). */
export interface TicketPage {
  items: TicketRecord[];
  total: number;
}

/**
 * What claiming an `Idempotency-Key` found: `claimed` — this request is the first and must run;
 * `in_progress` — an earlier request with this key is still running; `completed` — it ran, and
 * this is the response it gave; `mismatch` — the key was used for a different request.
 */
export type IdempotencyClaim =
  | { state: 'claimed' }
  | { state: 'in_progress' }
  | { state: 'completed'; response: unknown }
  | { state: 'mismatch' };

/** What {@link ConversationRepository.peekIdempotencyKey} found under a key. */
export type IdempotencyKeyState = 'absent' | 'in_progress' | 'completed';

/**
 * Which requests an `Idempotency-Key` is one of: `message`, a customer's message (over HTTP or
 * the WebSocket, the same message either way); `staff_message`, a message the staff write to the
 * customer. A key is a key of its session and its scope: the same key in another scope, or in
 * another session, is another key.
 */
export type IdempotencyScope = 'message' | 'staff_message';

/** A message to queue in the outbox: its topic, and its payload as JSON. */
export interface OutboxEvent {
  topic: string;
  payload: unknown;
}

/**
 * Persistence of conversations: messages, memories, tickets and the outbox. One implementation
 * per database, held to the same behaviour by a contract suite.
 */
export interface ConversationRepository {
  /** Appends a message with the session's next sequence number, atomically. */
  appendMessage(
    message: Omit<MessageRecord, 'seq' | 'createdAt'> & { createdAt?: string },
  ): Promise<MessageRecord>;
  /** The last `limit` messages of a session, oldest first. */
  recentMessages(sessionId: string, limit: number): Promise<MessageRecord[]>;
  /**
   * The last `limit` messages between the customer and the agent as {@link TurnRecord}s, oldest
   * first. The staff's messages are left out: a turn reads the agent's own conversation (its
   * runs of unanswered questions, its last reply), which a person writing in does not answer for.
   */
  recentTurns(sessionId: string, limit: number): Promise<TurnRecord[]>;
  /**
   * Every message of a session, oldest first, from `afterSeq` on; with `role`, those of that
   * role only (`role: 'user', limit: 1` is the customer's first message, whoever wrote before).
   */
  messages(
    sessionId: string,
    options?: { afterSeq?: number; limit?: number; role?: MessageRecord['role'] },
  ): Promise<MessageRecord[]>;
  /**
   * How many messages of a session are stored (replies included; 0 for none): the count kept
   * with every append and removed with the session, so that reading it reads no message.
   */
  countMessages(sessionId: string): Promise<number>;

  /** Stores a memory; the same content of the same type is stored once (its importance kept at the highest). */
  remember(memory: Omit<MemoryRecord, 'id' | 'createdAt'> & { createdAt?: string }): Promise<void>;
  /**
   * Stores a session's memories together, in order, all or none: as many calls of
   * {@link remember} would, in one transaction (one commit instead of one per memory).
   */
  rememberAll(
    sessionId: string,
    memories: ReadonlyArray<
      Omit<MemoryRecord, 'id' | 'createdAt' | 'sessionId'> & { createdAt?: string }
    >,
  ): Promise<void>;
  memories(
    sessionId: string,
    options?: { type?: MemoryRecord['type']; limit?: number },
  ): Promise<MemoryRecord[]>;
  /**
   * The newest memories of a session, a number per type: for each type in `limits`, its newest
   * `limits[type]` (types not named are not read), all of them newest first. What a turn reads:
   * its cost stays the same however long the conversation grows.
   */
  recentMemories(sessionId: string, limits: MemoryLimits): Promise<MemoryRecord[]>;
  /** Removes memories created before `before` (ISO time); returns how many. */
  forgetBefore(before: string): Promise<number>;

  /**
   * The session's ticket, creating it when there is none, and queuing `event` in the outbox in
   * the same transaction. Idempotent: a second call returns the existing ticket and queues nothing.
   */
  openTicket(
    ticket: Omit<TicketRecord, 'createdAt' | 'updatedAt' | 'status' | 'assignee'>,
    event?: { topic: string; payload: unknown },
  ): Promise<{ ticket: TicketRecord; created: boolean }>;
  ticketOf(sessionId: string): Promise<TicketRecord | null>;
  ticket(id: string): Promise<TicketRecord | null>;
  /**
   * Tickets, newest first (of those opened at the same moment, the greater id first), those
   * matching the filter only (all of them without one). `before` pages on: only the tickets after
   * it in that order are listed; `offset` skips that many of them. `total` counts the filtered
   * list, whatever the page.
   */
  tickets(
    options: TicketFilter & { limit: number; offset?: number; before?: TicketCursor },
  ): Promise<TicketPage>;
  /**
   * Changes a ticket, and queues `event(after, before)` in the outbox in the same transaction
   * when something changed: one message, or several, queued in their order (one change of a
   * ticket may be news to receivers of several topics). A change that changes nothing writes
   * nothing: `updatedAt` stays and no event is queued. Null when there is no such ticket.
   */
  updateTicket(
    id: string,
    change: TicketChange,
    event?: (after: TicketRecord, before: TicketRecord) => OutboxEvent | readonly OutboxEvent[],
  ): Promise<{ ticket: TicketRecord; changed: boolean } | null>;

  /**
   * Sessions that have messages, the most recently active first (ties by id, the greater
   * first). `before` pages on: only the sessions after it in that order are listed, so that
   * paging with the last session of each page lists every session once. A session with no
   * message yet is not here: it exists only in the session store.
   */
  sessions(options: { limit: number; before?: SessionCursor }): Promise<SessionSummary[]>;

  /**
   * Sessions a retention period is over for: their last message is older than `before` (ISO
   * time), and they have no ticket that is `open` or `pending` (a person is working on it).
   * The longest idle first, at most `limit`: a sweep erases them a batch at a time.
   */
  idleSessions(before: string, limit: number): Promise<string[]>;
  /**
   * Deletes everything stored of one session, in one transaction: its messages (and the row
   * that counts them, so that a later message of the same id starts again at 1), memories,
   * idempotency keys, its ticket, and every outbox message about it — undelivered ones are
   * never sent (nothing of a customer who asked to be forgotten leaves afterwards), delivered
   * ones were copies kept for looking into. What a webhook receiver already got is its own to
   * erase. A session's attachments are the knowledge base's: see `KnowledgeRepository.deleteScope`.
   *
   * With `idleBefore` (ISO time), for a retention sweep: the session is erased only if, inside
   * that transaction, it still has no message at or after `idleBefore` and no `open` or
   * `pending` ticket; otherwise nothing is deleted and the answer is null.
   */
  eraseSession(
    sessionId: string,
    options?: { idleBefore?: string },
  ): Promise<SessionErasure | null>;

  /**
   * Claims an `Idempotency-Key` of a session for the request with this `fingerprint` (a hash of
   * what the request asks), atomically: of concurrent claims of one key, in this process or any
   * other sharing the database, exactly one is `claimed`. `now` (ISO time) is when the key was
   * claimed; {@link forgetIdempotencyKeysBefore} removes keys by it. A key still `in_progress`
   * since before `staleBefore` belonged to a request that died (its process crashed): the same
   * request takes it over and is `claimed` — again exactly one of concurrent claims. `scope`
   * (`message` when omitted) keeps the keys of one kind of request apart from another's.
   */
  claimIdempotencyKey(claim: {
    sessionId: string;
    key: string;
    fingerprint: string;
    now: string;
    staleBefore?: string;
    scope?: IdempotencyScope;
  }): Promise<IdempotencyClaim>;
  /**
   * What is stored under a key, without claiming it or changing it: `completed` when its request
   * ran and its response is kept, `in_progress` while it runs, `absent` when the key is unknown.
   * Lets a request whose body is not read yet learn whether it is a replay.
   */
  peekIdempotencyKey(
    sessionId: string,
    key: string,
    scope?: IdempotencyScope,
  ): Promise<IdempotencyKeyState>;
  /** Records the response of a claimed key; later claims with the same fingerprint replay it. */
  completeIdempotencyKey(
    sessionId: string,
    key: string,
    response: unknown,
    scope?: IdempotencyScope,
  ): Promise<void>;
  /**
   * Gives up a claim whose request failed before anything was accepted, so that a retry with
   * the same key runs again. A completed key is kept.
   */
  releaseIdempotencyKey(sessionId: string, key: string, scope?: IdempotencyScope): Promise<void>;
  /** Removes keys first used before `before` (ISO time); returns how many. */
  forgetIdempotencyKeysBefore(before: string): Promise<number>;

  /**
   * Queues a message for delivery. A payload that names its session (`sessionId`, or
   * `ticket.sessionId`) ties the message to it: it is delivered after the session's earlier
   * messages (see {@link leaseOutbox}), and {@link eraseSession} removes it with the session. A
   * message that names no session (`ticket.erased`, queued once its session is erased) is
   * ordered with no other. `notBefore` (ISO time) holds its first try until then.
   */
  enqueue(
    event: { topic: string; payload: unknown },
    options?: { notBefore?: string },
  ): Promise<OutboxRecord>;
  /**
   * Undelivered messages due at `now` (ISO time), oldest first, including those that wait for
   * an earlier message of their session (which {@link leaseOutbox} does not take).
   */
  dueOutbox(now: string, limit: number): Promise<OutboxRecord[]>;
  /**
   * Takes up to `limit` due messages for delivery, oldest first, and hides them from every
   * other caller until `leaseUntil` (ISO time): of several instances polling one outbox, each
   * message goes to one. A message neither delivered nor failed by then is due again (its
   * deliverer died).
   *
   * In order per session: a message is not taken while a message of its session queued before
   * it is undelivered — waiting for its next try, or leased — so one lease holds at most one
   * message of a session, and the session's next is taken once that one is marked delivered.
   * Sessions do not wait for one another. A message that is never accepted is tried for ever
   * and its session's later messages wait behind it ({@link outboxBacklog} shows it holding
   * its session) until an operator skips it ({@link skipOutbox}); erasing the session removes
   * them all. {@link dueOutbox} lists due messages whatever their order; neither lists a
   * skipped one.
   */
  leaseOutbox(now: string, limit: number, leaseUntil: string): Promise<OutboxRecord[]>;
  /** Records a message as delivered: a skipped one that was out on a delivery then too. */
  markDelivered(id: string, at: string): Promise<void>;
  /** Removes messages delivered, or skipped, before `before` (ISO time); returns how many. */
  forgetDeliveredBefore(before: string): Promise<number>;
  markFailed(id: string, error: string, nextAttemptAt: string): Promise<void>;
  /**
   * Ends the lease of a message that was not tried after all (the server stopped first): due
   * again at `nextAttemptAt`, its attempts and last error as they were, so it is neither shown
   * as failing nor retried later for a failure it never had.
   */
  releaseOutbox(id: string, nextAttemptAt: string): Promise<void>;
  /**
   * Gives up on an undelivered message, for an operator whose receiver refuses it for good: it
   * is marked skipped at `at` (ISO time), kept for the record until {@link forgetDeliveredBefore}
   * removes it, never tried again, and no longer holds its session's later messages back. A
   * delivery of it under way at that moment may still reach the receiver (and mark it
   * delivered). Returns the message as it is now: a delivered one unchanged, a skipped one with
   * its first `skippedAt`; null when there is no such message.
   */
  skipOutbox(id: string, at: string): Promise<OutboxRecord | null>;
  /** What is waiting for delivery, for operators (metrics and the admin API). */
  outboxBacklog(): Promise<OutboxBacklog>;
}
