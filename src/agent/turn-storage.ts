import type { Logger } from 'pino';
import { AppError, isAppError } from '../errors/index.js';
import type { ReplyMessage } from '../protocol/index.js';
import type { RetrievedChunk } from '../rag/index.js';
import { timeOrderedId, type ConversationRepository, type MessageRecord } from '../store/index.js';
import { describeFact } from './facts/index.js';
import type { ReadMessage } from './read-message.js';
import type { TurnCalls } from './turn-calls.js';

/** Who a turn is for, and which turn it is. */
export interface TurnIds {
  requestId: string;
  sessionId: string;
  turnId: string;
}

/**
 * Stores the customer's message, before anything else is done with it: from here on nothing the
 * customer wrote is lost.
 * @throws {AppError} `upstream_unavailable` when the database is down, `internal` otherwise; the
 * turn's stream is told and closed first.
 */
export async function storeCustomerMessage(
  turn: { conversations: ConversationRepository; logger: Logger; calls: TurnCalls },
  ids: TurnIds,
  message: { text: string; files: string[] },
): Promise<MessageRecord> {
  const { sessionId, requestId, turnId } = ids;
  const { files } = message;
  try {
    return await turn.conversations.appendMessage({
      id: timeOrderedId(),
      sessionId,
      role: 'user',
      text: message.text,
      turnId,
      requestId,
      metadata: files.length > 0 ? { attachments: files } : {},
    });
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
    message: Pick<ReadMessage, 'looksUp' | 'newFacts'>;
    /** Whether the help center had the answer. */
    found: boolean;
    hits: RetrievedChunk[];
    /** The numbers of the passages the reply cites. */
    cited: number[];
  },
): Promise<void> {
  const { cited } = turn;
  const question = turn.text || `(attached ${turn.files.join(', ')})`;
  const factMemories = turn.message.newFacts.map((f) => ({
    type: 'fact' as const,
    content: describeFact(f),
    importance: 0.8,
  }));
  if (turn.message.looksUp) {
    calls.emit({ type: 'status', stage: 'memory' });
    await calls.call('memory', {
      action: 'store',
      outcome: {
        question: question.slice(0, 2_000),
        answered: turn.found,
        source: turn.hits.find((_, i) => cited.includes(i + 1))?.title.slice(0, 500),
      },
      // The customer's details; what was said is in the messages, not copied into memories.
      memories: factMemories,
    });
  } else if (factMemories.length > 0) {
    // A greeting, a thank-you or an introduction is neither a question for the summary nor
    // worth recalling; the details an introduction gives are.
    calls.emit({ type: 'status', stage: 'memory' });
    await calls.call('memory', { action: 'store', memories: factMemories });
  }
}

/** Stores the reply, with what the session's later turns and its replay read of it. */
export function storeReply(
  conversations: ConversationRepository,
  ids: TurnIds,
  reply: ReplyMessage,
  outcome: { looksUp: boolean; found: boolean },
): Promise<MessageRecord> {
  return conversations.appendMessage({
    id: reply.id,
    sessionId: ids.sessionId,
    role: 'assistant',
    text: reply.text,
    turnId: ids.turnId,
    requestId: ids.requestId,
    metadata: {
      // Whether the help center had the answer; a short reply was not looked up at all.
      ...(outcome.looksUp ? { found: outcome.found } : {}),
      sources: reply.sources,
      escalation: reply.escalation,
      toolsFailed: reply.toolsFailed,
    },
  });
}
