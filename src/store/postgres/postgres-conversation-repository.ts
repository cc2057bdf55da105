import { randomUUID } from 'node:crypto';
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
import { outboxSessionOf } from '../outbox-session.js';
import { changedTicket, outboxEventsOf } from '../ticket-change.js';
import { ticketConditions } from '../ticket-filter.js';
import { timeOrderedId } from '../time-ordered-id.js';
import type { PostgresDatabase, Queryable } from './database.js';
import { fromDbText, toDbJson, toDbText } from './text-codec.js';

interface MessageRow {
  id: string;
  session_id: string;
  seq: number;
  role: MessageRecord['role'];
  text: string;
  author: string | null;
  turn_id: string;
  request_id: string | null;
  metadata: Record<string, unknown>;
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
  reasons: string[];
  created_at: string;
  updated_at: string;
}

interface OutboxRow {
  id: string;
  topic: string;
  payload: unknown;
  session_id: string | null;
  created_at: string;
  attempts: number;
  next_attempt_at: string;
  delivered_at: string | null;
  last_error: string | null;
  skipped_at: string | null;
  /** Insertion order within one instant. */
  position?: number;
}

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
  held: number;
}

const toMessage = (r: MessageRow): MessageRecord => ({
  id: r.id,
  sessionId: r.session_id,
  seq: r.seq,
  role: r.role,
  text: fromDbText(r.text),
  ...(r.author !== null ? { author: fromDbText(r.author) } : {}),
  turnId: r.turn_id,
  requestId: r.request_id,
  metadata: r.metadata,
  createdAt: r.created_at,
});

const toTicket = (r: TicketRow): TicketRecord => ({
  id: r.id,
  sessionId: r.session_id,
  status: r.status,
  priority: r.priority,
  category: r.category,
  summary: fromDbText(r.summary),
  reasons: r.reasons,
  assignee: r.assignee === null ? null : fromDbText(r.assignee),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toOutbox = (r: OutboxRow): OutboxRecord => ({
  id: r.id,
  topic: r.topic,
  payload: r.payload,
  sessionId: r.session_id,
  createdAt: r.created_at,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  deliveredAt: r.delivered_at,
  lastError: r.last_error,
  skippedAt: r.skipped_at,
});

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

/** A value as a `jsonb` parameter (pg would send a JS array as a PostgreSQL array). */
const json = toDbJson;

/**
 * Rows removed by a DELETE, counted by the server: `WITH gone AS (DELETE … RETURNING 1)`.
 */
async function deleted(db: Queryable, sql: string, values: unknown[]): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `WITH gone AS (${sql} RETURNING 1) SELECT count(*) AS n FROM gone`,
    values,
  );
  return row?.n ?? 0;
}

/** The most rows one statement of a sweep deletes (see {@link deletedInBatches}). */
export const SWEEP_BATCH_ROWS = 5_000;

/**
 * Deletes the rows of `table` that `where` selects, {@link SWEEP_BATCH_ROWS} at a time, and
 * counts them. A sweep's first run on a large database (retention turned on after a year) would
 * otherwise be one statement over millions of rows: past a statement's time limit it failed, and
 * failed again at every sweep after, deleting nothing; within it, it held its locks and wrote
 * its whole log at once.
 */
export async function deletedInBatches(
  db: Queryable,
  table: string,
  where: string,
  values: unknown[],
  batch = SWEEP_BATCH_ROWS,
): Promise<number> {
  let total = 0;
  for (;;) {
    const n = Number(
      await deleted(
        db,
        `DELETE FROM ${table} WHERE ctid = ANY(ARRAY(
           SELECT ctid FROM ${table} WHERE ${where} LIMIT ${Math.max(1, Math.floor(batch))}))`,
        values,
      ),
    );
    total += n;
    if (n < batch) return total;
  }
}

