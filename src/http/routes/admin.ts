import { resolve } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../../app.js';
import { cleanMessage } from '../../agent/turn.js';
import { AppError, isAppError } from '../../errors/index.js';
import {
  adminSearchBodySchema,
  documentListCursor,
  documentListQuerySchema,
  documentReindexBodySchema,
  MAX_UPLOAD_FILES,
  noOptionsBodySchema,
  sessionListCursor,
  sessionListQuerySchema,
  staffMessageBodySchema,
  ticketListCursor,
  ticketListQuerySchema,
  ticketPatchSchema,
  transcriptAttachmentSchema,
  transcriptQuerySchema,
  type AdminSearchResult,
  type DocumentDeleted,
  type DocumentList,
  type DocumentReindexResult,
  type DocumentUploadResult,
  type IngestReportView,
  type OutboxBacklogView,
  type OutboxSkipResult,
  type SessionDetail,
  type SessionList,
  type TicketContact,
  type TicketDetail,
  type TicketList,
  type TicketView,
  type ToolList,
  type ToolReset,
  type TranscriptAttachment,
  type TranscriptMessage,
} from '../../protocol/admin-api.js';
import {
  ingestFiles,
  ingestPaths,
  summarize,
  type IngestOptions,
  type IngestReport,
} from '../../rag/index.js';
import {
  sessionScope,
  type MessageRecord,
  type OutboxEvent,
  type TicketRecord,
} from '../../store/index.js';
import { keptAttachmentFile } from '../../tools/index.js';
import { sessionContact } from '../../tools/memory/index.js';
import { adminKeyMatches, bearerToken } from '../auth.js';
import { jsonBody, optionalJsonBody } from '../body.js';
import { sendDownload } from '../download.js';
import { TAKES_FILES_ONLY } from '../errors.js';
import { idempotencyKeyOf, markReplayed } from '../idempotency-key.js';
import { readMultipart } from '../multipart.js';
import { viewOf } from '../session-access.js';
import { sendStaffMessage } from '../staff-messages.js';
import { createSourceLocks } from './admin-source-locks.js';
import type { MessageView } from '../../protocol/api.js';
import { parseInput, requireId } from '../validate.js';

type Id = { Params: { id: string } };
type Query = { Querystring: Record<string, string> };

/** The folder-like prefix of uploaded documents' sources. */
const UPLOADS = 'uploads';

/** Whether A and B have the same fields, of the same types. */
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// An ingestion report goes out as the ingester writes it: a field its schema does not name makes
// strict clients (and SDKs generated from the OpenAPI document) refuse a valid response.
const _reportFieldsMatch: Exactly<IngestReport, IngestReportView> = true;

/**
 * The staff's routes under `/v1/admin`, behind the admin key: knowledge-base documents (upload,
 * list, delete, re-index), the search playground, tickets, sessions with transcripts (and their
 * erasure), tool health with breaker reset, and the webhook's backlog.
 */
