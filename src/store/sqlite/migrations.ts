/** One versioned change of the SQLite schema. Applied in order, each in its own transaction. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The SQLite schema, as the list of its migrations. Never edit a released migration: add one.
 *
 * Migration 1 indexed chunks in FTS5 tables; since migration 4 the lexical index is kept in
 * memory (store/lexical), ranking as FTS5 did, and `knowledge_revision` tells a process when the
 * chunks changed under it. `scope` is `kb` for the knowledge base and `session:<id>` for one
 * session's attachments.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'documents and chunks with full-text index',
    sql: `
      CREATE TABLE documents (
        id           TEXT PRIMARY KEY,
        scope        TEXT NOT NULL,
        source       TEXT NOT NULL,
        doc_key      TEXT NOT NULL,
        title        TEXT NOT NULL,
        url          TEXT,
        format       TEXT NOT NULL,
        file_hash    TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        chunk_count  INTEGER NOT NULL,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL,
        UNIQUE (scope, source, doc_key)
      );
      CREATE INDEX documents_source ON documents (scope, source);

      CREATE TABLE chunks (
        -- AUTOINCREMENT: ids are never reused, so a vector stored for a deleted chunk can never
        -- be taken for a new chunk's.
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        document_id  TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        scope        TEXT NOT NULL,
        ordinal      INTEGER NOT NULL,
        title        TEXT NOT NULL,
        heading_path TEXT NOT NULL,
        text         TEXT NOT NULL
      );
      CREATE INDEX chunks_document ON chunks (document_id, ordinal);

      CREATE VIRTUAL TABLE chunks_fts USING fts5 (
        title, heading_path, text,
        content = 'chunks', content_rowid = 'id',
        tokenize = 'porter unicode61 remove_diacritics 2'
      );
      CREATE VIRTUAL TABLE chunk_titles_fts USING fts5 (
        title, heading_path,
        content = 'chunks', content_rowid = 'id',
        tokenize = 'porter unicode61 remove_diacritics 2'
      );
      -- Each ingested file is one transaction and so one new index segment; merging segments
      -- in larger groups than FTS5's default (4) keeps ingestion fast at a small query cost.
      INSERT INTO chunks_fts (chunks_fts, rank) VALUES ('automerge', 8);
      INSERT INTO chunk_titles_fts (chunk_titles_fts, rank) VALUES ('automerge', 8);
      CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN
        INSERT INTO chunks_fts (rowid, title, heading_path, text)
        VALUES (new.id, new.title, new.heading_path, new.text);
        INSERT INTO chunk_titles_fts (rowid, title, heading_path)
        VALUES (new.id, new.title, new.heading_path);
      END;
      CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN
        INSERT INTO chunks_fts (chunks_fts, rowid, title, heading_path, text)
        VALUES ('delete', old.id, old.title, old.heading_path, old.text);
        INSERT INTO chunk_titles_fts (chunk_titles_fts, rowid, title, heading_path)
        VALUES ('delete', old.id, old.title, old.heading_path);
      END;
      CREATE TRIGGER chunks_au AFTER UPDATE ON chunks BEGIN
        INSERT INTO chunks_fts (chunks_fts, rowid, title, heading_path, text)
        VALUES ('delete', old.id, old.title, old.heading_path, old.text);
        INSERT INTO chunk_titles_fts (chunk_titles_fts, rowid, title, heading_path)
        VALUES ('delete', old.id, old.title, old.heading_path);
        INSERT INTO chunks_fts (rowid, title, heading_path, text)
        VALUES (new.id, new.title, new.heading_path, new.text);
        INSERT INTO chunk_titles_fts (rowid, title, heading_path)
        VALUES (new.id, new.title, new.heading_path);
      END;
    `,
  },
  {
    version: 2,
    name: 'conversations: messages, memories, tickets and the outbox',
    sql: `
      CREATE TABLE messages (
        id          TEXT PRIMARY KEY,
        session_id  TEXT NOT NULL,
        seq         INTEGER NOT NULL,
        role        TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
        text        TEXT NOT NULL,
        turn_id     TEXT NOT NULL,
        request_id  TEXT,
        metadata    TEXT NOT NULL DEFAULT '{}',
        created_at  TEXT NOT NULL,
        UNIQUE (session_id, seq)
      );

      CREATE TABLE memories (
        id           TEXT PRIMARY KEY,
        session_id   TEXT NOT NULL,
        type         TEXT NOT NULL CHECK (type IN ('context', 'fact', 'preference', 'summary')),
        content      TEXT NOT NULL,
        importance   REAL NOT NULL,
        created_at   TEXT NOT NULL,
        UNIQUE (session_id, type, content)
      );
      CREATE INDEX memories_session ON memories (session_id, created_at);

      CREATE TABLE tickets (
        id          TEXT PRIMARY KEY,
        session_id  TEXT NOT NULL UNIQUE,
        status      TEXT NOT NULL CHECK (status IN ('open', 'pending', 'resolved', 'closed')),
        priority    TEXT NOT NULL,
        category    TEXT NOT NULL,
        summary     TEXT NOT NULL,
        reasons     TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      );
      CREATE INDEX tickets_status ON tickets (status, created_at);

      CREATE TABLE outbox (
        id               TEXT PRIMARY KEY,
        topic            TEXT NOT NULL,
        payload          TEXT NOT NULL,
        created_at       TEXT NOT NULL,
        attempts         INTEGER NOT NULL DEFAULT 0,
        next_attempt_at  TEXT NOT NULL,
        delivered_at     TEXT,
        last_error       TEXT
      );
      CREATE INDEX outbox_due ON outbox (delivered_at, next_attempt_at);
    `,
  },
  {
    version: 3,
    name: 'session summaries for the admin console, and idempotency keys',
    sql: `
      -- One row per session with messages, kept by appendMessage: listing sessions by their
      -- latest activity must not group every message ever stored.
      CREATE TABLE message_sessions (
        session_id       TEXT PRIMARY KEY,
        message_count    INTEGER NOT NULL,
        first_message_at TEXT NOT NULL,
        last_message_at  TEXT NOT NULL
      );
      CREATE INDEX message_sessions_activity ON message_sessions (last_message_at, session_id);
      INSERT INTO message_sessions (session_id, message_count, first_message_at, last_message_at)
        SELECT session_id, COUNT(*), MIN(created_at), MAX(created_at) FROM messages GROUP BY session_id;

      CREATE INDEX tickets_created ON tickets (created_at);

      CREATE TABLE idempotency_keys (
        session_id  TEXT NOT NULL,
        key         TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        state       TEXT NOT NULL CHECK (state IN ('in_progress', 'completed')),
        response    TEXT,
        created_at  TEXT NOT NULL,
        PRIMARY KEY (session_id, key)
      );
      CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
    `,
  },
  {
    version: 4,
    name: 'lexical index in memory: the FTS5 tables give way to a revision of the chunks',
    sql: `
      -- Searches run on an index kept in memory (store/lexical), which ranks exactly as these
      -- tables did; keeping them would only slow every write down.
      DROP TRIGGER chunks_ai;
      DROP TRIGGER chunks_ad;
      DROP TRIGGER chunks_au;
      DROP TABLE chunks_fts;
      DROP TABLE chunk_titles_fts;

      -- Moves with every change of a chunk, whoever makes it, so that a process can tell that
      -- its index no longer matches the table (another process ingested into the same file).
      CREATE TABLE knowledge_revision (
        id    INTEGER PRIMARY KEY CHECK (id = 0),
        value INTEGER NOT NULL
      );
      INSERT INTO knowledge_revision (id, value) VALUES (0, 0);
      CREATE TRIGGER chunks_revision_ai AFTER INSERT ON chunks BEGIN
        UPDATE knowledge_revision SET value = value + 1 WHERE id = 0;
      END;
      CREATE TRIGGER chunks_revision_ad AFTER DELETE ON chunks BEGIN
        UPDATE knowledge_revision SET value = value + 1 WHERE id = 0;
      END;
      CREATE TRIGGER chunks_revision_au AFTER UPDATE ON chunks BEGIN
        UPDATE knowledge_revision SET value = value + 1 WHERE id = 0;
      END;
    `,
  },
  {
    version: 5,
    name: "turn reads: a reply's found flag in a column, memories indexed by type",
    sql: `
      -- metadata.found of each message, read by every turn: parsing the metadata of the last
      -- replies (their sources, with snippets) for it cost as much as the rest of the read.
      ALTER TABLE messages ADD COLUMN found INTEGER CHECK (found IN (0, 1));
      UPDATE messages SET found = CASE json_type(metadata, '$.found')
        WHEN 'true' THEN 1 WHEN 'false' THEN 0 END;

      -- A turn reads the newest memories of each type.
      DROP INDEX memories_session;
      CREATE INDEX memories_session_type ON memories (session_id, type, created_at);
    `,
  },
  {
    version: 6,
    name: 'uploaded files kept in the database',
    sql: `
      -- The bytes of uploaded documents, so that a re-index reads them from here.
      CREATE TABLE source_files (
        scope     TEXT NOT NULL,
        source    TEXT NOT NULL,
        name      TEXT NOT NULL,
        data      BLOB NOT NULL,
        stored_at TEXT NOT NULL,
        PRIMARY KEY (scope, source)
      );
    `,
  },
  {
    version: 7,
    name: 'outbox messages tied to their session, for erasing a session',
    sql: `
      -- The session a webhook message is about (escalation's payloads name it), so that erasing
      -- a session finds its messages without reading every payload.
      ALTER TABLE outbox ADD COLUMN session_id TEXT;
      UPDATE outbox SET session_id = COALESCE(
        json_extract(payload, '$.sessionId'), json_extract(payload, '$.ticket.sessionId'))
        WHERE json_valid(payload);
      CREATE INDEX outbox_session ON outbox (session_id) WHERE session_id IS NOT NULL;
    `,
  },
  {
    version: 8,
    name: "outbox delivered in order per session: a session's undelivered messages indexed",
    sql: `
      -- A message is leased only when no earlier message of its session (by rowid, which every
      -- entry of an index carries) is undelivered. The undelivered ones alone answer that, however
      -- many delivered ones are kept; leasing asks it of every due message.
      CREATE INDEX outbox_session_undelivered ON outbox (session_id)
        WHERE delivered_at IS NULL AND session_id IS NOT NULL;
    `,
  },
  {
    version: 9,
    name: 'outbox messages an operator skipped',
    sql: `
      -- When an operator gave up on a message its receiver refuses for good: kept for the
      -- record, never tried again, and no longer holding its session's later messages back. The
      -- index of a session's waiting messages leaves skipped ones out, as it does delivered ones.
      ALTER TABLE outbox ADD COLUMN skipped_at TEXT;
      DROP INDEX outbox_session_undelivered;
      CREATE INDEX outbox_session_undelivered ON outbox (session_id)
        WHERE delivered_at IS NULL AND skipped_at IS NULL AND session_id IS NOT NULL;
    `,
  },
  {
    version: 10,
    name: 'turn reads: whether a reply handed the conversation over, in a column',
    sql: `
      -- metadata.escalation.escalate of each reply, read by every turn with found: the run of
      -- questions left unanswered starts again after a hand-over. 1, or null for any other.
      ALTER TABLE messages ADD COLUMN escalated INTEGER CHECK (escalated = 1);
      UPDATE messages SET escalated = 1
        WHERE json_valid(metadata) AND json_type(metadata, '$.escalation.escalate') = 'true';
    `,
  },
  {
    version: 11,
    name: 'the ticket list filtered by priority or category, indexed',
    sql: `
      -- The admin console lists tickets of one priority or category, newest first, and counts
      -- them: as tickets_status does for a status, each index finds them and gives their order
      -- (with the rowid every entry carries), without reading every ticket. A filter on several
      -- fields reads one of these and checks the others on its rows.
      CREATE INDEX tickets_priority ON tickets (priority, created_at);
      CREATE INDEX tickets_category ON tickets (category, created_at);
    `,
  },
  {
    version: 12,
    name: 'tickets given to a person on the staff',
    sql: `
      -- Who on the staff has the ticket (a name or an e-mail, as they set it); null for no one.
      -- Each person lists their own tickets, newest first, as the other filters do.
      ALTER TABLE tickets ADD COLUMN assignee TEXT;
      CREATE INDEX tickets_assignee ON tickets (assignee, created_at);
    `,
  },
  {
    version: 13,
    name: 'messages the staff write into a conversation',
    sql: `
      -- A role's CHECK cannot be altered in SQLite: the table is made again with 'staff' among
      -- the roles, its rows copied as they are (the columns later migrations added included),
      -- and put in the old one's place. Nothing else refers to it (no trigger, view or key).
      CREATE TABLE messages_new (
        id          TEXT PRIMARY KEY,
        session_id  TEXT NOT NULL,
        seq         INTEGER NOT NULL,
        role        TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'staff')),
        text        TEXT NOT NULL,
        turn_id     TEXT NOT NULL,
        request_id  TEXT,
        metadata    TEXT NOT NULL DEFAULT '{}',
        created_at  TEXT NOT NULL,
        found       INTEGER CHECK (found IN (0, 1)),
        escalated   INTEGER CHECK (escalated = 1),
        UNIQUE (session_id, seq)
      );
      INSERT INTO messages_new
        (id, session_id, seq, role, text, turn_id, request_id, metadata, created_at, found, escalated)
        SELECT id, session_id, seq, role, text, turn_id, request_id, metadata, created_at, found,
          escalated
        FROM messages;
      DROP TABLE messages;
      ALTER TABLE messages_new RENAME TO messages;
    `,
  },
  {
    version: 14,
    name: 'the name a person on the staff signs their message with',
    sql: `
      -- A staff message's author, as they named themselves; null when they gave no name, and
      -- for the customer's messages and the agent's replies.
      ALTER TABLE messages ADD COLUMN author TEXT;
    `,
  },
  {
    version: 15,
    name: "a customer's attached files remembered apart from their details",
    sql: `
      -- A type's CHECK cannot be altered in SQLite: the table is made again with 'file' among
      -- the types, and the files remembered so far (kept as facts until now, each as
      -- "Attached file: <name> (message <n>)") moved to it. The rowids are kept: they order
      -- memories stored at the same moment. Nothing else refers to the table.
      CREATE TABLE memories_new (
        id           TEXT PRIMARY KEY,
        session_id   TEXT NOT NULL,
        type         TEXT NOT NULL
          CHECK (type IN ('context', 'fact', 'file', 'preference', 'summary')),
        content      TEXT NOT NULL,
        importance   REAL NOT NULL,
        created_at   TEXT NOT NULL,
        UNIQUE (session_id, type, content)
      );
      INSERT INTO memories_new (rowid, id, session_id, type, content, importance, created_at)
        SELECT rowid, id, session_id,
          CASE WHEN type = 'fact' AND substr(content, 1, 15) = 'Attached file: ' THEN 'file'
            ELSE type END,
          content, importance, created_at
        FROM memories;
      DROP TABLE memories;
      ALTER TABLE memories_new RENAME TO memories;
      CREATE INDEX memories_session_type ON memories (session_id, type, created_at);
    `,
  },
  {
    version: 16,
    name: "idempotency keys of the staff's messages apart from the customer's",
    sql: `
      -- A key is a key of its session and of the kind of request it was sent with; a primary
      -- key cannot be altered in SQLite, so the table is made again. The keys stored so far are
      -- all of customers' messages.
      CREATE TABLE idempotency_keys_new (
        session_id  TEXT NOT NULL,
        scope       TEXT NOT NULL DEFAULT 'message',
        key         TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        state       TEXT NOT NULL CHECK (state IN ('in_progress', 'completed')),
        response    TEXT,
        created_at  TEXT NOT NULL,
        PRIMARY KEY (session_id, scope, key)
      );
      INSERT INTO idempotency_keys_new
          (session_id, scope, key, fingerprint, state, response, created_at)
        SELECT session_id, 'message', key, fingerprint, state, response, created_at
        FROM idempotency_keys;
      DROP TABLE idempotency_keys;
      ALTER TABLE idempotency_keys_new RENAME TO idempotency_keys;
      CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
    `,
  },
  {
    version: 17,
    name: 'tickets found by their assignee in any letter case, by an index',
    sql: `
      -- "?assignee=José" finds the tickets of "JOSÉ" too: the name folded to one case (the
      -- connection's fold_case, as the repository folds it) is kept beside it, and indexed, where
      -- folding it in the query read every ticket.
      ALTER TABLE tickets ADD COLUMN assignee_key TEXT;
      UPDATE tickets SET assignee_key = fold_case(assignee) WHERE assignee IS NOT NULL;
      DROP INDEX tickets_assignee;
      CREATE INDEX tickets_assignee_key ON tickets (assignee_key, created_at);
    `,
  },
  {
    version: 18,
    name: 'the ticket list ordered by time and id, indexed, for paging by a cursor',
    sql: `
      -- The ticket list pages by a cursor, (created_at, id) of the last ticket shown: of tickets
      -- opened at the same moment, the id (which both databases have) says which comes first,
      -- where the rowid did. Each index the list is read by ends with both, so that it gives the
      -- list's order and finds where a cursor starts, without sorting what it found.
      DROP INDEX tickets_created;
      CREATE INDEX tickets_created ON tickets (created_at, id);
      DROP INDEX tickets_status;
      CREATE INDEX tickets_status ON tickets (status, created_at, id);
      DROP INDEX tickets_priority;
      CREATE INDEX tickets_priority ON tickets (priority, created_at, id);
      DROP INDEX tickets_category;
      CREATE INDEX tickets_category ON tickets (category, created_at, id);
      DROP INDEX tickets_assignee_key;
      CREATE INDEX tickets_assignee_key ON tickets (assignee_key, created_at, id);
    `,
  },
  {
    version: 19,
    name: 'memories indexed by when they were stored, for forgetting old ones',
    sql: `
      -- The hourly sweep forgets memories older than MEMORY_MAX_AGE_DAYS: by this index it reads
      -- only those, where it read every memory of every session (PostgreSQL's memories_created).
      CREATE INDEX memories_created ON memories (created_at);
    `,
  },
  {
    version: 20,
    name: "tickets' assignees composed (NFC), so that an accent typed either way finds them",
    sql: `
      -- "José" is one person however its accent was typed (one character, or a letter and a
      -- combining accent): names are stored composed, and the key they are found by is folded
      -- from the composed name (the connection's nfc and fold_case, as the repository makes
      -- them). The key is folded from the name before this statement composes it: fold_case
      -- composes too.
      UPDATE tickets SET assignee = nfc(assignee), assignee_key = fold_case(assignee)
        WHERE assignee IS NOT NULL
          AND (assignee <> nfc(assignee) OR assignee_key IS NOT fold_case(assignee));
    `,
  },
];
