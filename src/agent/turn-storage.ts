import type { Logger } from 'pino';
import { AppError, isAppError } from '../errors/index.js';
import type { ReplyMessage } from '../protocol/index.js';
import type { RetrievedChunk } from '../rag/index.js';
import { timeOrderedId, type ConversationRepository, type MessageRecord } from '../store/index.js';
import type { AttachmentFile, AttachmentProblem, AttachmentSummary } from '../tools/index.js';
import { describeFact } from './facts/index.js';
import type { ReadMessage } from './read-message.js';
import { fileMemory } from './session-files.js';
import type { TurnCalls } from './turn-calls.js';

/** Who a turn is for, and which turn it is. */
export interface TurnIds {
  requestId: string;
  sessionId: string;
  turnId: string;
}

/** Where the bytes of the customers' files are kept with their sessions, for the staff. */
export interface AttachmentFiles {
  /**
   * Keeps the bytes of a message's files, a text file's card numbers hidden, and returns them as
   * the message lists them (see `keepAttachmentFiles`).
   */
  keep(
    sessionId: string,
    files: ReadonlyArray<{ name: string; data: Uint8Array }>,
  ): Promise<AttachmentFile[]>;
  /** Deletes the kept bytes of these files (see `forgetAttachmentFiles`). */
  forget(sessionId: string, ids: readonly string[]): Promise<void>;
}

/**
 * Stores the customer's message, before anything else is done with it: from here on nothing the
 * customer wrote is lost. Its files are kept first, every one of them (a picture, one that will
 * not be read), so that the message never lists a file whose bytes are not there: the staff who
 * take the conversation over download them by the ids it lists. Whether each was read is known
 * only once it has been, after this: the reply stores that (see {@link storeReply}).
 * @throws {AppError} `upstream_unavailable` when the database is down, `internal` otherwise; the
 * turn's stream is told and closed first.
 */
export async function storeCustomerMessage(
  turn: {
    conversations: ConversationRepository;
    logger: Logger;
    calls: TurnCalls;
    files: AttachmentFiles;
  },
  ids: TurnIds,
  message: { text: string; attachments: ReadonlyArray<{ name: string; data: Uint8Array }> },
): Promise<{ record: MessageRecord; files: AttachmentFile[] }> {
  const { sessionId, requestId, turnId } = ids;
  const { attachments } = message;
  try {
    const files = attachments.length > 0 ? await turn.files.keep(sessionId, attachments) : [];
    const record = await turn.conversations.appendMessage({
      id: timeOrderedId(),
      sessionId,
      role: 'user',
      text: message.text,
      turnId,
      requestId,
      // `attachments`, the names, as the customer's transcript and the session's followers read
      // them; `files`, what staff read and download them by.
      metadata: files.length > 0 ? { attachments: files.map((f) => f.name), files } : {},
    });
    return { record, files };
  } catch (error) {
    turn.logger.error({ err: error }, 'could not store the customer message');
    const failure = notStored(error);
    turn.calls.emit({
      type: 'error',
      code: failure.code,
      message: failure.message,
      retryable: true,
    });
    turn.calls.close();
    throw failure;
  }
}

/**
 * What became of each file of a message, by its id, in the order of its message's `files`:
 * whether its text was read into the session's knowledge, and if not, why (as the customer was
 * told). Stored with the reply, since the files are read after their message is stored.
 *
 * A file whose text the reading found card numbers in, and whose kept copy could not have them
 * hidden (a PDF, a Word document: a text file's were hidden as it was kept), is forgotten here:
 * its bytes are deleted, and it is marked `withheld`. Should that fail, it is logged and the file
 * is not marked.
 */
export async function settleFiles(
  turn: { files: AttachmentFiles; logger: Logger },
  sessionId: string,
  files: readonly AttachmentFile[],
  summaries: readonly AttachmentSummary[],
): Promise<FileRead[]> {
  // The tool answers for every file, in the order given; a summary missing is a file not read.
  const outcomes: FileRead[] = files.map((file, i) => {
    const summary = summaries[i];
    return summary?.ok
      ? { id: file.id, read: true }
      : { id: file.id, read: false, problem: summary?.problem ?? 'failed' };
  });
  const carded = files
    .filter((file, i) => (summaries[i]?.hidden ?? 0) > 0 && file.cardsHidden === undefined)
    .map((file) => file.id);
  if (carded.length === 0) return outcomes;
  try {
    await turn.files.forget(sessionId, carded);
  } catch (error) {
    turn.logger.error({ err: error }, 'could not delete attached files that have card numbers');
    return outcomes;
  }
  return outcomes.map((o) => (carded.includes(o.id) ? { ...o, withheld: 'card_numbers' } : o));
}