export function adminRoutes(server: FastifyInstance, app: App): void {
  const { knowledge, conversations, tools, config } = app;
  // Uploads, deletes and re-indexes of one source, one after another (see `createSourceLocks`).
  const exclusive = createSourceLocks();
  const sourceKey = (scope: string, source: string) => `${scope} ${source}`;

  server.register(async (admin) => {
    admin.addHook('onRequest', async (request: FastifyRequest) => {
      const hash = app.adminKeyHash;
      if (hash === undefined) {
        throw new AppError(
          'unauthorized',
          'The admin API is off: set ADMIN_API_KEY (or start with `support-agent serve`, which creates one).',
        );
      }
      if (!adminKeyMatches(bearerToken(request), hash)) {
        throw new AppError('unauthorized', 'Send the admin key as `Authorization: Bearer <key>`.');
      }
    });

    admin.get<Query>('/v1/admin/documents', async (request) => {
      const query = parseInput(documentListQuerySchema, request.query, 'query');
      // One more than the page (see `pageOf`).
      const page = await knowledge.documents(query.scope, {
        limit: query.limit + 1,
        ...(query.after ? { after: query.after } : {}),
        offset: query.offset ?? 0,
      });
      const { items, next } = pageOf(page.items, query.limit, documentListCursor);
      const list: DocumentList = { items, total: page.total, nextAfter: next };
      return list;
    });

    admin.post('/v1/admin/documents', { config: TAKES_FILES_ONLY }, async (request, reply) => {
      if (!request.isMultipart()) {
        throw new AppError(
          'unsupported_media_type',
          'Upload documents as multipart/form-data, one file per part.',
        );
      }
      const body = await readMultipart(request, {
        maxFileBytes: config.kb.maxFileBytes,
        maxTotalBytes: config.kb.maxFileBytes * 4,
        maxFiles: MAX_UPLOAD_FILES,
        fields: [],
        per: 'upload',
      });
      if (body.files.length === 0) throw new AppError('invalid_input', 'The upload has no files.');
      refuseUnnamed(body.files);
      refuseNameClash(body.files);
      // Each file is the source `uploads/<its sanitized name>`, the same on every instance: a
      // later upload of the same name replaces the document. Its bytes are kept in the database,
      // where any instance can read them again to re-index it.
      const files = body.files.map((file) => ({
        source: `${UPLOADS}/${file.name}`,
        name: file.name,
        data: file.data,
      }));
      const { report, failed } = await exclusive(
        files.map((file) => sourceKey('kb', file.source)),
        async () => {
          // Each file is kept with its documents, in one write: none is stored without the other.
          const report = await ingestFiles(knowledge, files, {
            ...ingestOptions(app, request.log),
            keepFiles: true,
          });
          const failed = new Set([
            ...report.failed.map((failure) => failure.path),
            ...report.duplicates.map((duplicate) => duplicate.path),
          ]);
          for (const file of files) {
            if (failed.has(file.source)) continue;
            // Earlier versions kept uploads on the receiving instance's disk, under its path.
            const legacy = resolve(config.dataDir, UPLOADS, file.name);
            if (legacy !== file.source) await knowledge.deleteSource('kb', legacy);
          }
          return { report, failed };
        },
      );
      await app.indexVectors().catch((error: unknown) => {
        app.logger.warn({ err: error }, 'embedding uploaded documents failed');
      });
      // A file whose bytes another document holds already is shown by that document, with its
      // id, as a stored file is by its own: every file uploaded is accounted for, once each (two
      // copies in one upload are held by the first).
      const sources = new Set([
        ...files.filter((file) => !failed.has(file.source)).map((file) => file.source),
        ...report.duplicates.map((duplicate) => duplicate.sameAs),
      ]);
      // The files stored by this upload: neither failed, nor in the knowledge base already (under
      // another name, or unchanged under its own). None stored is not a "created": 200 when every
      // file was there already, 422 when some could not be stored (`report.failed` names them),
      // whether or not the others were there already.
      const stored = files.length - failed.size - report.unchangedFiles;
      const result: DocumentUploadResult = {
        summary: [summarize(report), ...report.duplicates.map(alreadyStored)].join('. '),
        documents: await documentsFrom(
          app,
          [...sources].map((source) => ({ source })),
        ),
        report,
      };
      const status = stored > 0 ? 201 : report.failed.length > 0 ? 422 : 200;
      return reply.code(status).send(result);
    });

    admin.delete<Id>('/v1/admin/documents/:id', async (request) => {
      const document = await documentOf(app, request.params.id);
      const removed = await exclusive([sourceKey(document.scope, document.source)], () =>
        knowledge.deleteSource(document.scope, document.source),
      );
      // Its passages' vectors went with them, in the same statement. This only sweeps what an
      // earlier version may have left, never embedding, so a delete does not wait on the
      // embeddings service.
      await app.indexVectors({ embed: false }).catch((error: unknown) => {
        app.logger.warn({ err: error }, 'removing the vectors of a deleted document failed');
      });
      const result: DocumentDeleted = { removed, source: document.source };
      return result;
    });

    admin.post<Id>('/v1/admin/documents/:id/reindex', async (request) => {
      parseInput(
        documentReindexBodySchema,
        optionalJsonBody(request, 're-index request'),
        're-index request',
      );
      const document = await documentOf(app, request.params.id);
      if (document.scope !== 'kb') {
        throw new AppError('invalid_input', 'Only knowledge-base documents can be re-indexed.');
      }
      const report = await exclusive([sourceKey('kb', document.source)], async () => {
        // Deleted while an earlier write of its source went on: there is nothing to re-index,
        // and writing its passages again would bring it back.
        const read = await documentOf(app, document.id);
        // An upload is read from the database; a file ingested from a folder, from that folder.
        // Read after the document, never before: a new version stored between the two reads
        // makes the write below a 409 (the new version stays), where the other order would
        // write the old file's passages over it.
        const kept = await knowledge.keptFile('kb', document.source);
        const options = {
          ...ingestOptions(app, request.log),
          force: true,
          // Another instance may delete or upload the source while it parses: its passages are
          // written only if it is still as read, which the database alone can tell.
          expect: new Map([[document.source, { fileHash: read.fileHash }]]),
        };
        try {
          return kept
            ? await ingestFiles(knowledge, [{ source: document.source, ...kept }], options)
            : await ingestPaths(knowledge, [document.source], options);
        } catch (error) {
          throw overtaken(error);
        }
      });
      const failure = report.failed[0];
      if (failure !== undefined) {
        // The stored source is the staff's own information: which file to put back is what they
        // need to act on it.
        // A reason about a path reads after it ("does not exist"); one about its bytes, alone.
        const why = /^[a-z]/.test(failure.reason)
          ? `${failure.path} ${failure.reason}`
          : `${failure.path}: ${failure.reason.replace(/\.$/, '')}`;
        throw new AppError(
          'conflict',
          `The file of this document could not be read again: ${why}. Put it back, or delete the document.`,
        );
      }
      // Without dense retrieval there are no vectors to speak of: the field is left out.
      const vectors = await app.indexVectors();
      const result: DocumentReindexResult = {
        summary: summarize(report),
        documents: await documentsFrom(app, [document]),
        report,
        ...(vectors !== undefined ? { vectors } : {}),
      };
      return result;
    });

    admin.post('/v1/admin/search', async (request) => {
      const body = parseInput(adminSearchBodySchema, jsonBody(request), 'search');
      const result: AdminSearchResult = await app.retriever.search(body.query, {
        scopes: body.sessionId ? ['kb', sessionScope(body.sessionId)] : ['kb'],
        ...(body.topK !== undefined ? { topK: body.topK } : {}),
      });
      return result;
    });

    admin.get<Query>('/v1/admin/tickets', async (request) => {
      const query = parseInput(ticketListQuerySchema, request.query, 'query');
      // One more than the page (see `pageOf`).
      const page = await conversations.tickets({
        ...(query.status ? { status: query.status } : {}),
        ...(query.priority ? { priority: query.priority } : {}),
        ...(query.category ? { category: query.category } : {}),
        ...(query.assignee ? { assignee: query.assignee } : {}),
        ...(query.unassigned ? { assignee: null } : {}),
        limit: query.limit + 1,
        ...(query.before ? { before: query.before } : {}),
        offset: query.offset ?? 0,
      });
      const { items, next } = pageOf(page.items, query.limit, ticketListCursor);
      const list: TicketList = { items, total: page.total, nextBefore: next };
      return list;
    });

    admin.get<Id & Query>('/v1/admin/tickets/:id', async (request) => {
      const ticket = await ticketOf(app, request.params.id);
      const query = parseInput(transcriptQuerySchema, request.query, 'query');
      // Read live: a detail the customer gave after the ticket was opened is here too.
      const [contact, page] = await Promise.all([
        sessionContact(conversations, ticket.sessionId),
        transcript(app, ticket.sessionId, query),
      ]);
      const detail: TicketDetail = { ticket, contact, ...page };
      return detail;
    });

    admin.patch<Id>('/v1/admin/tickets/:id', async (request) => {
      const ticket = await ticketOf(app, request.params.id);
      const body = parseInput(ticketPatchSchema, jsonBody(request), 'ticket change');
      // With a webhook, the change goes out with it, and with how to reach the customer (a
      // ticket reopened by staff is followed up); a value set again changes nothing. A change
      // of status is `ticket.status_changed`, one of priority or assignee `ticket.changed`: a
      // request that changes both sends both, in that order, each with the ticket as it now is,
      // so that a receiver of either topic learns what it would have from two requests.
      const contact = app.webhooks ? await sessionContact(conversations, ticket.sessionId) : null;
      const updated = await conversations.updateTicket(
        ticket.id,
        {
          ...(body.status !== undefined ? { status: body.status } : {}),
          ...(body.priority !== undefined ? { priority: body.priority } : {}),
          ...(body.assignee !== undefined ? { assignee: body.assignee } : {}),
        },
        contact ? (after, before) => ticketChangeEvents(after, before, contact) : undefined,
      );
      if (updated === null) throw new AppError('not_found', 'No ticket with this id.');
      if (updated.changed) {
        const after = updated.ticket;
        app.logger.info(
          {
            ticketId: ticket.id,
            ...(after.status !== ticket.status ? { from: ticket.status, to: after.status } : {}),
            ...(after.priority !== ticket.priority
              ? { priorityFrom: ticket.priority, priorityTo: after.priority }
              : {}),
            ...(after.assignee !== ticket.assignee ? { assignee: after.assignee } : {}),
          },
          after.status !== ticket.status ? 'ticket status changed' : 'ticket changed',
        );
      }
      const result: TicketView = updated.ticket;
      return result;
    });

    admin.get<Query>('/v1/admin/sessions', async (request) => {
      const query = parseInput(sessionListQuerySchema, request.query, 'query');
      // One more than the page (see `pageOf`).
      const summaries = await conversations.sessions({
        limit: query.limit + 1,
        ...(query.before ? { before: query.before } : {}),
      });
      const { items: shown, next } = pageOf(summaries, query.limit, sessionListCursor);
      const list: SessionList = {
        // `id` as everywhere else; the transcript's size under a name of its own, since a
        // session's `messageCount` counts the customer's messages only.
        items: shown.map((s) => ({
          id: s.sessionId,
          transcriptMessages: s.messageCount,
          firstMessageAt: s.firstMessageAt,
          lastMessageAt: s.lastMessageAt,
        })),
        nextBefore: next,
      };
      return list;
    });

    admin.get<Id & Query>('/v1/admin/sessions/:id', async (request) => {
      const id = requireId(request.params.id, 'session');
      const query = parseInput(transcriptQuerySchema, request.query, 'query');
      // The contact is read alongside the rest, live as for a ticket: staff reading a session
      // need not open its ticket (or find it has none) to know how to reach the customer.
      const [session, page, ticket, contact] = await Promise.all([
        app.sessions.get(id),
        transcript(app, id, query),
        conversations.ticketOf(id),
        sessionContact(conversations, id),
      ]);
      // Past its last message (`after`), a session's page is empty: it exists if messages do.
      if (
        session === null &&
        page.transcript.length === 0 &&
        (query.after === undefined || (await conversations.countMessages(id)) === 0)
      ) {
        throw new AppError('not_found', 'No session with this id.');
      }
      const detail: SessionDetail = {
        id,
        session: session ? viewOf(session) : null,
        ticket,
        contact,
        ...page,
      };
      return detail;
    });

    // A person on the staff writes to the customer: into the history, and live to their feed.
    // A retry with the same `Idempotency-Key` is answered as the first request was, 201 and the
    // message, with nothing written or sent again.
    admin.post<Id>('/v1/admin/sessions/:id/messages', async (request, reply) => {
      const id = requireId(request.params.id, 'session');
      const parsed = parseInput(staffMessageBodySchema, jsonBody(request), 'staff message');
      // Cleaned as a customer's message is: a control character pasted in (a NUL, an escape)
      // is shown by no chat window, and would reach the customer's widget and the history.
      const body = { ...parsed, text: cleanMessage(parsed.text) };
      if (body.text === '') {
        throw new AppError(
          'invalid_input',
          'The message is empty: "text" holds only control characters. Write the message to send.',
        );
      }
      const idempotencyKey = idempotencyKeyOf(request);
      const outcome = await sendStaffMessage(app, id, body, String(request.id), {
        idempotencyKey,
      }).catch((error: unknown) => {
        throw busyToStaff(error, 'send yours');
      });
      if (outcome.type === 'replay') markReplayed(reply);
      else app.logger.info({ sessionId: id, seq: outcome.message.seq }, 'staff message sent');
      const view: MessageView = outcome.message;
      return reply.code(201).send(view);
    });

    // A file the customer attached, byte for byte, as a download (see `sendDownload`). Looked
    // for in this session's files only: another session's file id is not found through it.
    admin.get<{ Params: { id: string; attachmentId: string } }>(
      '/v1/admin/sessions/:id/attachments/:attachmentId',
      async (request, reply) => {
        const id = requireId(request.params.id, 'session');
        const attachmentId = requireId(request.params.attachmentId, 'attachment');
        const file = await keptAttachmentFile(knowledge, id, attachmentId);
        if (file === null) {
          throw new AppError(
            'not_found',
            'No attachment with this id in this session: a session’s files go when it ends or is erased.',
          );
        }
        return sendDownload(reply, file);
      },
    );

    // The right to erasure: everything of the session, whatever its ticket's status.
    admin.delete<Id>('/v1/admin/sessions/:id', async (request, reply) => {
      const id = requireId(request.params.id, 'session');
      const erased = await app.eraseSession(id).catch((error: unknown) => {
        throw busyToStaff(error, 'erase it');
      });
      if (erased === null) {
        throw new AppError('not_found', 'No session with this id.');
      }
      // Its feed and WebSocket on this instance are told and closed at once; those on other
      // instances by the notice the erasure published (see `App.eraseSession`).
      request.server.streams.endSession(id, 'erased');
      return reply.code(204).send();
    });

    // Tool health of every live instance: behind a load balancer, an open breaker on any of
    // them must show whichever one answers.
    admin.get('/v1/admin/tools', async () => {
      const health = await app.toolHealth.health();
      const self = app.toolHealth.instanceId;
      const list: ToolList = {
        instance: self,
        scope: health.scope,
        detail: health.detail,
        instances: health.instances.map(({ instance, reportedAt }) => ({
          instance,
          self: instance === self,
          reportedAt,
        })),
        items: tools.list().map((tool) => {
          const everywhere = health.instances.flatMap(({ instance, tools: reported }) =>
            reported
              .filter((other) => other.name === tool.name)
              .map(({ breaker, stats }) => ({ instance, self: instance === self, breaker, stats })),
          );
          return {
            name: tool.name,
            description: tool.description,
            breaker: tools.breaker(tool.name),
            stats: app.toolStats.stats(tool.name),
            policy: tool.policy,
            instances: everywhere,
            notClosedOn: everywhere
              .filter(({ breaker }) => breaker.state !== 'closed')
              .map(({ instance }) => instance),
          };
        }),
      };
      return list;
    });

    // The webhook's backlog: is the ticket system receiving what escalation sends it?
    admin.get('/v1/admin/outbox', async () => {
      const backlog: OutboxBacklogView = {
        webhook: app.webhooks !== undefined,
        ...(await conversations.outboxBacklog()),
      };
      return backlog;
    });

    // Gives up on a message the receiver refuses for good, so that its session's later ones go.
    admin.post<Id>('/v1/admin/outbox/:id/skip', async (request) => {
      parseInput(noOptionsBodySchema, optionalJsonBody(request, 'skip request'), 'skip request');
      const id = requireId(request.params.id, 'webhook message');
      const at = new Date(app.clock.now()).toISOString();
      const message = await conversations.skipOutbox(id, at);
      if (message === null) throw new AppError('not_found', 'No webhook message with this id.');
      if (message.deliveredAt !== null || message.skippedAt === null) {
        throw new AppError(
          'conflict',
          'This webhook message was delivered already: there is nothing to skip.',
        );
      }
      if (message.skippedAt === at) {
        app.logger.info(
          {
            deliveryId: message.id,
            topic: message.topic,
            sessionId: message.sessionId,
            attempts: message.attempts,
            lastError: message.lastError,
          },
          'webhook message skipped by an administrator: it will not be delivered',
        );
      }
      const result: OutboxSkipResult = {
        id: message.id,
        topic: message.topic,
        sessionId: message.sessionId,
        createdAt: message.createdAt,
        attempts: message.attempts,
        lastError: message.lastError,
        skippedAt: message.skippedAt,
      };
      return result;
    });

    admin.post<{ Params: { name: string } }>('/v1/admin/tools/:name/reset', async (request) => {
      parseInput(noOptionsBodySchema, optionalJsonBody(request, 'breaker reset'), 'breaker reset');
      const name = request.params.name;
      if (!tools.has(name)) {
        throw new AppError('not_found', `There is no tool named "${name.slice(0, 80)}".`);
      }
      app.logger.info({ tool: name }, 'circuit breaker reset by an administrator');
      const outcome = await app.toolHealth.reset(name);
      const self = app.toolHealth.instanceId;
      const result: ToolReset = {
        name,
        breaker: tools.breaker(name),
        instance: self,
        scope: outcome.scope,
        detail: outcome.detail,
        instances: outcome.instances.map(({ instance, breaker }) => ({
          instance,
          self: instance === self,
          breaker,
        })),
        unconfirmed: outcome.unconfirmed,
      };
      return result;
    });
  });
}

