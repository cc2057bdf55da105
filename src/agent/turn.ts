import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AppError } from '../errors/index.js';
import { PassageCache } from '../model/extractive/index.js';
import {
  MAX_MESSAGE_CHARS,
  type ReplyMessage,
  type SourceItem,
  type TurnEvent,
} from '../protocol/index.js';
import type { RetrievedChunk, SearchResult } from '../rag/index.js';
import { timeOrderedId, type ConversationRepository, type MessageRecord } from '../store/index.js';
import type { CorrelationContext } from '../telemetry/index.js';
import type { AttachmentSummary, SessionContext, ToolRegistry } from '../tools/index.js';
import { readFact, type FactKind } from './facts/index.js';
import { Channel } from './channel.js';
import { hideCardNumbers } from './card-numbers.js';
import { KeyedQueue } from './keyed-queue.js';
import { extractiveComposer, type ComposeAnswer } from './extractive-composer.js';
import {
  loadContext,
  readAttachments,
  readMessage,
  type History,
  type ReadMessage,
} from './read-message.js';
import { handOverWords } from './handover-only.js';
import { quotedFiles, sessionFiles } from './session-files.js';
import { extractiveReply, writeReply, type ReplyText } from './reply-text.js';
import { writeModelReply } from './model-reply.js';
import { TurnCalls } from './turn-calls.js';
import { decideEscalation, escalationEvent, type Escalation } from './turn-escalation.js';
import {
  numberPassages,
  offeredSources,
  replySources,
  searchFileLead,
  searchHelpCenter,
} from './turn-sources.js';
import {
  rememberTurn,
  settleFiles,
  storeCustomerMessage,
  storeReply,
  type AttachmentFiles,
  type FileRead,
  type TurnIds,
} from './turn-storage.js';

export { CARD_HIDDEN } from './card-numbers.js';
export { CUT_SHORT } from './reply-text.js';
export { SEARCH_FAILED } from './extractive-composer.js';
export { searchable } from './read-message.js';
export { escalationEvent } from './turn-escalation.js';

/** What a turn needs; built once by `createApp`. */
export interface TurnDeps {
  tools: ToolRegistry;
  conversations: ConversationRepository;
  correlation: CorrelationContext;
  logger: Logger;
  now: () => number;
  /** True when a language model is configured (the `llm_chat` tool). */
  llm: boolean;
  /** Where the bytes of a message's files are kept, for the staff (see `storeCustomerMessage`). */
  files: AttachmentFiles;
  /** Told of every turn that ends with a reply: what the service's metrics count. */
  onTurn?: (outcome: TurnOutcome) => void;
}

/** How a turn ended, for the service's metrics. */
export interface TurnOutcome {
  answeredBy: 'extractive' | 'llm';
  /**
   * `answered` from the help center; `not_found` when it had nothing on the question;
   * `search_failed` when it could not be searched (a timeout, the database down, the breaker
   * open) and nothing else answered: an outage, not missing content; `not_looked_up` for a
   * message that asked it nothing (a greeting, thanks, card numbers alone).
   */
  result: 'answered' | 'not_found' | 'search_failed' | 'not_looked_up';
  /** The ticket this message opened, if it opened one. */
  ticketOpened?: { category: string; priority: string };
  /** The language model failed and the extractive answer stood in. */
  fallback: boolean;
  seconds: number;
}

/** One customer message. */
export interface TurnInput {
  sessionId: string;
  text: string;
  attachments?: Array<{ name: string; data: Uint8Array }>;
  requestId?: string;
  /**
   * Aborted when the client goes away: reading its files and the language model stop; the
   * search, the escalation and the memory of its details still run, and the reply is stored.
   */
  signal?: AbortSignal;
  /**
   * Sees every event as it is emitted, synchronously, before the event reaches `events`: for
   * those who follow the session. It must not throw (what it throws is dropped).
   */
  observe?: (event: TurnEvent) => void;
  /**
   * Told of the customer's message as it was stored (its id, number and time), right after it
   * was, before the turn's next event: for those who follow the session. It must not throw (what
   * it throws is dropped).
   */
  stored?: (message: MessageRecord) => void;
}

