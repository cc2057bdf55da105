import { randomUUID } from 'node:crypto';
import type { Statement, Transaction } from 'better-sqlite3';
import {
  HELD_LISTED,
  MEMORY_TYPES,
  type ConversationRepository,
  type HeldOutboxMessage,
  type IdempotencyClaim,
  type IdempotencyKeyState,
  type IdempotencyScope,
  type MemoryLimits,
  type MemoryRecord,
  type MessageRecord,
  type OutboxBacklog,
  type OutboxEvent,
  type OutboxRecord,
  type SessionCursor,
  type SessionErasure,
  type SessionSummary,
  type TicketChange,
  type TicketCursor,
  type TicketFilter,
  type TicketPage,
  type TicketRecord,
  type TurnRecord,
} from '../conversation-repository.js';
import { AppError } from '../../errors/index.js';
import { outboxSessionOf } from '../outbox-session.js';
import { changedTicket, outboxEventsOf } from '../ticket-change.js';
import { ticketConditions } from '../ticket-filter.js';
import { timeOrderedId } from '../time-ordered-id.js';
import { foldCase, type SqliteDatabase } from './database.js';

interface MessageRow {
  id: string;
  session_id: string;
  seq: number;
  role: MessageRecord['role'];
  text: string;
  author: string | null;
  turn_id: string;
  request_id: string | null;
  metadata: string;
  created_at: string;
}

interface TicketRow {
  id: string;
  session_id: string;
  status: TicketRecord['status'];
  priority: string;
  category: string;
  summary: string;
  assignee: string | null;
  reasons: string;
  created_at: string;
  updated_at: string;
}

interface OutboxRow {
  id: string;
  topic: string;
  payload: string;
  session_id: string | null;
  created_at: string;
  attempts: number;
  next_attempt_at: string;
  delivered_at: string | null;
  last_error: string | null;
  skipped_at: string | null;
}

const toMessage = (r: MessageRow): MessageRecord => ({
  id: r.id,
  sessionId: r.session_id,
  seq: r.seq,
  role: r.role,
  text: r.text,
  ...(r.author !== null ? { author: r.author } : {}),
  turnId: r.turn_id,
  requestId: r.request_id,
  metadata: JSON.parse(r.metadata) as Record<string, unknown>,
  createdAt: r.created_at,
});