/**
 * Refuses an upload two of whose files have one name, before anything is stored. A document is
 * known by its name (its source is `uploads/<name>`), so the second would silently replace the
 * first; which one the staff meant to keep, only they know. Folders are not part of the name
 * (`a/index.html` and `b/index.html` are both `index.html`): the message says so.
 */
/**
 * Refuses an upload with a file whose name leaves nothing once made safe (none, or only dots): it
 * would be stored as `uploads/attachment`, and the next such file would replace it unseen.
 */
function refuseUnnamed(files: ReadonlyArray<{ unnamed?: true }>): void {
  const index = files.findIndex((file) => file.unnamed === true);
  if (index === -1) return;
  throw new AppError(
    'invalid_input',
    `File ${index + 1} of this upload has no name (or one of dots or folders only). A document is known by its file name, so a later upload of another unnamed file would replace it: name the file (refunds.md, say) and upload again. Nothing was stored.`,
  );
}

function refuseNameClash(files: ReadonlyArray<{ name: string }>): void {
  const first = new Map<string, number>();
  for (const [i, file] of files.entries()) {
    const earlier = first.get(file.name);
    if (earlier === undefined) {
      first.set(file.name, i);
      continue;
    }
    throw new AppError(
      'invalid_input',
      `Files ${earlier + 1} and ${i + 1} of this upload are both named "${file.name}" (an upload keeps file names, not folders). A document is known by its name, so one would replace the other: rename one of them and upload again. Nothing was stored.`,
    );
  }
}