/**
 * Conversations on PostgreSQL, for any number of instances sharing the database. Message
 * numbers come from a per-session row updated in the same statement as the insert (its lock
 * orders concurrent appends; `UNIQUE (session_id, seq)` guards the rest); tickets and their
 * outbox events are written in one transaction, a session's outbox inserts one at a time (see
 * `insertOutbox`); idempotency keys are claimed by one
 * `INSERT … ON CONFLICT DO NOTHING`.
 *
 * @example
 * const conversations = new PostgresConversationRepository(db, () => new Date(clock.now()));
 */
export class PostgresConversationRepository implements ConversationRepository {
  readonly #db: PostgresDatabase;
  readonly #now: () => Date;

  constructor(db: PostgresDatabase, now: () => Date = () => new Date()) {
    this.#db = db;
    this.#now = now;
  }

  async appendMessage(
    message: Omit<MessageRecord, 'seq' | 'createdAt'> & { createdAt?: string },
  ): Promise<MessageRecord> {
    const createdAt = message.createdAt ?? this.#now().toISOString();
    const [row] = await this.#db.query<{ seq: number; created_at: string }>(
      `WITH counter AS (
         INSERT INTO message_sessions AS s (session_id, message_count, first_message_at, last_message_at)
         VALUES ($2, 1, $8, $8)
         ON CONFLICT (session_id) DO UPDATE SET message_count = s.message_count + 1,
           first_message_at = least(s.first_message_at, excluded.first_message_at),
           last_message_at = greatest(s.last_message_at, excluded.last_message_at)
         RETURNING message_count)
       INSERT INTO messages (id, session_id, seq, role, text, turn_id, request_id, metadata, created_at, author)
       SELECT $1, $2, counter.message_count, $3, $4, $5, $6, $7::jsonb, $8, $9 FROM counter
       RETURNING seq, created_at`,
      [
        message.id,
        message.sessionId,
        message.role,
        toDbText(message.text),
        message.turnId,
        message.requestId,
        json(message.metadata),
        createdAt,
        message.author === undefined ? null : toDbText(message.author),
      ],
    );
    return { ...message, seq: row?.seq ?? 0, createdAt: row?.created_at ?? createdAt };
  }

  async recentMessages(sessionId: string, limit: number): Promise<MessageRecord[]> {
    const rows = await this.#db.query<MessageRow>(
      'SELECT * FROM messages WHERE session_id = $1 ORDER BY seq DESC LIMIT $2',
      [sessionId, limit],
    );
    return rows.reverse().map(toMessage);
  }

  async recentTurns(sessionId: string, limit: number): Promise<TurnRecord[]> {
    // The staff's messages are left out (see `ConversationRepository.recentTurns`).
    const rows = await this.#db.query<
      Omit<TurnRecord, 'found' | 'escalated'> & { found: boolean | null; escalated: boolean }
    >(
      `SELECT seq, role, text,
         CASE WHEN jsonb_typeof(metadata -> 'found') = 'boolean' THEN (metadata -> 'found')::boolean END AS found,
         COALESCE(metadata #> '{escalation,escalate}' = 'true'::jsonb, false) AS escalated
       FROM messages WHERE session_id = $1 AND role <> 'staff' ORDER BY seq DESC LIMIT $2`,
      [sessionId, limit],
    );
    return rows.reverse().map(({ seq, role, text, found, escalated }) => ({
      seq,
      role,
      text: fromDbText(text),
      ...(found === null ? {} : { found }),
      ...(escalated ? { escalated: true as const } : {}),
    }));
  }

  async messages(
    sessionId: string,
    options: { afterSeq?: number; limit?: number; role?: MessageRecord['role'] } = {},
  ): Promise<MessageRecord[]> {
    const rows = await this.#db.query<MessageRow>(
      `SELECT * FROM messages WHERE session_id = $1 AND seq > $2 AND ($4::text IS NULL OR role = $4)
       ORDER BY seq LIMIT $3`,
      [sessionId, options.afterSeq ?? 0, options.limit ?? null, options.role ?? null],
    );
    return rows.map(toMessage);
  }

  async countMessages(sessionId: string): Promise<number> {
    // The count appendMessage keeps, in the statement that stores the message: one row read,
    // where counting would read every message of the session on each call.
    const [row] = await this.#db.query<{ message_count: number }>(
      'SELECT message_count FROM message_sessions WHERE session_id = $1',
      [sessionId],
    );
    return row?.message_count ?? 0;
  }

  async sessions(options: { limit: number; before?: SessionCursor }): Promise<SessionSummary[]> {
    const select = `SELECT session_id AS "sessionId", message_count AS "messageCount",
              first_message_at AS "firstMessageAt", last_message_at AS "lastMessageAt"
       FROM message_sessions`;
    const order = 'ORDER BY last_message_at DESC, session_id COLLATE "C" DESC';
    const cursor = options.before;
    if (cursor === undefined) {
      return this.#db.query<SessionSummary>(`${select} ${order} LIMIT $1`, [options.limit]);
    }
    if (cursor.sessionId === undefined) {
      return this.#db.query<SessionSummary>(
        `${select} WHERE last_message_at < $1::timestamptz ${order} LIMIT $2`,
        [cursor.lastMessageAt, options.limit],
      );
    }
    // A row comparison in the activity index's order: read through it from the cursor on.
    return this.#db.query<SessionSummary>(
      `${select} WHERE (last_message_at, session_id COLLATE "C") < ($1::timestamptz, $2::text)
       ${order} LIMIT $3`,
      [cursor.lastMessageAt, cursor.sessionId, options.limit],
    );
  }

  async idleSessions(before: string, limit: number): Promise<string[]> {
    // The activity index read backwards: the longest idle first.
    const rows = await this.#db.query<{ session_id: string }>(
      `SELECT s.session_id FROM message_sessions s
       WHERE s.last_message_at < $1 AND NOT EXISTS (
         SELECT 1 FROM tickets t WHERE t.session_id = s.session_id AND t.status IN ('open', 'pending'))
       ORDER BY s.last_message_at, s.session_id COLLATE "C" LIMIT $2`,
      [before, limit],
    );
    return rows.map((row) => row.session_id);
  }

  async eraseSession(
    sessionId: string,
    options: { idleBefore?: string } = {},
  ): Promise<SessionErasure | null> {
    return this.#db.transaction(async (tx) => {
      // The session's counter row and ticket are locked until commit: a message appended
      // meanwhile waits for the erasure, then starts the session again at 1; one appended
      // before is seen here (for a sweep, the session is then active, and kept).
      const [counter] = await tx.query<{ last_message_at: string }>(
        'SELECT last_message_at FROM message_sessions WHERE session_id = $1 FOR UPDATE',
        [sessionId],
      );
      const [ticket] = await tx.query<{ status: TicketRecord['status'] }>(
        'SELECT status FROM tickets WHERE session_id = $1 FOR UPDATE',
        [sessionId],
      );
      if (options.idleBefore !== undefined) {
        const recent =
          counter !== undefined &&
          Date.parse(counter.last_message_at) >= Date.parse(options.idleBefore);
        const worked = ticket?.status === 'open' || ticket?.status === 'pending';
        if (recent || worked) return null;
      }
      const remove = (table: string) =>
        deleted(tx, `DELETE FROM ${table} WHERE session_id = $1`, [sessionId]);
      const erasure: SessionErasure = {
        messages: await remove('messages'),
        memories: await remove('memories'),
        tickets: await remove('tickets'),
        outbox: await remove('outbox'),
        idempotencyKeys: await remove('idempotency_keys'),
      };
      await remove('message_sessions');
      return erasure;
    });
  }

  async remember(
    memory: Omit<MemoryRecord, 'id' | 'createdAt'> & { createdAt?: string },
  ): Promise<void> {
    await this.#db.query(
      `INSERT INTO memories (id, session_id, type, content, importance, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (session_id, type, md5(content))
       DO UPDATE SET importance = greatest(memories.importance, excluded.importance)`,
      [
        timeOrderedId(),
        memory.sessionId,
        memory.type,
        toDbText(memory.content),
        memory.importance,
        memory.createdAt ?? this.#now().toISOString(),
      ],
    );
  }

  async rememberAll(
    sessionId: string,
    memories: ReadonlyArray<
      Omit<MemoryRecord, 'id' | 'createdAt' | 'sessionId'> & { createdAt?: string }
    >,
  ): Promise<void> {
    // One statement, so one round trip. It may not update a row twice, so a memory repeated in
    // the batch is folded first into its first occurrence, at its highest importance.
    const once = new Map<
      string,
      { type: string; content: string; importance: number; createdAt: string }
    >();
    const now = this.#now().toISOString();
    for (const memory of memories) {
      const key = `${memory.type}\u0000${memory.content}`;
      const seen = once.get(key);
      if (seen) seen.importance = Math.max(seen.importance, memory.importance);
      else {
        once.set(key, {
          type: memory.type,
          content: toDbText(memory.content),
          importance: memory.importance,
          createdAt: memory.createdAt ?? now,
        });
      }
    }
    if (once.size === 0) return;
    const rows = [...once.values()];
    await this.#db.query(
      `INSERT INTO memories (id, session_id, type, content, importance, created_at)
       SELECT m.id, $1, m.type, m.content, m.importance, m.created_at
       FROM unnest($2::text[], $3::text[], $4::text[], $5::float8[], $6::timestamptz[])
         WITH ORDINALITY AS m(id, type, content, importance, created_at, ord)
       ORDER BY m.ord
       ON CONFLICT (session_id, type, md5(content))
       DO UPDATE SET importance = greatest(memories.importance, excluded.importance)`,
      [
        sessionId,
        rows.map(() => timeOrderedId()),
        rows.map((r) => r.type),
        rows.map((r) => r.content),
        rows.map((r) => r.importance),
        rows.map((r) => r.createdAt),
      ],
    );
  }

  async memories(
    sessionId: string,
    options: { type?: MemoryRecord['type']; limit?: number } = {},
  ): Promise<MemoryRecord[]> {
    const rows = await this.#db.query<MemoryRecord>(
      `SELECT id, session_id AS "sessionId", type, content, importance, created_at AS "createdAt"
       FROM memories WHERE session_id = $1 AND ($2::text IS NULL OR type = $2)
       ORDER BY created_at DESC, position DESC LIMIT $3`,
      [sessionId, options.type ?? null, options.limit ?? null],
    );
    return rows.map((row) => ({ ...row, content: fromDbText(row.content) }));
  }

  async recentMemories(sessionId: string, limits: MemoryLimits): Promise<MemoryRecord[]> {
    const types = MEMORY_TYPES.filter((type) => (limits[type] ?? 0) > 0);
    if (types.length === 0) return [];
    // Each type's newest through the (session_id, type, created_at, position) index, merged
    // newest first.
    const parameters: Array<string | number> = [sessionId];
    const reads = types.map((type) => {
      parameters.push(type, limits[type] ?? 0);
      const [typeAt, limitAt] = [parameters.length - 1, parameters.length];
      return `(SELECT id, position, type, content, importance, created_at FROM memories
           WHERE session_id = $1 AND type = $${typeAt}
           ORDER BY created_at DESC, position DESC LIMIT $${limitAt})`;
    });
    const rows = await this.#db.query<MemoryRecord>(
      `SELECT id, $1::text AS "sessionId", type, content, importance, created_at AS "createdAt"
       FROM (${reads.join(' UNION ALL ')}) AS newest ORDER BY created_at DESC, position DESC`,
      parameters,
    );
    return rows.map((row) => ({ ...row, content: fromDbText(row.content) }));
  }

  async forgetBefore(before: string): Promise<number> {
    return deletedInBatches(this.#db, 'memories', 'created_at < $1', [before]);
  }

  async openTicket(
    ticket: Omit<TicketRecord, 'createdAt' | 'updatedAt' | 'status' | 'assignee'>,
    event?: { topic: string; payload: unknown },
  ): Promise<{ ticket: TicketRecord; created: boolean }> {
    const now = this.#now().toISOString();
    return this.#db.transaction(async (tx) => {
      // A concurrent opener of the same session's ticket waits here for the first to commit,
      // then inserts nothing and reads the first one's ticket.
      const [created] = await tx.query<TicketRow>(
        `INSERT INTO tickets (id, session_id, status, priority, category, summary, reasons,
           created_at, updated_at)
         VALUES ($1, $2, 'open', $3, $4, $5, $6::jsonb, $7, $7)
         ON CONFLICT (session_id) DO NOTHING RETURNING *`,
        [
          ticket.id,
          ticket.sessionId,
          ticket.priority,
          ticket.category,
          toDbText(ticket.summary),
          json(ticket.reasons),
          now,
        ],
      );
      if (created) {
        if (event) await insertOutbox(tx, event, now, ticket.sessionId);
        return { ticket: toTicket(created), created: true };
      }
      const [existing] = await tx.query<TicketRow>('SELECT * FROM tickets WHERE session_id = $1', [
        ticket.sessionId,
      ]);
      if (!existing) throw new Error(`The ticket of session ${ticket.sessionId} vanished`);
      return { ticket: toTicket(existing), created: false };
    });
  }

  async ticketOf(sessionId: string): Promise<TicketRecord | null> {
    const [row] = await this.#db.query<TicketRow>('SELECT * FROM tickets WHERE session_id = $1', [
      sessionId,
    ]);
    return row ? toTicket(row) : null;
  }

  async ticket(id: string): Promise<TicketRecord | null> {
    const [row] = await this.#db.query<TicketRow>('SELECT * FROM tickets WHERE id = $1', [id]);
    return row ? toTicket(row) : null;
  }

  async tickets(
    options: TicketFilter & { limit: number; offset?: number; before?: TicketCursor },
  ): Promise<TicketPage> {
    const conditions = ticketConditions(options);
    // Compared as stored: an assignee is free text (see `toDbText`), compared without regard to
    // case; no assignee at all is `IS NULL`.
    const values: string[] = [];
    const clauses = conditions.map(([column, value]) => {
      if (value === null) return `${column} IS NULL`;
      if (column !== 'assignee') {
        values.push(value);
        return `${column} = $${values.length}`;
      }
      // Composed (NFC), as names are stored: a combining accent finds the name typed without.
      values.push(toDbText(value.normalize('NFC')));
      return `lower(${column}) = lower($${values.length})`;
    });
    const where = (all: string[]) => (all.length > 0 ? `WHERE ${all.join(' AND ')}` : '');
    // Ids are compared byte by byte ("C"), as SQLite compares them, so that a cursor is the same
    // place in the list on either database; a row comparison in the ticket indexes' order reads
    // through them from the cursor on.
    const cursor = options.before;
    const paged = [...values, ...(cursor ? [cursor.createdAt, cursor.id] : [])];
    const rowClauses = cursor
      ? [
          ...clauses,
          `(created_at, id COLLATE "C") < ($${paged.length - 1}::timestamptz, $${paged.length}::text)`,
        ]
      : clauses;
    const [rows, [count]] = await Promise.all([
      this.#db.query<TicketRow>(
        `SELECT * FROM tickets ${where(rowClauses)}
         ORDER BY created_at DESC, id COLLATE "C" DESC
         LIMIT $${paged.length + 1} OFFSET $${paged.length + 2}`,
        [...paged, options.limit, options.offset ?? 0],
      ),
      this.#db.query<{ n: number }>(`SELECT count(*) AS n FROM tickets ${where(clauses)}`, values),
    ]);
    return { items: rows.map(toTicket), total: count?.n ?? 0 };
  }

  async updateTicket(
    id: string,
    change: TicketChange,
    event?: (after: TicketRecord, before: TicketRecord) => OutboxEvent | readonly OutboxEvent[],
  ): Promise<{ ticket: TicketRecord; changed: boolean } | null> {
    const now = this.#now().toISOString();
    return this.#db.transaction(async (tx) => {
      // Locked until commit: of two changes at once, the second sees the first one's result.
      const [row] = await tx.query<TicketRow>('SELECT * FROM tickets WHERE id = $1 FOR UPDATE', [
        id,
      ]);
      if (!row) return null;
      const before = toTicket(row);
      const after = changedTicket(before, change, now);
      if (after === undefined) return { ticket: before, changed: false };
      await tx.query(
        `UPDATE tickets SET status = $2, priority = $3, category = $4, reasons = $5::jsonb,
           assignee = $6, updated_at = $7 WHERE id = $1`,
        [
          id,
          after.status,
          after.priority,
          after.category,
          json(after.reasons),
          after.assignee === null ? null : toDbText(after.assignee),
          now,
        ],
      );
      for (const queued of outboxEventsOf(event?.(after, before))) {
        await insertOutbox(tx, queued, now, before.sessionId);
      }
      return { ticket: after, changed: true };
    });
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
    // The insert decides between concurrent claims. When it finds the key taken, the key may be
    // released before it is read: then the next round claims it.
    for (let round = 0; round < 3; round++) {
      const [inserted] = await this.#db.query(
        `INSERT INTO idempotency_keys (session_id, scope, key, fingerprint, state, created_at)
         VALUES ($1, $2, $3, $4, 'in_progress', $5)
         ON CONFLICT (session_id, scope, key) DO NOTHING RETURNING 1`,
        [claim.sessionId, scope, claim.key, claim.fingerprint, claim.now],
      );
      if (inserted) return { state: 'claimed' };
      const [row] = await this.#db.query<{
        fingerprint: string;
        state: 'in_progress' | 'completed';
        response: unknown;
      }>(
        `SELECT fingerprint, state, response FROM idempotency_keys
         WHERE session_id = $1 AND scope = $2 AND key = $3`,
        [claim.sessionId, scope, claim.key],
      );
      if (!row) continue;
      if (row.fingerprint !== claim.fingerprint) return { state: 'mismatch' };
      if (row.state === 'in_progress') {
        if (claim.staleBefore === undefined) return { state: 'in_progress' };
        // The row lock decides between concurrent takeovers: after the first, the key is fresh.
        const [taken] = await this.#db.query(
          `UPDATE idempotency_keys SET created_at = $4
           WHERE session_id = $1 AND scope = $2 AND key = $3 AND state = 'in_progress'
             AND created_at < $5
           RETURNING 1`,
          [claim.sessionId, scope, claim.key, claim.now, claim.staleBefore],
        );
        return taken ? { state: 'claimed' } : { state: 'in_progress' };
      }
      return { state: 'completed', response: row.response };
    }
    // Claimed and released over and over by others meanwhile: someone is working on it.
    return { state: 'in_progress' };
  }

  async peekIdempotencyKey(
    sessionId: string,
    key: string,
    scope: IdempotencyScope = 'message',
  ): Promise<IdempotencyKeyState> {
    const [row] = await this.#db.query<{ state: 'in_progress' | 'completed' }>(
      'SELECT state FROM idempotency_keys WHERE session_id = $1 AND scope = $2 AND key = $3',
      [sessionId, scope, key],
    );
    return row?.state ?? 'absent';
  }

  async completeIdempotencyKey(
    sessionId: string,
    key: string,
    response: unknown,
    scope: IdempotencyScope = 'message',
  ): Promise<void> {
    await this.#db.query(
      `UPDATE idempotency_keys SET state = 'completed', response = $4::jsonb
       WHERE session_id = $1 AND scope = $2 AND key = $3`,
      [sessionId, scope, key, json(response)],
    );
  }

  async releaseIdempotencyKey(
    sessionId: string,
    key: string,
    scope: IdempotencyScope = 'message',
  ): Promise<void> {
    await this.#db.query(
      `DELETE FROM idempotency_keys
       WHERE session_id = $1 AND scope = $2 AND key = $3 AND state = 'in_progress'`,
      [sessionId, scope, key],
    );
  }

  async forgetIdempotencyKeysBefore(before: string): Promise<number> {
    return deletedInBatches(this.#db, 'idempotency_keys', 'created_at < $1', [before]);
  }

  async forgetDeliveredBefore(before: string): Promise<number> {
    return deletedInBatches(this.#db, 'outbox', 'delivered_at < $1 OR skipped_at < $1', [before]);
  }

  async enqueue(
    event: { topic: string; payload: unknown },
    options: { notBefore?: string } = {},
  ): Promise<OutboxRecord> {
    const now = this.#now().toISOString();
    return this.#db.transaction((tx) =>
      insertOutbox(tx, event, now, outboxSessionOf(event.payload), options.notBefore),
    );
  }

  async dueOutbox(now: string, limit: number): Promise<OutboxRecord[]> {
    const rows = await this.#db.query<OutboxRow>(
      `SELECT * FROM outbox
       WHERE delivered_at IS NULL AND skipped_at IS NULL AND next_attempt_at <= $1
       ORDER BY created_at, position LIMIT $2`,
      [now, limit],
    );
    return rows.map(toOutbox);
  }

  async leaseOutbox(now: string, limit: number, leaseUntil: string): Promise<OutboxRecord[]> {
    // SKIP LOCKED: instances polling at once take disjoint rows instead of waiting on each other.
    // Only the head of a session, its first undelivered message: a later one waits, even when
    // due, until every one queued before it is delivered, so that no two of a session are out
    // at once on any instance (a leased one is undelivered too). "First" is by position, taken
    // at the insert under the session's lock (see insertOutbox), so in the order the session's
    // messages commit, not created_at, read before it waits. A message that names no session
    // waits for none; a skipped one is neither taken nor waited for.
    // The heads come from one pass over the index of undelivered messages (migration 9), some
    // 20 ms for 40,000 of them. Not NOT EXISTS (an earlier undelivered one): PostgreSQL plans it
    // as a hash anti-join that compares every pair of one session's messages, 11 s for a
    // session with 20,000 waiting behind a refused one.
    const rows = await this.#db.query<OutboxRow>(
      `UPDATE outbox SET next_attempt_at = $3
       WHERE id IN (
         SELECT o.id FROM outbox o
         LEFT JOIN (
           SELECT min(position) AS position FROM outbox
           WHERE delivered_at IS NULL AND skipped_at IS NULL AND session_id IS NOT NULL
           GROUP BY session_id
         ) head ON head.position = o.position
         WHERE o.delivered_at IS NULL AND o.skipped_at IS NULL AND o.next_attempt_at <= $1
           AND (o.session_id IS NULL OR head.position IS NOT NULL)
         ORDER BY o.created_at, o.position LIMIT $2 FOR UPDATE OF o SKIP LOCKED)
       RETURNING *`,
      [now, limit, leaseUntil],
    );
    // RETURNING has no order of its own.
    rows.sort((a, b) =>
      a.created_at === b.created_at
        ? Number(a.position) - Number(b.position)
        : a.created_at < b.created_at
          ? -1
          : 1,
    );
    return rows.map(toOutbox);
  }

  async markDelivered(id: string, at: string): Promise<void> {
    await this.#db.query(
      `UPDATE outbox SET delivered_at = $2, attempts = attempts + 1, last_error = NULL,
         skipped_at = NULL
       WHERE id = $1`,
      [id, at],
    );
  }

  async outboxBacklog(): Promise<OutboxBacklog> {
    const [row] = await this.#db.query<{
      undelivered: string;
      failing: string;
      oldest: string | null;
      last_error: string | null;
    }>(
      `SELECT COUNT(*) AS undelivered, COUNT(*) FILTER (WHERE attempts > 0) AS failing,
              MIN(created_at) AS oldest,
              (SELECT last_error FROM outbox
                 WHERE delivered_at IS NULL AND skipped_at IS NULL AND last_error IS NOT NULL
                 ORDER BY next_attempt_at DESC LIMIT 1) AS last_error
         FROM outbox WHERE delivered_at IS NULL AND skipped_at IS NULL`,
    );
    // A session's first waiting message (as leaseOutbox finds it), refused at least once.
    const held = await this.#db.query<HeldRow>(
      `WITH head AS (
         SELECT min(position) AS position, count(*) - 1 AS waiting FROM outbox
         WHERE delivered_at IS NULL AND skipped_at IS NULL AND session_id IS NOT NULL
         GROUP BY session_id)
       SELECT o.id, o.topic, o.session_id, o.created_at, o.attempts, o.last_error,
              o.next_attempt_at, head.waiting::int AS waiting, count(*) OVER () AS held
         FROM head JOIN outbox o ON o.position = head.position
         WHERE o.delivered_at IS NULL AND o.skipped_at IS NULL AND o.attempts > 0
         ORDER BY o.created_at, o.position LIMIT ${HELD_LISTED}`,
    );
    return {
      undelivered: Number(row?.undelivered ?? 0),
      failing: Number(row?.failing ?? 0),
      oldestCreatedAt: row?.oldest ?? null,
      lastError: row?.last_error ?? null,
      heldSessions: held[0]?.held ?? 0,
      heldBy: held.map(toHeld),
    };
  }

  async skipOutbox(id: string, at: string): Promise<OutboxRecord | null> {
    // A second skip keeps the first one's time; a delivered message stays delivered.
    const [skipped] = await this.#db.query<OutboxRow>(
      `UPDATE outbox SET skipped_at = coalesce(skipped_at, $2)
       WHERE id = $1 AND delivered_at IS NULL RETURNING *`,
      [id, at],
    );
    if (skipped) return toOutbox(skipped);
    const [row] = await this.#db.query<OutboxRow>('SELECT * FROM outbox WHERE id = $1', [id]);
    return row ? toOutbox(row) : null;
  }

  async markFailed(id: string, error: string, nextAttemptAt: string): Promise<void> {
    await this.#db.query(
      'UPDATE outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3 WHERE id = $1',
      [id, error.slice(0, 1000), nextAttemptAt],
    );
  }

  async releaseOutbox(id: string, nextAttemptAt: string): Promise<void> {
    await this.#db.query(
      'UPDATE outbox SET next_attempt_at = $2 WHERE id = $1 AND delivered_at IS NULL',
      [id, nextAttemptAt],
    );
  }
}