/** A running turn: its events as they happen, and its reply when done. */
export interface TurnRun {
  turnId: string;
  events: AsyncIterable<TurnEvent>;
  /** The stored reply; rejects only when the user message itself could not be stored. */
  result: Promise<
    ReplyMessage & {
      sessionId: string;
      requestId: string;
      messageCount: number;
      /** Every tool's circuit-breaker state after the turn. */
      breakers: Record<string, string>;
    }
  >;
}

/** Whether a message had card numbers (hidden by now), and whether it had nothing else. */
type Cards = 'none' | 'some' | 'only';

/** A message read, with what the help center has on it (see `TurnRunner.#read`). */
interface TurnRead {
  context: SessionContext | undefined;
  history: History;
  message: ReadMessage;
  hits: RetrievedChunk[];
  /** The help center could not be searched (see `searchHelpCenter`). */
  searchFailed: boolean;
  /** The customer's facts known before this message, oldest first. */
  facts: Array<{ kind: FactKind; value: string }>;
  /**
   * The files the answer quotes and cites (numbered after the passages): those read from the
   * message, or the earlier files whose opening answers it (see `quotedFiles`).
   */
  filesRead: Array<{ name: string; preview: string }>;
  /** What became of each file attached, in their order. */
  attachments: AttachmentSummary[];
  compose: ComposeAnswer;
}

/** Removes control characters but line breaks and tabs; trims. */
export function cleanMessage(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim();
}

/**
 * Runs customer turns: one implementation behind the whole reply and the event stream. Turns of
 * one session run one at a time; different sessions run concurrently. Each step goes through the
 * tool-call layer, and a failing tool degrades the reply — it never fails the turn.
 */
export class TurnRunner {
  readonly #queue = new KeyedQueue();
  /** Passages read for earlier answers: popular ones are not read again on every turn. */
  readonly #passages = new PassageCache();

  constructor(private readonly deps: TurnDeps) {}

  /**
   * Starts a turn.
   * @throws {AppError} `invalid_input` for an empty or over-long message, before anything is stored.
   */
  start(input: TurnInput): TurnRun {
    // A card number is never stored, searched, sent on or logged: only its last four digits.
    const clean = cleanMessage(input.text);
    const { text, hidden } = hideCardNumbers(clean);
    // Nothing but card numbers: there is nothing to answer but the notice that they were hidden.
    const cards =
      hidden === 0 ? 'none' : hideCardNumbers(clean, () => '').text.trim() === '' ? 'only' : 'some';
    if (text === '' && (input.attachments?.length ?? 0) === 0) {
      throw new AppError(
        'invalid_input',
        'The message is empty: write a question or attach a file.',
      );
    }
    if (text.length > MAX_MESSAGE_CHARS) {
      throw new AppError(
        'invalid_input',
        `The message is ${text.length} characters long; the limit is ${MAX_MESSAGE_CHARS}. Shorten it or attach it as a file.`,
      );
    }
    const turnId = randomUUID();
    const requestId = input.requestId ?? randomUUID();
    const channel = new Channel<TurnEvent>();
    const ids = { requestId, sessionId: input.sessionId, turnId };
    const result = this.deps.correlation.run(ids, () =>
      this.#queue.run(input.sessionId, () => this.#run({ ...input, text }, ids, channel, cards)),
    );
    result.catch(() => undefined);
    return { turnId, events: channel, result };
  }