/** Says, for the staff, that an uploaded file was in the knowledge base already. */
function alreadyStored(duplicate: { path: string; sameAs: string }): string {
  const name = duplicate.path.slice(UPLOADS.length + 1);
  return `"${name}" is already in the knowledge base as ${duplicate.sameAs}: nothing was re-indexed`;
}

/**
 * The store's `rejected` for a session whose lock stayed held (its words name the session and the
 * lock's wait, for the log), as the staff are told it: what holds the session, and what to do.
 */
function busyToStaff(error: unknown, retry: string): unknown {
  if (!isAppError(error) || error.code !== 'rejected') return error;
  return new AppError(
    'rejected',
    `This conversation is busy answering a message of the customer's: ${retry} again when that answer is complete.`,
    { retryable: true, retryAfterMs: 2_000, cause: error },
  );
}

/**
 * The answer to a re-index whose source was deleted (404) or written again (409) while its file
 * was parsed, on any instance: the write was refused, so what the staff did meanwhile stands.
 * Any other error is left as it is.
 */
function overtaken(error: unknown): unknown {
  if (!isAppError(error)) return error;
  if (error.code === 'not_found') {
    return new AppError(
      'not_found',
      'This document was deleted while it was re-indexed: nothing of it was stored again.',
      { cause: error },
    );
  }
  if (error.code === 'conflict') {
    return new AppError(
      'conflict',
      'A new version of this document was stored while it was re-indexed (uploaded again, or re-indexed elsewhere): that version is kept, and nothing of this re-index was stored.',
      { cause: error },
    );
  }
  return error;
}