/** Whether one attached file was read (see {@link settleFiles}). */
export interface FileRead {
  id: string;
  read: boolean;
  problem?: AttachmentProblem;
  /** Its bytes were deleted after it was read: its text has card numbers. */
  withheld?: 'card_numbers';
}

/** The error of a customer message that could not be stored. */
function notStored(error: unknown): AppError {
  // A database that is down is the client's to retry (503); anything else is our bug (500).
  const unavailable = isAppError(error) && error.code === 'upstream_unavailable';
  return new AppError(
    unavailable ? 'upstream_unavailable' : 'internal',
    unavailable
      ? 'The database is unavailable, so the message was not stored; please send it again in a moment.'
      : 'The message could not be stored; please send it again.',
    { retryable: true, cause: error, ...(unavailable ? { retryAfterMs: 1000 } : {}) },
  );
}

/**
 * Remembers what the turn learnt: the question and whether it was answered, for the summary and
 * the escalation's "nothing found" streak, and the customer's details.
 */
export async function rememberTurn(
  calls: TurnCalls,
  turn: {
    text: string;
    /** The names of the files attached. */
    files: string[];
    /** The customer's message's number in the session. */
    seq: number;
    /** The names of the files read into the session's scope, as it has them. */
    read: string[];
    message: Pick<ReadMessage, 'looksUp' | 'newFacts'>;
    /** Whether the help center had the answer. */
    found: boolean;
    /** The help center could not be searched, and nothing else answered. */
    searchFailed?: boolean;
    hits: RetrievedChunk[];
    /** The numbers of the passages the reply cites. */
    cited: number[];
  },
): Promise<void> {
  const { cited } = turn;
  const question = turn.text || `(attached ${turn.files.join(', ')})`;
  // The files read are remembered beside the facts, which every turn loads: a later question
  // about them ("when is it due?") is asked of them (see `fileMemory`). Apart from the facts:
  // a file is not a detail the customer gave, and the files must not push those out.
  const factMemories = [
    ...turn.message.newFacts.map((fact) => ({
      type: 'fact' as const,
      content: describeFact(fact),
    })),
    ...turn.read.map((name) => ({ type: 'file' as const, content: fileMemory(name, turn.seq) })),
  ].map((memory) => ({ ...memory, importance: 0.8 }));
  // A question the help center could not be searched for was neither answered nor "not found":
  // the summary staff read lists it apart, as one to answer (see `summarizeConversation`).
  if (turn.message.looksUp) {
    calls.emit({ type: 'status', stage: 'memory' });
    await calls.call('memory', {
      action: 'store',
      outcome: {
        question: question.slice(0, 2_000),
        answered: turn.found,
        ...(turn.searchFailed === true && !turn.found ? { searchFailed: true } : {}),
        source: turn.hits.find((_, i) => cited.includes(i + 1))?.title.slice(0, 500),
      },
      // The customer's details; what was said is in the messages, not copied into memories.
      memories: factMemories,
    });
  } else if (factMemories.length > 0) {
    // A greeting, a thank-you or an introduction is neither a question for the summary nor
    // worth recalling; the details an introduction gives are, as are those of a question the
    // help center could not be searched for.
    calls.emit({ type: 'status', stage: 'memory' });
    await calls.call('memory', { action: 'store', memories: factMemories });
  }
}

/** Stores the reply, with what the session's later turns and its replay read of it. */
export function storeReply(
  conversations: ConversationRepository,
  ids: TurnIds,
  reply: ReplyMessage,
  outcome: {
    looksUp: boolean;
    found: boolean;
    /** The help center could not be searched, and nothing else answered. */
    searchFailed?: boolean;
    filesRead?: readonly FileRead[];
  },
): Promise<MessageRecord> {
  return conversations.appendMessage({
    id: reply.id,
    sessionId: ids.sessionId,
    role: 'assistant',
    text: reply.text,
    turnId: ids.turnId,
    requestId: ids.requestId,
    metadata: {
      // Whether the help center had the answer; a short reply was not looked up at all. When it
      // could not be searched, that is unknown: `searchFailed` instead of `found`, so that the
      // reply neither counts toward nor breaks the run of replies that found nothing (the
      // escalation's streak) and the admin transcript shows the outage.
      ...(outcome.looksUp && outcome.searchFailed === true
        ? { searchFailed: true }
        : outcome.looksUp
          ? { found: outcome.found }
          : {}),
      sources: reply.sources,
      escalation: reply.escalation,
      toolsFailed: reply.toolsFailed,
      // Whether each file of the customer's message was read: known only now (see
      // `storeCustomerMessage`); the admin transcript shows it with the message's files.
      ...(outcome.filesRead && outcome.filesRead.length > 0
        ? { filesRead: outcome.filesRead }
        : {}),
    },
  });
}