const toTicket = (r: TicketRow): TicketRecord => ({
  id: r.id,
  sessionId: r.session_id,
  status: r.status,
  priority: r.priority,
  category: r.category,
  summary: r.summary,
  reasons: JSON.parse(r.reasons) as string[],
  assignee: r.assignee,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toOutbox = (r: OutboxRow): OutboxRecord => ({
  id: r.id,
  topic: r.topic,
  payload: JSON.parse(r.payload) as unknown,
  sessionId: r.session_id,
  createdAt: r.created_at,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  deliveredAt: r.delivered_at,
  lastError: r.last_error,
  skippedAt: r.skipped_at,
});

/** A message that holds its session back, as `outboxBacklog` reads it. */
interface HeldRow {
  id: string;
  topic: string;
  session_id: string;
  created_at: string;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string;
  waiting: number;
}

const toHeld = (r: HeldRow): HeldOutboxMessage => ({
  id: r.id,
  topic: r.topic,
  sessionId: r.session_id,
  createdAt: r.created_at,
  attempts: r.attempts,
  lastError: r.last_error,
  nextAttemptAt: r.next_attempt_at,
  waiting: r.waiting,
});

/**
 * A row limit written into the SQL of a statement read on every turn. SQLite prepares a statement
 * again (parses and plans it) each time a value is bound to its `LIMIT ?`, since the value may
 * change the plan; such statements are made once per limit instead (a turn asks for a few fixed
 * ones).
 */
function limitLiteral(limit: number): string {
  return String(Number.isFinite(limit) ? Math.min(Math.max(0, Math.trunc(limit)), 100_000) : 0);
}

/** `metadata.found` as the `found` column holds it: 1, 0, or null when it is not a boolean. */
const foundOf = (metadata: Record<string, unknown>): 0 | 1 | null =>
  metadata.found === true ? 1 : metadata.found === false ? 0 : null;

/** Whether a message handed the conversation over, as the `escalated` column holds it. */
const escalatedOf = (metadata: Record<string, unknown>): 1 | null => {
  const escalation = metadata.escalation;
  return typeof escalation === 'object' &&
    escalation !== null &&
    (escalation as Record<string, unknown>).escalate === true
    ? 1
    : null;
};

/**
 * The most rows one statement of a retention sweep deletes (see {@link sweepBatchSql}). Fewer
 * than PostgreSQL's 5,000: here the statement holds the event loop while it runs, some 13 ms for
 * a thousand memories (each in four indexes, overwritten by `secure_delete`), and a batch's own
 * commit costs little (no sync of the journal, with `synchronous = NORMAL`).
 */
export const SWEEP_BATCH_ROWS = 1_000;

/** What each retention sweep deletes: the rows of `table` that `where` selects. */
const SWEEPS = {
  memories: { table: 'memories', where: 'created_at < @before' },
  idempotencyKeys: { table: 'idempotency_keys', where: 'created_at < @before' },
  delivered: { table: 'outbox', where: 'delivered_at < @before OR skipped_at < @before' },
} as const;

/**
 * One batch of a retention sweep: at most {@link SWEEP_BATCH_ROWS} of what `sweep` deletes, by rowid
 * (SQLite is built without `DELETE … LIMIT`).
 */
function sweepBatchSql(sweep: keyof typeof SWEEPS): string {
  const { table, where } = SWEEPS[sweep];
  return `DELETE FROM ${table} WHERE rowid IN (
    SELECT rowid FROM ${table} WHERE ${where} LIMIT ${SWEEP_BATCH_ROWS})`;
}

/** Resolves after the I/O and timers that are due have had their turn of the event loop. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A memory as read: its columns, in the order the queries select them. */
type MemoryRow = [string, MemoryRecord['type'], string, number, string];

/** Memories of `sessionId` from rows read as arrays: objects built by the driver cost twice as much. */
function memoriesOf(sessionId: string, rows: readonly MemoryRow[]): MemoryRecord[] {
  const memories: MemoryRecord[] = [];
  for (const [id, type, content, importance, createdAt] of rows) {
    memories.push({ id, sessionId, type, content, importance, createdAt });
  }
  return memories;
}

/** A memory as a session's memories are stored together. */
type NewMemory = Omit<MemoryRecord, 'id' | 'createdAt' | 'sessionId'> & { createdAt?: string };

/** A write waiting for its group's commit. */
class QueuedWrite<T = unknown> {
  #outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;

  constructor(
    private readonly write: () => T,
    private readonly resolve: (value: T) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  /** Whether the write threw when it last ran. */
  get failed(): boolean {
    return this.#outcome?.ok === false;
  }

  /** Runs the write, keeping its outcome for its caller; what it throws is thrown on. */
  run(): void {
    try {
      this.#outcome = { ok: true, value: this.write() };
    } catch (error) {
      this.#outcome = { ok: false, error };
      throw error;
    }
  }

  /** After the commit: the write's own outcome. */
  settle(): void {
    if (this.#outcome?.ok) this.resolve(this.#outcome.value);
    else this.reject(this.#outcome?.error);
  }

  fail(error: unknown): void {
    this.reject(error);
  }
}

/**
 * Writes of concurrent turns committed together. A commit costs more than the few rows of a
 * message or of a turn's memories: it writes every page it changed to the log (a page per index
 * that a row touched), and after a transaction that split index pages SQLite walks its whole page
 * cache. So the writes asked for during one turn of the event loop (by every request and turn
 * whose I/O arrived together) are committed in one transaction right after it, and each caller's
 * promise settles only after the commit: what it was told is stored, is. {@link flush} commits
 * what is waiting at once; the repository does so before the database is closed.
 *
 * A write that fails is undone alone and fails alone. The writes run one after the other in the
 * group's transaction, with nothing around each: a savepoint per write (two more statements, and
 * a copy of every page it changes, kept to undo it) would cost as much as the write, for a
 * failure that hardly ever comes. When one does fail, the whole group is rolled back and run
 * again with each write in a savepoint of its own, so that the others are stored as if it had
 * never been asked for. A write is therefore a function of the database alone: it may run twice.
 */
class GroupCommit {
  #queue: QueuedWrite[] = [];
  readonly #together: Transaction<(writes: readonly QueuedWrite[]) => void>;
  readonly #apart: Transaction<(writes: readonly QueuedWrite[]) => void>;

  constructor(private readonly db: SqliteDatabase) {
    this.#together = db.transaction((writes: readonly QueuedWrite[]) => {
      for (const write of writes) write.run();
    });
    // Nested in the group's transaction, a transaction is a savepoint: what a failed write did is
    // undone, and the group goes on.
    const alone = db.transaction((write: QueuedWrite) => write.run());
    this.#apart = db.transaction((writes: readonly QueuedWrite[]) => {
      for (const write of writes) {
        try {
          alone(write);
        } catch (error) {
          // Kept for its caller, who alone is told. But SQLite ends the whole transaction on some
          // errors (a full disk, an I/O error): the writes before were undone with it, and the
          // ones after would each be committed on their own while their callers are told the
          // group failed (a message sent again would be stored twice). The group fails whole.
          if (!db.inTransaction) throw error;
        }
      }
    });
  }

  /** Runs `write` in the next group. It must change nothing but the database. */
  run<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.#queue.length === 0) setImmediate(() => this.flush());
      this.#queue.push(new QueuedWrite(write, resolve, reject) as QueuedWrite);
    });
  }

  /** Commits the writes waiting, now. */
  flush(): void {
    if (this.#queue.length === 0) return;
    const writes = this.#queue;
    this.#queue = [];
    try {
      if (!this.db.open) {
        throw new AppError('internal', 'The database was closed before the write was stored');
      }
      try {
        this.#together.immediate(writes);
      } catch (error) {
        // Rolled back whole. Unless a write failed, the transaction itself did.
        if (!writes.some((write) => write.failed)) throw error;
        this.#apart.immediate(writes);
      }
    } catch (error) {
      // The transaction itself failed (the database was locked or closed, or the commit failed):
      // nothing of the group was stored.
      for (const write of writes) write.fail(error);
      return;
    }
    for (const write of writes) write.settle();
  }
}