/**
 * A page of a list read with one item more than asked (`limit + 1`, so that the last page says
 * so itself rather than pointing at an empty one): its first `limit` items, and the cursor of
 * the last of them when another page follows, null on the last page.
 */
function pageOf<T>(
  read: T[],
  limit: number,
  cursorOf: (last: T) => string,
): { items: T[]; next: string | null } {
  const items = read.slice(0, limit);
  const last = items.at(-1);
  return { items, next: read.length > limit && last !== undefined ? cursorOf(last) : null };
}

function ingestOptions(app: App, log: IngestOptions['log']) {
  return {
    log,
    // One set of workers for every upload and re-index: they share its places and its idle
    // workers, and the app's memory budget with the attachments.
    workers: app.parsing.workers,
    limits: app.parsing.limits,
    maxFileBytes: app.config.kb.maxFileBytes,
    chunk: { size: app.config.kb.chunkSize, overlap: app.config.kb.chunkOverlap },
  };
}

async function documentOf(app: App, rawId: string) {
  const document = await app.knowledge.document(requireId(rawId, 'document'));
  if (document === null) throw new AppError('not_found', 'No document with this id.');
  return document;
}

/** The knowledge-base documents stored from these sources, named by id for the other routes. */
async function documentsFrom(
  app: App,
  sources: ReadonlyArray<{ source: string }>,
): Promise<DocumentUploadResult['documents']> {
  const lists = await Promise.all(sources.map((s) => app.knowledge.documentsOf('kb', s.source)));
  return lists.flat().map((d) => ({
    id: d.id,
    source: d.source,
    title: d.title,
    chunkCount: d.chunkCount,
  }));
}