/**
 * Queues `event` in transaction `tx`, tied to the session it is about (see `eraseSession`).
 *
 * A session's messages are delivered by `position`, which the insert takes from a sequence: on
 * its own, two transactions queuing for one session could commit in the other order than they
 * took their positions, and a poller could lease the later message while the earlier one was
 * not committed yet (a slow commit, a change to the ticket racing a message added to it). So the
 * insert first takes the session's advisory lock, held until `tx` ends: of the session's
 * transactions that queue, one at a time takes a position and commits, and positions follow
 * commits. Each transaction queues for one session at most, so these locks cannot deadlock.
 */
async function insertOutbox(
  tx: Queryable,
  event: { topic: string; payload: unknown },
  now: string,
  sessionId: string | null,
  /** The first try's time; `now` by default. */
  notBefore: string = now,
): Promise<OutboxRecord> {
  if (sessionId !== null) {
    await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [OUTBOX_LOCK, sessionId]);
  }
  const [row] = await tx.query<OutboxRow>(
    `INSERT INTO outbox (id, topic, payload, created_at, next_attempt_at, session_id)
     VALUES ($1, $2, $3::jsonb, $4, $6, $5) RETURNING *`,
    [randomUUID(), event.topic, json(event.payload), now, sessionId, notBefore],
  );
  if (!row) throw new Error('The outbox insert returned no row');
  return toOutbox(row);
}

/** The class of the advisory locks of sessions' outbox inserts ("saob"). */
const OUTBOX_LOCK = 0x7361_6f62;