  /**
   * One turn, step by step: the customer's message is stored, read and looked up; the
   * escalation is decided; the reply is written, streamed, remembered and stored.
   */
  async #run(input: TurnInput, ids: TurnIds, channel: Channel<TurnEvent>, cards: Cards) {
    const { tools, conversations, logger } = this.deps;
    const { sessionId, requestId, turnId } = ids;
    const started = this.deps.now();
    const { signal, observe } = input;
    const calls = new TurnCalls({ tools, sessionId, signal, channel, observe });
    const files = (input.attachments ?? []).map((a) => a.name);
    calls.emit({ type: 'start', turnId, requestId, sessionId });
    const { record: stored, files: kept } = await storeCustomerMessage(
      { conversations, logger, calls, files: this.deps.files },
      ids,
      { text: input.text, attachments: input.attachments ?? [] },
    );
    try {
      input.stored?.(stored);
    } catch {
      // A follower's trouble is not the turn's.
    }
    const turn = await this.#read(input, files, cards, calls, stored.seq);
    // Settled as soon as the files are read: one with card numbers in it is kept no longer.
    const readFiles = await settleFiles(this.deps, sessionId, kept, turn.attachments);
    const { reply, found, searchFailed, escalation, sources } = await this.#answer(
      turn,
      input,
      files,
      calls,
    );
    await rememberTurn(calls, {
      text: input.text,
      files,
      seq: stored.seq,
      read: turn.attachments.filter((a) => a.ok).map((a) => a.name),
      message: turn.message,
      found,
      searchFailed,
      hits: turn.hits,
      cited: reply.cited,
    });
    const ms = this.deps.now() - started;
    const { looksUp } = turn.message;
    return this.#finish(ids, calls, {
      reply,
      sources,
      escalation,
      looksUp,
      found,
      searchFailed,
      ms,
      readFiles,
    });
  }

  /**
   * Reads the message and what it follows: the session's context, the files attached, what the
   * message asks, and what the help center has on it.
   */
  async #read(
    input: TurnInput,
    files: string[],
    cards: Cards,
    calls: TurnCalls,
    seq: number,
  ): Promise<TurnRead> {
    const { context, history } = await loadContext(calls, input.text, this.deps.llm);
    const attachments = await readAttachments(calls, input.attachments);
    // The files of the session's earlier messages, as its memory records them (see `fileMemory`).
    const earlier = sessionFiles(context?.files ?? []);
    const message = readMessage({
      text: input.text,
      files,
      cards,
      attachments,
      history,
      earlier,
      seq,
    });
    // A language model is given the files apart from the help center's passages (see
    // `contextMessage`): the search leaves them out for it.
    const filesQuery = this.deps.llm ? '' : message.filesQuery;
    const searched = await searchHelpCenter(calls, message, filesQuery);
    const facts = (context?.facts ?? []).flatMap((line) => readFact(line) ?? []);
    // The files read, as the answer quotes and cites them (numbered after the passages).
    const filesRead = attachments
      .filter((a) => a.ok)
      .map((a) => ({ name: a.name, preview: a.preview }));
    // The lead of earlier files is quoted as the opening of a file sent with the message is.
    const quoted = (found: SearchResult | undefined, fileLead: boolean) =>
      fileLead && !message.filesAsked.sent ? quotedFiles(found?.hits ?? []) : filesRead;
    const composer = (found: SearchResult | undefined, fileLead: boolean) =>
      extractiveComposer({
        message,
        search: found,
        history,
        facts,
        messageCount: context?.messageCount ?? 1,
        files: quoted(found, fileLead),
        llm: this.deps.llm,
        passages: this.#passages,
        fileLead,
        searchFailed: searched.failed,
      });
    let { search, fileLead } = searched;
    let compose = composer(search, fileLead);
    // A question sent with files that the help center has no answer to is about the files:
    // what they say is given (see `searchFileLead`).
    if (filesQuery !== '' && !fileLead && !compose(search?.hits ?? [], undefined).found) {
      const inFiles = await searchFileLead(calls, message, filesQuery);
      if (inFiles) {
        ({ search, fileLead } = inFiles);
        compose = composer(search, fileLead);
      }
    }
    const hits = search?.hits ?? [];
    const quotes = quoted(search, fileLead);
    return {
      context,
      history,
      message,
      hits,
      searchFailed: searched.failed,
      facts,
      filesRead: quotes,
      attachments,
      compose,
    };
  }

  /** Decides the escalation, then writes the reply and shows its sources. */
  async #answer(turn: TurnRead, input: TurnInput, files: string[], calls: TurnCalls) {
    const { tools, logger, llm } = this.deps;
    const { message, hits, compose, filesRead } = turn;
    // The answer as it reads without a ticket. Whether it finds the answer is what the escalation
    // check counts as "nothing found": a search that returned loosely related passages the
    // reply then rejected found nothing the customer saw. A ticket changes only how the reply
    // closes, never whether it answers.
    const draft = compose(hits, undefined);
    // A search that failed is no evidence the help center lacks the answer: it neither counts
    // toward the run of questions left unanswered that hands the conversation to a person, nor
    // breaks it. The reply offers a person instead (see `SEARCH_FAILED`).
    const unsearched = turn.searchFailed && !draft.found;
    const escalation = await decideEscalation(calls, {
      message: input.text,
      history: turn.history,
      context: turn.context,
      noKnowledgeNow: message.looksUp && !draft.found && !unsearched,
      facts: [...turn.facts, ...message.newFacts],
    });
    const { escalated } = escalation;
    calls.emit({ type: 'status', stage: 'answer' });
    const { answer, handover } = extractiveReply(
      compose,
      draft,
      hits,
      escalated,
      escalation.info.escalate,
      handOverWords(input.text, escalation.outcome?.reasons ?? []),
    );
    const passages = numberPassages(hits);
    const offered = offeredSources(llm, passages, answer.cited, filesRead);
    if (offered.length > 0) calls.emit({ type: 'sources', items: offered });
    calls.emit(escalationEvent(escalation.info));
    const replyTurn = {
      calls,
      tools,
      sessionId: input.sessionId,
      signal: input.signal,
      logger,
      message,
      context: turn.context,
      history: turn.history,
      question: input.text || `(The customer attached ${files.join(', ')}.)`,
      answer,
      handover,
      compose,
      hits,
      escalated,
      searchFailed: unsearched,
    };
    // A language model may cite the passages its own searches found, numbered after the turn's.
    const { reply, passages: cited } = llm
      ? await writeModelReply(replyTurn)
      : { reply: await writeReply(replyTurn), passages: hits };
    const sources = replySources(
      llm,
      cited === hits ? passages : numberPassages(cited),
      reply,
      filesRead,
      offered,
    );
    // A language model that cited a passage answered from the help center, though the extractive
    // answer found nothing worth quoting there: the customer was not failed, and the next turns'
    // run of questions left unanswered (the escalation's) starts again.
    const found = answer.found || (reply.answeredBy === 'llm' && reply.cited.length > 0);
    return { reply, found, searchFailed: unsearched && !found, escalation, sources };
  }

  /** Stores the reply, sends it, and counts the turn. */
  async #finish(
    ids: TurnIds,
    calls: TurnCalls,
    turn: {
      reply: ReplyText;
      sources: SourceItem[];
      escalation: Escalation;
      looksUp: boolean;
      found: boolean;
      /** The help center could not be searched and nothing else answered. */
      searchFailed: boolean;
      /** How long the turn took, in milliseconds. */
      ms: number;
      /** Whether each file of the customer's message was read. */
      readFiles: FileRead[];
    },
  ) {
    const { reply: written, escalation, looksUp, found, searchFailed, readFiles } = turn;
    const { sessionId, requestId } = ids;
    calls.timings.total = turn.ms;
    const reply: ReplyMessage = {
      id: timeOrderedId(),
      text: written.text,
      sources: turn.sources,
      escalation: escalation.info,
      confidence: written.confidence,
      toolsUsed: [...new Set(calls.used)],
      toolsFailed: calls.failed,
      answeredBy: written.answeredBy,
      ...(written.fallback ? { fallback: written.fallback } : {}),
      timings: calls.timings,
    };
    const stored = await storeReply(this.deps.conversations, ids, reply, {
      looksUp,
      found,
      searchFailed,
      filesRead: readFiles,
    });
    calls.emit({ type: 'complete', message: reply });
    calls.close();
    this.#count({
      answeredBy: written.answeredBy,
      result: !looksUp
        ? 'not_looked_up'
        : found
          ? 'answered'
          : searchFailed
            ? 'search_failed'
            : 'not_found',
      ...(escalation.outcome?.ticketCreated
        ? {
            ticketOpened: {
              category: escalation.info.category,
              priority: escalation.info.priority,
            },
          }
        : {}),
      // A customer who went away stopped the model; it did not fail.
      fallback: written.fallback !== undefined && written.cancelled !== true,
      seconds: turn.ms / 1000,
    });
    // Messages are numbered 1, 2, 3… and never removed: the reply's number is the count.
    const messageCount = stored.seq;
    const breakers = this.deps.tools.breakerStates();
    // Not `{ ...reply, sessionId, ... }`: on Node 20 a spread followed by keys of its own makes a
    // new hidden class on every call, which costs microseconds; `Object.assign` does not.
    return Object.assign({}, reply, { sessionId, requestId, messageCount, breakers });
  }

  /** Tells the service's metrics how the turn ended; a failure there is only logged. */
  #count(outcome: TurnOutcome): void {
    try {
      this.deps.onTurn?.(outcome);
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'counting the turn failed');
    }
  }
}