async function ticketOf(app: App, rawId: string) {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(rawId)) {
    throw new AppError('invalid_input', `"${rawId.slice(0, 80)}" is not a ticket id`);
  }
  // Ticket ids are made in capitals (`T-3F9D-…`), read out by customers and typed in again by
  // people, often in lowercase: as a session id, one is found in any letter case. The id as
  // given is tried first, for one stored otherwise (by an import, say).
  const upper = rawId.toUpperCase();
  const ticket =
    (await app.conversations.ticket(rawId)) ??
    (upper !== rawId ? await app.conversations.ticket(upper) : null);
  if (ticket === null) throw new AppError('not_found', 'No ticket with this id.');
  return ticket;
}

/**
 * A page of a session's transcript, and the `after` of the next one. One message more than the
 * page is read, so that the last page says there is no more instead of pointing at an empty one.
 */
async function transcript(
  app: App,
  sessionId: string,
  query: { after?: number; limit: number },
): Promise<{ transcript: TranscriptMessage[]; nextAfter: number | null }> {
  const records = await app.conversations.messages(sessionId, {
    ...(query.after !== undefined ? { afterSeq: query.after } : {}),
    limit: query.limit + 1,
  });
  const shown = records.slice(0, query.limit);
  // The reply of the page's last message, if it is a customer's, is the one read past the page.
  const read = filesReadByTurn(records);
  return {
    transcript: shown.map((m) => {
      const attachments = m.role === 'user' ? attachmentsOf(m, read) : [];
      return {
        id: m.id,
        seq: m.seq,
        role: m.role,
        text: m.text,
        ...(m.role === 'staff' ? { author: m.author ?? null } : {}),
        createdAt: m.createdAt,
        requestId: m.requestId,
        ...(attachments.length > 0 ? { attachments } : {}),
        metadata: m.metadata,
      };
    }),
    nextAfter: records.length > query.limit ? (shown.at(-1)?.seq ?? null) : null,
  };
}

