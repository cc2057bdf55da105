import type { Migration } from '../sqlite/migrations.js';

/**
 * The PostgreSQL schema, as the list of its migrations. Never edit a released migration: add one.
 * The numbering is PostgreSQL's own; it need not follow SQLite's.
 *
 * Full-text search indexes terms the repository has already made as FTS5 makes them (cut into
 * lowercase words, diacritics removed, Porter-stemmed: see `lexical/search-text.ts`), so PostgreSQL uses
 * the `simple` configuration, which keeps each as it is: no second stemmer, and no stop words
 * (the retriever searches question words such as "how" and "can" on purpose). Each chunk has a
 * `tsvector` of the whole chunk (indexed) and one of its title and heading path (not indexed:
 * every chunk whose title matches also matches the whole chunk), plus both lengths in words,
 * and `chunk_totals` keeps the counts that BM25 normalises by, one row per scope.
 */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'documents and chunks with full-text search',
    sql: `
      -- OR of any number of queries, to match a chunk against the chosen terms at once.
      CREATE AGGREGATE tsquery_any (tsquery) (SFUNC = tsquery_or, STYPE = tsquery);

      CREATE TABLE documents (
        id           text PRIMARY KEY,
        scope        text NOT NULL,
        source       text NOT NULL,
        doc_key      text NOT NULL,
        title        text NOT NULL,
        url          text,
        format       text NOT NULL,
        file_hash    text NOT NULL,
        content_hash text NOT NULL,
        chunk_count  integer NOT NULL,
        created_at   timestamptz NOT NULL,
        updated_at   timestamptz NOT NULL,
        UNIQUE (scope, source, doc_key)
      );
      -- Listing sorts by code point, as SQLite does, whatever the database's collation.
      CREATE INDEX documents_listing ON documents (scope, source COLLATE "C", doc_key COLLATE "C");

      CREATE TABLE chunks (
        -- Never reused, so a vector stored for a deleted chunk can never be taken for a new one's.
        id           bigserial PRIMARY KEY,
        document_id  text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        scope        text NOT NULL,
        ordinal      integer NOT NULL,
        title        text NOT NULL,
        heading_path text NOT NULL,
        text         text NOT NULL,
        words        integer NOT NULL,
        title_words  integer NOT NULL,
        terms        tsvector NOT NULL,
        title_terms  tsvector NOT NULL
      );
      CREATE INDEX chunks_document ON chunks (document_id, ordinal);
      CREATE INDEX chunks_scope ON chunks (scope, id);
      CREATE INDEX chunks_terms ON chunks USING gin (terms);

      CREATE TABLE chunk_totals (
        singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        chunks      bigint NOT NULL,
        words       bigint NOT NULL,
        title_words bigint NOT NULL
      );
      INSERT INTO chunk_totals (chunks, words, title_words) VALUES (0, 0, 0);
    `,
  },
  {
    version: 2,
    name: 'conversations: messages, memories, tickets, outbox and idempotency keys',
    sql: `
      -- One row per session with messages. appendMessage takes the next number here, under the
      -- row's lock, so concurrent appends to one session get 1, 2, 3… from any process.
      CREATE TABLE message_sessions (
        session_id       text PRIMARY KEY,
        message_count    integer NOT NULL,
        first_message_at timestamptz NOT NULL,
        last_message_at  timestamptz NOT NULL
      );
      CREATE INDEX message_sessions_activity
        ON message_sessions (last_message_at DESC, session_id COLLATE "C" DESC);

      CREATE TABLE messages (
        id          text PRIMARY KEY,
        session_id  text NOT NULL,
        seq         integer NOT NULL,
        role        text NOT NULL CHECK (role IN ('user', 'assistant')),
        text        text NOT NULL,
        turn_id     text NOT NULL,
        request_id  text,
        metadata    jsonb NOT NULL DEFAULT '{}',
        created_at  timestamptz NOT NULL,
        UNIQUE (session_id, seq)
      );

      CREATE TABLE memories (
        id          text PRIMARY KEY,
        position    bigint GENERATED ALWAYS AS IDENTITY,
        session_id  text NOT NULL,
        type        text NOT NULL CHECK (type IN ('context', 'fact', 'preference', 'summary')),
        content     text NOT NULL,
        importance  double precision NOT NULL,
        created_at  timestamptz NOT NULL
      );
      -- By hash: a B-tree entry cannot hold a long memory's text.
      CREATE UNIQUE INDEX memories_once ON memories (session_id, type, md5(content));
      CREATE INDEX memories_session ON memories (session_id, created_at);
      CREATE INDEX memories_created ON memories (created_at);

      CREATE TABLE tickets (
        id          text PRIMARY KEY,
        position    bigint GENERATED ALWAYS AS IDENTITY,
        session_id  text NOT NULL UNIQUE,
        status      text NOT NULL CHECK (status IN ('open', 'pending', 'resolved', 'closed')),
        priority    text NOT NULL,
        category    text NOT NULL,
        summary     text NOT NULL,
        reasons     jsonb NOT NULL,
        created_at  timestamptz NOT NULL,
        updated_at  timestamptz NOT NULL
      );
      CREATE INDEX tickets_newest ON tickets (created_at DESC, position DESC);
      CREATE INDEX tickets_status ON tickets (status, created_at DESC, position DESC);

      CREATE TABLE outbox (
        id               text PRIMARY KEY,
        position         bigint GENERATED ALWAYS AS IDENTITY,
        topic            text NOT NULL,
        payload          jsonb NOT NULL,
        created_at       timestamptz NOT NULL,
        attempts         integer NOT NULL DEFAULT 0,
        next_attempt_at  timestamptz NOT NULL,
        delivered_at     timestamptz,
        last_error       text
      );
      CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL;

      CREATE TABLE idempotency_keys (
        session_id  text NOT NULL,
        key         text NOT NULL,
        fingerprint text NOT NULL,
        state       text NOT NULL CHECK (state IN ('in_progress', 'completed')),
        response    jsonb,
        created_at  timestamptz NOT NULL,
        PRIMARY KEY (session_id, key)
      );
      CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
    `,
  },
  {
    version: 3,
    name: 'vector index metadata',
    sql: `
      -- The model and dimension of the stored vectors, how they are stored, and a generation
      -- that every change of them takes anew from a sequence (instances that cache vectors
      -- reload when it moves; a sequence never gives a number twice, even if the row is
      -- deleted). The vector table itself is made when the index is configured: its column
      -- type depends on the dimension.
      CREATE SEQUENCE vector_generations;
      CREATE TABLE vector_meta (
        singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        model      text NOT NULL,
        dimensions integer NOT NULL,
        storage    text NOT NULL CHECK (storage IN ('pgvector', 'bytea')),
        generation bigint NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'memories indexed by type',
    sql: `
      -- A turn reads the newest memories of each type.
      DROP INDEX memories_session;
      CREATE INDEX memories_session_type ON memories (session_id, type, created_at, position);
    `,
  },
  {
    version: 5,
    name: 'uploaded files kept in the database',
    sql: `
      -- The bytes of uploaded documents, so that any instance can re-index them.
      CREATE TABLE source_files (
        scope     text NOT NULL,
        source    text NOT NULL,
        name      text NOT NULL,
        data      bytea NOT NULL,
        stored_at timestamptz NOT NULL,
        PRIMARY KEY (scope, source)
      );
    `,
  },
  {
    version: 6,
    name: 'whether a chunk title asks a question, and how many do',
    sql: `
      -- Whether the title or a heading asks a question: the pattern of titleAsks in
      -- src/store/lexical/search-text.ts (\\y is the word boundary here). New rows get it from
      -- that function.
      ALTER TABLE chunks ADD COLUMN title_asks boolean NOT NULL DEFAULT false;
      UPDATE chunks SET title_asks = EXISTS (
        SELECT 1
        FROM unnest(array_prepend(title, string_to_array(heading_path, ' \u203a '))) AS h(text)
        WHERE h.text ~* '\\?\\s*$|^\\s*(how|what|when|where|why|who|which|can|could|do|does|did|is|are|will|should|may)\\y'
      );
      ALTER TABLE chunks ALTER COLUMN title_asks DROP DEFAULT;
      ALTER TABLE chunk_totals ADD COLUMN asking_chunks bigint NOT NULL DEFAULT 0;
      UPDATE chunk_totals SET asking_chunks = (SELECT count(*) FROM chunks WHERE title_asks);
    `,
  },
  {
    version: 7,
    name: 'the counts BM25 normalises by, per scope',
    sql: `
      -- A search normalises by the counts of the scopes it searches alone: a session's
      -- attachments must change nothing of how the help center or another session ranks.
      -- Instances of earlier versions write one row of totals: stop them before migrating.
      DROP TABLE chunk_totals;
      CREATE TABLE chunk_totals (
        scope         text PRIMARY KEY,
        chunks        bigint NOT NULL,
        words         bigint NOT NULL,
        title_words   bigint NOT NULL,
        asking_chunks bigint NOT NULL
      );
      INSERT INTO chunk_totals (scope, chunks, words, title_words, asking_chunks)
      SELECT scope, count(*), sum(words), sum(title_words), count(*) FILTER (WHERE title_asks)
      FROM chunks GROUP BY scope;
    `,
  },
  {
    version: 8,
    name: 'outbox messages tied to their session, for erasing a session',
    sql: `
      -- The session a webhook message is about (escalation's payloads name it), so that erasing
      -- a session finds its messages without reading every payload.
      ALTER TABLE outbox ADD COLUMN session_id text;
      UPDATE outbox SET session_id = coalesce(payload ->> 'sessionId', payload -> 'ticket' ->> 'sessionId');
      CREATE INDEX outbox_session ON outbox (session_id) WHERE session_id IS NOT NULL;
    `,
  },
  {
    version: 9,
    name: "outbox delivered in order per session: a session's undelivered messages indexed",
    sql: `
      -- A message is leased only when it is the first undelivered one of its session (by
      -- position): leasing reads the first of each session from this index in one pass, which
      -- holds the undelivered ones alone, however many delivered ones are kept.
      CREATE INDEX outbox_session_undelivered ON outbox (session_id, position)
        WHERE delivered_at IS NULL;
    `,
  },
  {
    version: 10,
    name: "the stemming revision of the chunks' stored terms",
    sql: `
      -- The revision of the stemmer that made the stems in chunks.terms and title_terms
      -- (STEMMING_REVISION in src/store/lexical/search-text.ts). Chunks stored before this
      -- migration have the original's, 0. Opening the store recomputes every chunk's terms
      -- from its text when this differs from the program's revision, and writes the program's
      -- revision here once all are done (src/store/postgres/recompute-terms.ts): a new database
      -- starts at 0 too, and its first start recomputes its no chunks.
      CREATE TABLE stemming (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        revision  integer NOT NULL
      );
      INSERT INTO stemming (revision) VALUES (0);
    `,
  },
  {
    version: 11,
    name: 'outbox messages an operator skipped',
    sql: `
      -- When an operator gave up on a message its receiver refuses for good: kept for the
      -- record, never tried again, and no longer holding its session's later messages back. The
      -- indexes of waiting messages leave skipped ones out, as they do delivered ones.
      ALTER TABLE outbox ADD COLUMN skipped_at timestamptz;
      DROP INDEX outbox_session_undelivered;
      CREATE INDEX outbox_session_undelivered ON outbox (session_id, position)
        WHERE delivered_at IS NULL AND skipped_at IS NULL;
      DROP INDEX outbox_due;
      CREATE INDEX outbox_due ON outbox (next_attempt_at)
        WHERE delivered_at IS NULL AND skipped_at IS NULL;
    `,
  },
  {
    version: 12,
    name: 'vectors deleted with their chunks, whether dense retrieval is on or off',
    sql: `
      -- A chunk's vector goes in the statement that deletes the chunk, whoever deletes it: an
      -- instance without dense retrieval never touches the vector index, and a vector left
      -- behind would be found again (and take a place among the nearest) once dense retrieval
      -- is back on. Not a foreign key: the vector table exists only once the index is
      -- configured (its column type is the model's dimension), and is dropped and made again
      -- for another model. Once per statement, over the chunks it deleted; the generation moves
      -- when vectors went, so that instances holding the vectors in memory read them again.
      -- The vector table is the one beside the chunks, whatever the session's search_path.
      CREATE FUNCTION chunk_vectors_follow() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF to_regclass(format('%I.chunk_vectors', TG_TABLE_SCHEMA)) IS NULL THEN
          RETURN NULL;
        END IF;
        EXECUTE format(
          'WITH went AS (DELETE FROM %1$I.chunk_vectors v USING gone WHERE v.chunk_id = gone.id
                         RETURNING 1)
           UPDATE %1$I.vector_meta SET generation = nextval(%2$L)
           WHERE EXISTS (SELECT 1 FROM went)',
          TG_TABLE_SCHEMA, format('%I.vector_generations', TG_TABLE_SCHEMA));
        RETURN NULL;
      END
      $$;
      CREATE TRIGGER chunks_vectors_follow AFTER DELETE ON chunks
        REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION chunk_vectors_follow();

      -- The vectors that chunks deleted before this migration left behind.
      DO $$
      BEGIN
        IF to_regclass('chunk_vectors') IS NOT NULL THEN
          WITH went AS (
            DELETE FROM chunk_vectors v WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.id = v.chunk_id)
            RETURNING 1)
          UPDATE vector_meta SET generation = nextval('vector_generations')
          WHERE EXISTS (SELECT 1 FROM went);
        END IF;
      END
      $$;
    `,
  },
  {
    version: 13,
    name: 'the ticket list filtered by priority or category, indexed',
    sql: `
      -- The admin console lists tickets of one priority or category, newest first, and counts
      -- them: as tickets_status does for a status, each index finds them in the list's order
      -- without reading every ticket. A filter on several fields reads one of these (or
      -- combines them) and checks the others on its rows.
      CREATE INDEX tickets_priority ON tickets (priority, created_at DESC, position DESC);
      CREATE INDEX tickets_category ON tickets (category, created_at DESC, position DESC);
    `,
  },
  {
    version: 14,
    name: 'tickets given to a person on the staff',
    sql: `
      -- Who on the staff has the ticket (a name or an e-mail, as they set it); null for no one.
      -- Each person lists their own tickets, newest first, as the other filters do.
      ALTER TABLE tickets ADD COLUMN assignee text;
      CREATE INDEX tickets_assignee ON tickets (assignee, created_at DESC, position DESC);
    `,
  },
  {
    version: 15,
    name: 'messages the staff write into a conversation',
    sql: `
      -- The CHECK of migration 2, under the name PostgreSQL gave it, with 'staff' among the roles.
      ALTER TABLE messages DROP CONSTRAINT messages_role_check;
      ALTER TABLE messages ADD CONSTRAINT messages_role_check
        CHECK (role IN ('user', 'assistant', 'staff'));
    `,
  },
  {
    version: 16,
    name: 'the name a person on the staff signs their message with',
    sql: `
      -- A staff message's author, as they named themselves; null when they gave no name, and
      -- for the customer's messages and the agent's replies.
      ALTER TABLE messages ADD COLUMN author text;
    `,
  },
  {
    version: 17,
    name: "a customer's attached files remembered apart from their details",
    sql: `
      -- The CHECK of migration 2, under the name PostgreSQL gave it, with 'file' among the
      -- types; the files remembered so far (kept as facts until now, each as
      -- "Attached file: <name> (message <n>)") move to it.
      ALTER TABLE memories DROP CONSTRAINT memories_type_check;
      ALTER TABLE memories ADD CONSTRAINT memories_type_check
        CHECK (type IN ('context', 'fact', 'file', 'preference', 'summary'));
      UPDATE memories SET type = 'file'
        WHERE type = 'fact' AND left(content, 15) = 'Attached file: ';
    `,
  },
  {
    version: 18,
    name: "idempotency keys of the staff's messages apart from the customer's",
    sql: `
      -- A key is a key of its session and of the kind of request it was sent with: the keys
      -- stored so far are all of customers' messages.
      ALTER TABLE idempotency_keys ADD COLUMN scope text NOT NULL DEFAULT 'message';
      ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey;
      ALTER TABLE idempotency_keys ADD PRIMARY KEY (session_id, scope, key);
    `,
  },
  {
    version: 19,
    name: 'tickets found by their assignee in any letter case, by an index',
    sql: `
      -- "?assignee=José" compares lower(assignee): indexed as such, where the index on the name
      -- as written could not serve it.
      DROP INDEX tickets_assignee;
      CREATE INDEX tickets_assignee_lower ON tickets (lower(assignee), created_at DESC, position DESC);
    `,
  },
  {
    version: 20,
    name: 'the ticket list ordered by time and id, indexed, for paging by a cursor',
    sql: `
      -- The ticket list pages by a cursor, (created_at, id) of the last ticket shown: of tickets
      -- opened at the same moment, the id compared byte by byte (as SQLite compares it) says
      -- which comes first, where position did. Each index the list is read by ends with both, so
      -- that it gives the list's order and finds where a cursor starts, without a sort.
      DROP INDEX tickets_newest;
      CREATE INDEX tickets_newest ON tickets (created_at DESC, id COLLATE "C" DESC);
      DROP INDEX tickets_status;
      CREATE INDEX tickets_status ON tickets (status, created_at DESC, id COLLATE "C" DESC);
      DROP INDEX tickets_priority;
      CREATE INDEX tickets_priority ON tickets (priority, created_at DESC, id COLLATE "C" DESC);
      DROP INDEX tickets_category;
      CREATE INDEX tickets_category ON tickets (category, created_at DESC, id COLLATE "C" DESC);
      DROP INDEX tickets_assignee_lower;
      CREATE INDEX tickets_assignee_lower ON tickets (lower(assignee), created_at DESC, id COLLATE "C" DESC);
    `,
  },
  {
    version: 21,
    name: "tickets' assignees composed (NFC), so that an accent typed either way finds them",
    sql: `
      -- "José" is one person however its accent was typed (one character, or a letter and a
      -- combining accent): names are stored composed, as the repository now stores and looks
      -- them up, and lower() of two composed names is the same for the same name.
      -- normalize() needs a UTF8 database: in any other (SQL_ASCII) it fails, and the server
      -- would not start; the names there stay as they were stored.
      DO $$
      BEGIN
        IF current_setting('server_encoding') = 'UTF8' THEN
          UPDATE tickets SET assignee = normalize(assignee, NFC)
            WHERE assignee IS NOT NULL AND assignee IS NOT NFC NORMALIZED;
        END IF;
      END
      $$;
    `,
  },
];