/**
 * Conversations on SQLite. Every multi-row change is one transaction; messages and memories
 * are committed in groups (see {@link GroupCommit}).
 */
export class SqliteConversationRepository implements ConversationRepository {
  readonly #statements = new Map<string, Statement>();
  readonly #rawStatements = new Map<string, Statement>();
  readonly #writes: GroupCommit;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.#writes = new GroupCommit(db);
  }

  /** Commits the messages and memories waiting for their group's commit; call before closing. */
  flush(): void {
    this.#writes.flush();
  }

  /**
   * Deletes what `sweep` selects older than `before`, {@link SWEEP_BATCH_ROWS} rows a statement,
   * and counts them. The driver is synchronous: a sweep's first run on a large database
   * (retention turned on after a year) in one statement would hold the event loop, every
   * request of every customer with it, for seconds. Between batches the requests waiting are
   * served; each batch commits on its own.
   */
  async #deletedInBatches(sweep: keyof typeof SWEEPS, before: string): Promise<number> {
    const statement = this.#prepare(sweepBatchSql(sweep));
    let total = 0;
    for (;;) {
      const { changes } = statement.run({ before });
      total += changes;
      if (changes < SWEEP_BATCH_ROWS) return total;
      await yieldToEventLoop();
      // Closed meanwhile (the server stopping): the rest is for the next sweep.
      if (!this.db.open) return total;
    }
  }

  /** A prepared statement, made once per SQL text: preparing costs more than most queries. */
  #prepare(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** A prepared statement that returns rows as arrays of column values, made once per SQL text. */
  #prepareRaw(sql: string): Statement {
    let statement = this.#rawStatements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql).raw(true);
      this.#rawStatements.set(sql, statement);
    }
    return statement;
  }

  async appendMessage(
    message: Omit<MessageRecord, 'seq' | 'createdAt'> & { createdAt?: string },
  ): Promise<MessageRecord> {
    const createdAt = message.createdAt ?? this.now().toISOString();
    // The next number and the insert happen under the write lock: concurrent appends to one
    // session can never take the same number.
    const seq = await this.#writes.run(() => this.#append(message, createdAt));
    return { ...message, seq, createdAt };
  }

  #append(message: Omit<MessageRecord, 'seq' | 'createdAt'>, createdAt: string): number {
    const { next } = this.#prepare(
      'SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM messages WHERE session_id = ?',
    ).get(message.sessionId) as { next: number };
    this.#prepare(
      `INSERT INTO messages (id, session_id, seq, role, text, author, turn_id, request_id, metadata, found, escalated, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      message.id,
      message.sessionId,
      next,
      message.role,
      message.text,
      message.author ?? null,
      message.turnId,
      message.requestId,
      JSON.stringify(message.metadata),
      foundOf(message.metadata),
      escalatedOf(message.metadata),
      createdAt,
    );
    this.#prepare(
      `INSERT INTO message_sessions (session_id, message_count, first_message_at, last_message_at)
           VALUES (?, 1, ?, ?)
           ON CONFLICT (session_id) DO UPDATE SET message_count = message_count + 1,
             first_message_at = MIN(first_message_at, excluded.first_message_at),
             last_message_at = MAX(last_message_at, excluded.last_message_at)`,
    ).run(message.sessionId, createdAt, createdAt);
    return next;
  }

  async recentMessages(sessionId: string, limit: number): Promise<MessageRecord[]> {
    const rows = this.#prepare(
      'SELECT * FROM messages WHERE session_id = ? ORDER BY seq DESC LIMIT ?',
    ).all(sessionId, limit) as MessageRow[];
    return rows.reverse().map(toMessage);
  }

  async recentTurns(sessionId: string, limit: number): Promise<TurnRecord[]> {
    // The staff's messages are left out (see `ConversationRepository.recentTurns`).
    // `found` and `escalated` have columns of their own: reading them from each reply's
    // metadata (its sources with their snippets) cost as much as the rest of the query. Rows
    // come as arrays: they are read once, into the records returned.
    const rows = this.#prepareRaw(
      `SELECT seq, role, text, found, escalated FROM messages
         WHERE session_id = ? AND role <> 'staff'
         ORDER BY seq DESC LIMIT ${limitLiteral(limit)}`,
    ).all(sessionId) as Array<[number, TurnRecord['role'], string, 0 | 1 | null, 1 | null]>;
    const turns: TurnRecord[] = [];
    for (let i = rows.length - 1; i >= 0; i--) {
      const [seq, role, text, found, escalated] = rows[i] as (typeof rows)[number];
      const turn: TurnRecord =
        found === null ? { seq, role, text } : { seq, role, text, found: found === 1 };
      if (escalated === 1) turn.escalated = true;
      turns.push(turn);
    }
    return turns;
  }

  async messages(
    sessionId: string,
    options: { afterSeq?: number; limit?: number; role?: MessageRecord['role'] } = {},
  ): Promise<MessageRecord[]> {
    const rows = (
      options.role === undefined
        ? this.#prepare(
            'SELECT * FROM messages WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?',
          ).all(sessionId, options.afterSeq ?? 0, options.limit ?? -1)
        : this.#prepare(
            'SELECT * FROM messages WHERE session_id = ? AND seq > ? AND role = ? ORDER BY seq LIMIT ?',
          ).all(sessionId, options.afterSeq ?? 0, options.role, options.limit ?? -1)
    ) as MessageRow[];
    return rows.map(toMessage);
  }

  async countMessages(sessionId: string): Promise<number> {
    // The count appendMessage keeps, in the write that stores the message: one row read, where
    // counting would read every message of the session on each call.
    const row = this.#prepare(
      'SELECT message_count FROM message_sessions WHERE session_id = ?',
    ).get(sessionId) as { message_count: number } | undefined;
    return row?.message_count ?? 0;
  }

  async remember(
    memory: Omit<MemoryRecord, 'id' | 'createdAt'> & { createdAt?: string },
  ): Promise<void> {
    this.#remember(memory);
  }

  async rememberAll(sessionId: string, memories: readonly NewMemory[]): Promise<void> {
    if (memories.length === 0) return;
    const now = this.now().toISOString();
    await this.#writes.run(() => this.#rememberEach(sessionId, memories, now));
  }

  #rememberEach(sessionId: string, memories: readonly NewMemory[], now: string): void {
    // Fields passed one by one: copying each memory into a new object cost more than its insert.
    for (const memory of memories) {
      this.#insertMemory(
        sessionId,
        memory.type,
        memory.content,
        memory.importance,
        memory.createdAt ?? now,
      );
    }
  }

  #remember(memory: Omit<MemoryRecord, 'id' | 'createdAt'> & { createdAt?: string }): void {
    this.#insertMemory(
      memory.sessionId,
      memory.type,
      memory.content,
      memory.importance,
      memory.createdAt ?? this.now().toISOString(),
    );
  }

  #insertMemory(
    sessionId: string,
    type: MemoryRecord['type'],
    content: string,
    importance: number,
    createdAt: string,
  ): void {
    this.#prepare(
      `INSERT INTO memories (id, session_id, type, content, importance, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (session_id, type, content) DO UPDATE SET importance = MAX(importance, excluded.importance)`,
    ).run(timeOrderedId(), sessionId, type, content, importance, createdAt);
  }

  async memories(
    sessionId: string,
    options: { type?: MemoryRecord['type']; limit?: number } = {},
  ): Promise<MemoryRecord[]> {
    const rows = this.#prepareRaw(
      `SELECT id, type, content, importance, created_at FROM memories
         WHERE session_id = ? AND (? IS NULL OR type = ?) ORDER BY created_at DESC, rowid DESC LIMIT ?`,
    ).all(
      sessionId,
      options.type ?? null,
      options.type ?? null,
      options.limit ?? -1,
    ) as MemoryRow[];
    return memoriesOf(sessionId, rows);
  }

  async recentMemories(sessionId: string, limits: MemoryLimits): Promise<MemoryRecord[]> {
    const types = MEMORY_TYPES.filter((type) => (limits[type] ?? 0) > 0);
    if (types.length === 0) return [];
    // Each type's newest through the (session_id, type, created_at) index, merged newest first.
    // One type is read in that order already: nothing to merge (a turn reads its facts alone).
    if (types.length === 1) {
      const [type] = types as [MemoryRecord['type']];
      const rows = this.#prepareRaw(
        `SELECT id, type, content, importance, created_at FROM memories
           WHERE session_id = ? AND type = '${type}'
           ORDER BY created_at DESC, rowid DESC LIMIT ${limitLiteral(limits[type] ?? 0)}`,
      ).all(sessionId) as MemoryRow[];
      return memoriesOf(sessionId, rows);
    }
    const newest = types.map(
      (type) =>
        `SELECT * FROM (SELECT rowid AS position, id, type, content, importance, created_at
           FROM memories WHERE session_id = @session AND type = '${type}'
           ORDER BY created_at DESC, rowid DESC LIMIT ${limitLiteral(limits[type] ?? 0)})`,
    );
    const rows = this.#prepareRaw(
      `SELECT id, type, content, importance, created_at FROM (${newest.join(' UNION ALL ')})
         ORDER BY created_at DESC, position DESC`,
    ).all({ session: sessionId }) as MemoryRow[];
    return memoriesOf(sessionId, rows);
  }

  async forgetBefore(before: string): Promise<number> {
    return this.#deletedInBatches('memories', before);
  }

  async openTicket(
    ticket: Omit<TicketRecord, 'createdAt' | 'updatedAt' | 'status' | 'assignee'>,
    event?: { topic: string; payload: unknown },
  ): Promise<{ ticket: TicketRecord; created: boolean }> {
    const now = this.now().toISOString();
    return this.db
      .transaction(() => {
        const existing = this.#prepare('SELECT * FROM tickets WHERE session_id = ?').get(
          ticket.sessionId,
        ) as TicketRow | undefined;
        if (existing) return { ticket: toTicket(existing), created: false };
        this.#prepare(
          `INSERT INTO tickets (id, session_id, status, priority, category, summary, reasons, created_at, updated_at)
             VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?)`,
        ).run(
          ticket.id,
          ticket.sessionId,
          ticket.priority,
          ticket.category,
          ticket.summary,
          JSON.stringify(ticket.reasons),
          now,
          now,
        );
        if (event) this.#insertOutbox(event, now, ticket.sessionId);
        const created = this.#prepare('SELECT * FROM tickets WHERE id = ?').get(
          ticket.id,
        ) as TicketRow;
        return { ticket: toTicket(created), created: true };
      })
      .immediate();
  }

  async ticketOf(sessionId: string): Promise<TicketRecord | null> {
    const row = this.#prepare('SELECT * FROM tickets WHERE session_id = ?').get(sessionId) as
      TicketRow | undefined;
    return row ? toTicket(row) : null;
  }

  async ticket(id: string): Promise<TicketRecord | null> {
    const row = this.#prepare('SELECT * FROM tickets WHERE id = ?').get(id) as
      TicketRow | undefined;
    return row ? toTicket(row) : null;
  }

  async tickets(
    options: TicketFilter & { limit: number; offset?: number; before?: TicketCursor },
  ): Promise<TicketPage> {
    const conditions = ticketConditions(options);
    // An assignee is compared without regard to case, by the key kept folded beside it (and
    // indexed); no assignee at all is `IS NULL`.
    const clauses = conditions.map(([c, value]) =>
      value === null ? `${c} IS NULL` : c === 'assignee' ? 'assignee_key = ?' : `${c} = ?`,
    );
    const values = conditions.flatMap(([c, value]) =>
      value === null ? [] : [c === 'assignee' ? foldCase(value) : value],
    );
    const where = (all: string[]) => (all.length > 0 ? `WHERE ${all.join(' AND ')}` : '');
    // A row comparison in the list's order (the ticket indexes end with created_at, id): read
    // through the index from the cursor on. Times are stored as toISOString writes them, the
    // form the cursor's time is in, so they compare as text.
    const cursor = options.before;
    const rows = this.#prepare(
      `SELECT * FROM tickets ${where(cursor ? [...clauses, '(created_at, id) < (?, ?)'] : clauses)}
         ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
    ).all(
      ...values,
      ...(cursor ? [cursor.createdAt, cursor.id] : []),
      options.limit,
      options.offset ?? 0,
    ) as TicketRow[];
    const { n } = this.#prepare(`SELECT COUNT(*) AS n FROM tickets ${where(clauses)}`).get(
      ...values,
    ) as { n: number };
    return { items: rows.map(toTicket), total: n };
  }

  async sessions(options: { limit: number; before?: SessionCursor }): Promise<SessionSummary[]> {
    const select = `SELECT session_id AS sessionId, message_count AS messageCount,
              first_message_at AS firstMessageAt, last_message_at AS lastMessageAt
         FROM message_sessions`;
    const order = 'ORDER BY last_message_at DESC, session_id DESC LIMIT ?';
    const cursor = options.before;
    if (cursor === undefined) {
      return this.#prepare(`${select} ${order}`).all(options.limit) as SessionSummary[];
    }
    // Times are stored as toISOString writes them and compared as text: the cursor's time is
    // brought to that form first, or "…+01:00" and "…55Z" (no milliseconds) compare wrongly.
    const at = new Date(cursor.lastMessageAt).toISOString();
    if (cursor.sessionId === undefined) {
      return this.#prepare(`${select} WHERE last_message_at < ? ${order}`).all(
        at,
        options.limit,
      ) as SessionSummary[];
    }
    return this.#prepare(`${select} WHERE (last_message_at, session_id) < (?, ?) ${order}`).all(
      at,
      cursor.sessionId,
      options.limit,
    ) as SessionSummary[];
  }

  async idleSessions(before: string, limit: number): Promise<string[]> {
    // Through the (last_message_at, session_id) index, the longest idle first; the ticket of
    // each is one lookup by its unique session_id.
    const rows = this.#prepareRaw(
      `SELECT s.session_id FROM message_sessions s
         WHERE s.last_message_at < ? AND NOT EXISTS (
           SELECT 1 FROM tickets t WHERE t.session_id = s.session_id AND t.status IN ('open', 'pending'))
         ORDER BY s.last_message_at, s.session_id LIMIT ?`,
    ).all(before, limit) as Array<[string]>;
    return rows.map(([id]) => id);
  }

  async eraseSession(
    sessionId: string,
    options: { idleBefore?: string } = {},
  ): Promise<SessionErasure | null> {
    // With the messages' group commit: an append asked for before the erasure is committed
    // before it, and so erased with the rest.
    const erased = await this.#writes.run(() => this.#erase(sessionId, options.idleBefore ?? null));
    if (erased !== null) this.#clearJournal();
    return erased;
  }

  /**
   * Copies the journal (the WAL) into the database and empties it: the pages an erasure changed
   * are still in the journal as they were before it, the erased text in them, until then. The
   * database's own pages were overwritten by the deletion (`secure_delete`). Erasures come one
   * session at a time and change a few pages each, so this is short. A reader of another process
   * can keep part of the journal for a moment; the next erasure or checkpoint clears it.
   */
  #clearJournal(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  #erase(sessionId: string, idleBefore: string | null): SessionErasure | null {
    if (idleBefore !== null) {
      const { active } = this.#prepare(
        `SELECT EXISTS (SELECT 1 FROM message_sessions WHERE session_id = @id AND last_message_at >= @at)
             OR EXISTS (SELECT 1 FROM tickets WHERE session_id = @id AND status IN ('open', 'pending'))
           AS active`,
      ).get({ id: sessionId, at: idleBefore }) as { active: 0 | 1 };
      if (active === 1) return null;
    }
    const remove = (table: string) =>
      this.#prepare(`DELETE FROM ${table} WHERE session_id = ?`).run(sessionId).changes;
    const erasure: SessionErasure = {
      messages: remove('messages'),
      memories: remove('memories'),
      tickets: remove('tickets'),
      outbox: remove('outbox'),
      idempotencyKeys: remove('idempotency_keys'),
    };
    remove('message_sessions');
    return erasure;
  }

  async claimIdempotencyKey(claim: {
    sessionId: string;
    key: string;
    fingerprint: string;
    now: string;
    staleBefore?: string;
    scope?: IdempotencyScope;
  }): Promise<IdempotencyClaim> {
    const scope = claim.scope ?? 'message';
    return this.db
      .transaction((): IdempotencyClaim => {
        const row = this.#prepare(
          `SELECT fingerprint, state, response, created_at FROM idempotency_keys
             WHERE session_id = ? AND scope = ? AND key = ?`,
        ).get(claim.sessionId, scope, claim.key) as
          | {
              fingerprint: string;
              state: 'in_progress' | 'completed';
              response: string | null;
              created_at: string;
            }
          | undefined;
        if (row === undefined) {
          this.#prepare(
            `INSERT INTO idempotency_keys (session_id, scope, key, fingerprint, state, created_at)
               VALUES (?, ?, ?, ?, 'in_progress', ?)`,
          ).run(claim.sessionId, scope, claim.key, claim.fingerprint, claim.now);
          return { state: 'claimed' };
        }
        if (row.fingerprint !== claim.fingerprint) return { state: 'mismatch' };
        if (row.state === 'in_progress') {
          if (claim.staleBefore === undefined || row.created_at >= claim.staleBefore) {
            return { state: 'in_progress' };
          }
          this.#prepare(
            'UPDATE idempotency_keys SET created_at = ? WHERE session_id = ? AND scope = ? AND key = ?',
          ).run(claim.now, claim.sessionId, scope, claim.key);
          return { state: 'claimed' };
        }
        return { state: 'completed', response: JSON.parse(row.response ?? 'null') as unknown };
      })
      .immediate();
  }

  async peekIdempotencyKey(
    sessionId: string,
    key: string,
    scope: IdempotencyScope = 'message',
  ): Promise<IdempotencyKeyState> {
    const row = this.#prepare(
      'SELECT state FROM idempotency_keys WHERE session_id = ? AND scope = ? AND key = ?',
    ).get(sessionId, scope, key) as { state: 'in_progress' | 'completed' } | undefined;
    return row?.state ?? 'absent';
  }

  async completeIdempotencyKey(
    sessionId: string,
    key: string,
    response: unknown,
    scope: IdempotencyScope = 'message',
  ): Promise<void> {
    this.#prepare(
      `UPDATE idempotency_keys SET state = 'completed', response = ?
         WHERE session_id = ? AND scope = ? AND key = ?`,
    ).run(JSON.stringify(response) ?? 'null', sessionId, scope, key);
  }

  async releaseIdempotencyKey(
    sessionId: string,
    key: string,
    scope: IdempotencyScope = 'message',
  ): Promise<void> {
    this.#prepare(
      `DELETE FROM idempotency_keys
         WHERE session_id = ? AND scope = ? AND key = ? AND state = 'in_progress'`,
    ).run(sessionId, scope, key);
  }

  async forgetIdempotencyKeysBefore(before: string): Promise<number> {
    return this.#deletedInBatches('idempotencyKeys', before);
  }

  async updateTicket(
    id: string,
    change: TicketChange,
    event?: (after: TicketRecord, before: TicketRecord) => OutboxEvent | readonly OutboxEvent[],
  ): Promise<{ ticket: TicketRecord; changed: boolean } | null> {
    const now = this.now().toISOString();
    return this.db
      .transaction(() => {
        const row = this.#prepare('SELECT * FROM tickets WHERE id = ?').get(id) as
          TicketRow | undefined;
        if (!row) return null;
        const before = toTicket(row);
        const after = changedTicket(before, change, now);
        if (after === undefined) return { ticket: before, changed: false };
        this.#prepare(
          `UPDATE tickets SET status = ?, priority = ?, category = ?, reasons = ?, assignee = ?,
             assignee_key = ?, updated_at = ? WHERE id = ?`,
        ).run(
          after.status,
          after.priority,
          after.category,
          JSON.stringify(after.reasons),
          after.assignee,
          after.assignee === null ? null : foldCase(after.assignee),
          now,
          id,
        );
        for (const queued of outboxEventsOf(event?.(after, before))) {
          this.#insertOutbox(queued, now, before.sessionId);
        }
        return { ticket: after, changed: true };
      })
      .immediate();
  }

  async forgetDeliveredBefore(before: string): Promise<number> {
    return this.#deletedInBatches('delivered', before);
  }

  async enqueue(
    event: { topic: string; payload: unknown },
    options: { notBefore?: string } = {},
  ): Promise<OutboxRecord> {
    return this.#insertOutbox(
      event,
      this.now().toISOString(),
      outboxSessionOf(event.payload),
      options.notBefore,
    );
  }

  async dueOutbox(now: string, limit: number): Promise<OutboxRecord[]> {
    const rows = this.#prepare(
      `SELECT * FROM outbox WHERE delivered_at IS NULL AND skipped_at IS NULL AND next_attempt_at <= ?
         ORDER BY created_at, rowid LIMIT ?`,
    ).all(now, limit) as OutboxRow[];
    return rows.map(toOutbox);
  }

  async leaseOutbox(now: string, limit: number, leaseUntil: string): Promise<OutboxRecord[]> {
    return this.db
      .transaction(() => {
        // Only the first undelivered message of a session: a later one waits, even when due,
        // until every one queued before it is delivered. "Before" is the rowid, the order of
        // the inserts (one writer at a time), not created_at, which is read before a write
        // waits for its turn. A message that names no session waits for none; a skipped one is
        // neither taken nor waited for.
        const rows = this.#prepare(
          `SELECT o.* FROM outbox AS o
             WHERE o.delivered_at IS NULL AND o.skipped_at IS NULL AND o.next_attempt_at <= ?
               AND NOT EXISTS (SELECT 1 FROM outbox AS e
                 WHERE e.session_id = o.session_id AND e.delivered_at IS NULL
                   AND e.skipped_at IS NULL AND e.rowid < o.rowid)
             ORDER BY o.created_at, o.rowid LIMIT ?`,
        ).all(now, limit) as OutboxRow[];
        const lease = this.#prepare('UPDATE outbox SET next_attempt_at = ? WHERE id = ?');
        for (const row of rows) lease.run(leaseUntil, row.id);
        return rows.map((row) => ({ ...toOutbox(row), nextAttemptAt: leaseUntil }));
      })
      .immediate();
  }

  async markDelivered(id: string, at: string): Promise<void> {
    this.#prepare(
      `UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, last_error = NULL,
         skipped_at = NULL WHERE id = ?`,
    ).run(at, id);
  }

  async markFailed(id: string, error: string, nextAttemptAt: string): Promise<void> {
    this.#prepare(
      'UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?',
    ).run(error.slice(0, 1000), nextAttemptAt, id);
  }

  async releaseOutbox(id: string, nextAttemptAt: string): Promise<void> {
    this.#prepare(
      'UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND delivered_at IS NULL',
    ).run(nextAttemptAt, id);
  }

  async skipOutbox(id: string, at: string): Promise<OutboxRecord | null> {
    return this.db
      .transaction(() => {
        // A second skip keeps the first one's time; a delivered message stays delivered.
        this.#prepare(
          `UPDATE outbox SET skipped_at = COALESCE(skipped_at, ?)
             WHERE id = ? AND delivered_at IS NULL`,
        ).run(at, id);
        const row = this.#prepare('SELECT * FROM outbox WHERE id = ?').get(id) as
          OutboxRow | undefined;
        return row ? toOutbox(row) : null;
      })
      .immediate();
  }

  async outboxBacklog(): Promise<OutboxBacklog> {
    const row = this.#prepare(
      `SELECT COUNT(*) AS undelivered, COALESCE(SUM(attempts > 0), 0) AS failing,
              MIN(created_at) AS oldest
         FROM outbox WHERE delivered_at IS NULL AND skipped_at IS NULL`,
    ).get() as { undelivered: number; failing: number; oldest: string | null };
    // The item tried last is the one whose next try was pushed furthest.
    const failed = this.#prepare(
      `SELECT last_error FROM outbox
         WHERE delivered_at IS NULL AND skipped_at IS NULL AND last_error IS NOT NULL
         ORDER BY next_attempt_at DESC LIMIT 1`,
    ).get() as { last_error: string } | undefined;
    // A session's first waiting message (as leaseOutbox finds it), refused at least once.
    const held = this.#prepare(
      `SELECT o.id, o.topic, o.session_id, o.created_at, o.attempts, o.last_error,
              o.next_attempt_at, COUNT(*) OVER () AS held,
              (SELECT COUNT(*) FROM outbox AS w
                 WHERE w.session_id = o.session_id AND w.delivered_at IS NULL
                   AND w.skipped_at IS NULL AND w.rowid > o.rowid) AS waiting
         FROM outbox AS o
         WHERE o.delivered_at IS NULL AND o.skipped_at IS NULL AND o.session_id IS NOT NULL
           AND o.attempts > 0
           AND NOT EXISTS (SELECT 1 FROM outbox AS e
             WHERE e.session_id = o.session_id AND e.delivered_at IS NULL
               AND e.skipped_at IS NULL AND e.rowid < o.rowid)
         ORDER BY o.created_at, o.rowid LIMIT ${HELD_LISTED}`,
    ).all() as Array<HeldRow & { held: number }>;
    return {
      undelivered: row.undelivered,
      failing: row.failing,
      oldestCreatedAt: row.oldest,
      lastError: failed?.last_error ?? null,
      heldSessions: held[0]?.held ?? 0,
      heldBy: held.map(toHeld),
    };
  }

  /** Queues `event`, tied to the session it is about (see `eraseSession`). */
  #insertOutbox(
    event: { topic: string; payload: unknown },
    now: string,
    sessionId: string | null,
    /** The first try's time; `now` by default. */
    notBefore: string = now,
  ): OutboxRecord {
    const record: OutboxRecord = {
      id: randomUUID(),
      topic: event.topic,
      payload: event.payload,
      sessionId,
      createdAt: now,
      attempts: 0,
      nextAttemptAt: notBefore,
      deliveredAt: null,
      lastError: null,
      skippedAt: null,
    };
    this.#prepare(
      `INSERT INTO outbox (id, topic, payload, created_at, next_attempt_at, session_id)
         VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(record.id, record.topic, JSON.stringify(record.payload), now, notBefore, sessionId);
    return record;
  }
}