/**
 * Whether each file was read, by turn and by file id: the replies store it (see
 * `settleFiles`), since a message's files are read after the message is stored.
 */
function filesReadByTurn(records: readonly MessageRecord[]): Map<string, Map<string, FileOutcome>> {
  const byTurn = new Map<string, Map<string, FileOutcome>>();
  for (const record of records) {
    const outcomes = record.role === 'assistant' ? record.metadata.filesRead : undefined;
    if (!Array.isArray(outcomes)) continue;
    const byId = new Map<string, FileOutcome>();
    for (const outcome of outcomes as unknown[]) {
      const parsed = fileReadSchema.safeParse(outcome);
      if (!parsed.success) continue;
      const { id, read, problem, withheld } = parsed.data;
      byId.set(id, {
        read,
        ...(problem !== undefined ? { problem } : {}),
        ...(withheld !== undefined ? { withheld } : {}),
      });
    }
    byTurn.set(record.turnId, byId);
  }
  return byTurn;
}

/** What a reply stored of one file of its message (see `settleFiles`). */
type FileOutcome = Pick<TranscriptAttachment, 'read' | 'problem' | 'withheld'>;

const fileReadSchema = z.object({
  id: z.string(),
  read: z.boolean(),
  problem: transcriptAttachmentSchema.shape.problem.catch(undefined),
  withheld: transcriptAttachmentSchema.shape.withheld.catch(undefined),
});

const storedFileSchema = transcriptAttachmentSchema.pick({
  id: true,
  name: true,
  size: true,
  mediaType: true,
  cardsHidden: true,
});

/**
 * The files a customer's message lists (see `storeCustomerMessage`), with whether each was read
 * (null when its turn stored no reply yet). A message of an earlier version lists names only:
 * nothing of those files was kept to download.
 */
function attachmentsOf(
  message: MessageRecord,
  read: ReadonlyMap<string, ReadonlyMap<string, FileOutcome>>,
): TranscriptAttachment[] {
  const files = message.metadata.files;
  if (!Array.isArray(files)) return [];
  const outcomes = read.get(message.turnId);
  return (files as unknown[]).flatMap((file) => {
    const parsed = storedFileSchema.safeParse(file);
    if (!parsed.success) return [];
    return [{ ...parsed.data, ...(outcomes?.get(parsed.data.id) ?? { read: null }) }];
  });
}

/**
 * The webhook messages of a change the staff made to a ticket: `ticket.status_changed` for its
 * status, `ticket.changed` for its priority or assignee, both when both changed.
 */
function ticketChangeEvents(
  after: TicketRecord,
  before: TicketRecord,
  contact: TicketContact,
): OutboxEvent[] {
  const events: OutboxEvent[] = [];
  if (after.status !== before.status) {
    events.push({
      topic: 'ticket.status_changed',
      payload: { ticket: after, from: before.status, to: after.status, contact },
    });
  }
  if (after.priority !== before.priority || after.assignee !== before.assignee) {
    events.push({
      topic: 'ticket.changed',
      payload: {
        ticket: after,
        from: { priority: before.priority, assignee: before.assignee },
        contact,
      },
    });
  }
  return events;
}
