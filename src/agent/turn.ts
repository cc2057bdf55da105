import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AppError, isAppError } from '../errors/index.js';
import { composeExtractiveAnswer, PassageCache } from '../model/extractive/index.js';
import type { EscalationInfo, ReplyMessage, SourceItem, TurnEvent } from '../protocol/index.js';
import type { RetrievedChunk, SearchResult } from '../rag/index.js';
import { respell } from '../rag/search/query-terms.js';
import type { ToolResult } from '../resilience/index.js';
import { timeOrderedId, type ConversationRepository } from '../store/index.js';
import type { CorrelationContext } from '../telemetry/index.js';
import {
  MAX_QUERY_CHARS,
  type AttachmentSummary,
  type SessionContext,
  type ToolRegistry,
} from '../tools/index.js';
import { readShortReply, type EscalationOutcome } from '../tools/escalation/index.js';
import { describeFact, detailsFound, extractFacts, givenAside, readFact } from './facts/index.js';
import { Channel } from './channel.js';
import { askedIn, asksOnlyMore, doneStep, followUpChain, offeredPerson } from './follow-up.js';
import { answerWithLlm, contextMessage, systemPrompt } from './llm-answer.js';
import { unreadNotice } from './unread-files.js';
import { cardNotice, hideCardNumbers } from './card-numbers.js';
import { KeyedQueue } from './keyed-queue.js';
import { shownSource } from './shown-source.js';
import { citedSource, type RetrievedSources } from './cited-sources.js';

export { CARD_HIDDEN } from './card-numbers.js';

/** Below this confidence an answer is not offered to a customer being handed to a person. */
const WEAK_ANSWER = 0.3;

/** Longest message a customer may send, in characters. */
export const MAX_MESSAGE_CHARS = 20_000;

/** What a turn needs; built once by `createApp`. */
export interface TurnDeps {
  tools: ToolRegistry;
  conversations: ConversationRepository;
  correlation: CorrelationContext;
  logger: Logger;
  now: () => number;
  /** True when a language model is configured (the `llm_chat` tool). */
  llm: boolean;
  /** Told of every turn that ends with a reply: what the service's metrics count. */
  onTurn?: (outcome: TurnOutcome) => void;
}

/** How a turn ended, for the service's metrics. */
export interface TurnOutcome {
  answeredBy: 'extractive' | 'llm';
  /**
   * `answered` from the help center; `not_found` when it had nothing on the question;
   * `not_looked_up` for a message that asked it nothing (a greeting, thanks, card numbers alone).
   */
  result: 'answered' | 'not_found' | 'not_looked_up';
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

  async #run(
    input: TurnInput,
    ids: { requestId: string; sessionId: string; turnId: string },
    channel: Channel<TurnEvent>,
    /** Whether the message had card numbers (hidden by now), and whether it had nothing else. */
    cards: 'none' | 'some' | 'only',
  ) {
    const { tools, conversations, logger } = this.deps;
    const { sessionId, requestId, turnId } = ids;
    const signal = input.signal;
    const started = this.deps.now();
    const timings: Record<string, number> = {};
    const toolsUsed: string[] = [];
    const toolsFailed: Array<{ name: string; outcome: string }> = [];
    const observe = input.observe;
    const emit = (event: TurnEvent) => {
      try {
        observe?.(event);
      } catch {
        // A follower's failure is not the turn's.
      }
      channel.push(event);
    };
    const record = (result: ToolResult) => {
      const name = result.tool;
      toolsUsed.push(name);
      timings[name] = (timings[name] ?? 0) + result.durationMs;
      emit({ type: 'tool', name, outcome: result.type, ms: result.durationMs });
      if (result.type !== 'ok') {
        toolsFailed.push({ name, outcome: result.type === 'error' ? result.code : result.type });
      }
    };
    // The client's going away (or shutdown's cut) stops only what is costly and for the client
    // alone: reading its files and the language model. Once its message is stored, the help
    // center is still searched, the escalation decided (a report of harm opens its ticket even
    // when the customer closed the tab at once) and its details remembered, all quick.
    const call = async <T>(
      name: string,
      args: unknown,
      cancellable = false,
    ): Promise<T | undefined> => {
      const result: ToolResult<T> = await tools.call<T>(name, args, {
        sessionId,
        ...(cancellable && signal ? { signal } : {}),
      });
      record(result);
      return result.type === 'ok' ? result.value : undefined;
    };

    emit({ type: 'start', turnId, requestId, sessionId });
    try {
      // From here on nothing the customer wrote is lost.
      const attachmentNames = (input.attachments ?? []).map((a) => a.name);
      await conversations.appendMessage({
        id: timeOrderedId(),
        sessionId,
        role: 'user',
        text: input.text,
        turnId,
        requestId,
        metadata: attachmentNames.length > 0 ? { attachments: attachmentNames } : {},
      });
    } catch (error) {
      logger.error({ err: error }, 'could not store the customer message');
      // A database that is down is the client's to retry (503); anything else is our bug (500).
      const unavailable = isAppError(error) && error.code === 'upstream_unavailable';
      const failure = new AppError(
        unavailable ? 'upstream_unavailable' : 'internal',
        unavailable
          ? 'The database is unavailable, so the message was not stored; please send it again in a moment.'
          : 'The message could not be stored; please send it again.',
        { retryable: true, cause: error, ...(unavailable ? { retryAfterMs: 1000 } : {}) },
      );
      emit({ type: 'error', code: failure.code, message: failure.message, retryable: true });
      channel.close();
      throw failure;
    }

    emit({ type: 'status', stage: 'context' });
    // The turn reads the customer's facts whole, not memories ranked for recall (memoryLimit 0),
    // and the summary only for a language model: a ticket's is written when it is opened.
    const context = await call<SessionContext>('memory', {
      action: 'load',
      message: input.text,
      memoryLimit: 0,
      summary: this.deps.llm,
    });
    const history = (context?.recent ?? []).slice(0, -1).map(({ role, text }) => ({ role, text }));

    let attachments: AttachmentSummary[] = [];
    if (input.attachments && input.attachments.length > 0) {
      emit({ type: 'status', stage: 'attachments' });
      // A failed tool read nothing: each file is reported as not read.
      attachments =
        (await call<AttachmentSummary[]>('attachments', { files: input.attachments }, true)) ??
        input.attachments.map((a) => ({
          name: a.name,
          ok: false,
          preview: '',
          chunks: 0,
          problem: 'failed' as const,
        }));
    }
    // The files that could not be read are named in the reply, with why, before the answer, and
    // a card number the customer typed is said to be hidden.
    const unread = unreadNotice(attachments);
    const notice = [cardNotice(cards, attachments), unread].filter((part) => part !== '').join(' ');
    // Files alone, none of them read, or card numbers alone: nothing to look up, and nothing the
    // help center failed at.
    const nothingRead =
      (input.text === '' || cards === 'only') && notice !== '' && attachments.every((a) => !a.ok);

    // A message that asks nothing of the help center (a greeting, thanks, a yes, a plea for help,
    // only the customer's details: see readShortReply) is not looked up.
    // The customer's details, found once: the facts to remember and those given beside a question.
    const details = detailsFound(input.text);
    const newFacts = extractFacts(input.text, details);
    const shortReply =
      input.attachments && input.attachments.length > 0
        ? undefined
        : readShortReply(
            input.text,
            newFacts.map((f) => f.value),
          );
    // Whether the message asks the help center anything: a short reply does not, nor do files
    // alone that could not be read, nor card numbers alone.
    const looksUp = shortReply === undefined && !nothingRead;
    // A name, an e-mail address or a phone number given beside a question ("How long do refunds
    // take? My name is Bob") is noted, not looked up: no page has "Bob".
    const aside = looksUp ? givenAside(input.text, details) : { question: '', given: [] };
    const own = aside.question === '' ? input.text : aside.question;
    // A follow-up ("what about cats?", "is vomiting one of them?") is searched together with the
    // question it follows; a message with files is about the files.
    const asked = history.flatMap((t, i) => (t.role === 'user' ? [i] : []));
    const chain =
      input.text === '' || (input.attachments?.length ?? 0) > 0
        ? []
        : followUpChain(
            own,
            asked.map((i) => history[i]?.text ?? ''),
          );
    const followsUp = chain.map((k) => askedIn(history[asked[k] ?? -1]?.text ?? '')).join(' ');
    // What the customer says they did already ("I've already restarted the hub"), in a follow-up.
    const done = followsUp === '' ? undefined : doneStep(own, followsUp);
    const query = searchable(
      input.text === ''
        ? attachmentNames(input).join(' ')
        : followsUp === ''
          ? own
          : `${own} ${followsUp}`,
    );
    let search: SearchResult | undefined;
    if (query !== '' && looksUp) {
      emit({ type: 'status', stage: 'search' });
      search = await call<SearchResult>('kb_search', { query });
    }
    const hits: RetrievedChunk[] = search?.hits ?? [];
    // Numbered as retrieved: what a language model is given, and cites, as [1], [2] … Each is
    // made when first shown, once: an extractive reply shows only the passages it cites, and a
    // passage's snippet is made when it is first read (see `RetrievedChunk.snippet`).
    const shown: SourceItem[] = [];
    const retrieved: RetrievedSources = {
      length: hits.length,
      at: (i) => {
        const hit = hits[i];
        return hit && (shown[i] ??= sourceItem(hit, i + 1));
      },
    };
    const allRetrieved = () => hits.map((_, i) => retrieved.at(i) as SourceItem);

    const facts = (context?.facts ?? []).flatMap((line) => readFact(line) ?? []);
    // The files read, as the answer quotes and cites them (numbered after the passages).
    const files = attachments
      .filter((a) => a.ok)
      .map((a) => ({ name: a.name, preview: a.preview }));
    // The same for every answer composed below: read once.
    const customerName = nameOf(facts, newFacts);
    const personOffered = offeredPerson(history);
    const compose = (
      passages: RetrievedChunk[],
      escalated: { ticketId: string; safety?: boolean; askContact?: boolean } | undefined,
      handover = false,
      /** Follows a language model's answer cut short: no greeting in the middle of a reply. */
      continued = false,
    ) =>
      composeExtractiveAnswer(
        {
          handover,
          // Misspelt words as the search corrected them: "pasword" is answered as "password".
          question: respell(own, search?.spelling),
          ...(aside.given.length > 0 ? { given: aside.given } : {}),
          ...(followsUp === ''
            ? {}
            : {
                context: respell(followsUp, search?.spelling),
                said: repliesSince(history, asked[chain.at(-1) ?? -1] ?? history.length),
                asksMore: asksOnlyMore(own),
                ...(done ? { done } : {}),
              }),
          ...(search?.related ? { related: search.related } : {}),
          sources: passages,
          // A language model cites the passages as retrieved, and so does the extractive answer
          // that may stand in for it: the client was shown them all, numbered so.
          ...(this.deps.llm ? { numbering: 'as-retrieved' as const } : {}),
          facts: [...facts, ...newFacts.map((f) => ({ kind: f.kind, value: f.value }))],
          // A greeting opens a reply, or nothing: after a notice that leads it ("For your
          // security, I've hidden …") a "Hi," in the middle reads oddly.
          firstTurn: !continued && notice === '' && (context?.messageCount ?? 1) <= 1,
          ...((context?.messageCount ?? 1) > 1 ? { ongoing: true } : {}),
          ...(customerName ? { customerName } : {}),
          escalated,
          attachments: files,
          shortReply,
          // Details given in answer to an offer of a person are for that person.
          ...(personOffered ? { offered: true } : {}),
        },
        { passages: this.#passages },
      );
    // The answer as it reads without a ticket. Whether it finds the answer is what the escalation
    // check counts as "nothing found": a search that returned loosely related passages the
    // reply then rejected found nothing the customer saw. A ticket changes only how the reply
    // closes, never whether it answers.
    const draft = compose(hits, undefined);

    emit({ type: 'status', stage: 'escalation' });
    const escalation = await call<EscalationOutcome>('escalation', {
      message: input.text,
      history,
      noKnowledgeStreak: context?.unansweredStreak ?? 0,
      noKnowledgeNow: looksUp && !draft.found,
      ...(context?.summary ? { summary: context.summary } : {}),
    });
    // A failed check is not a reason to escalate: the turn goes on without one.
    const escalationInfo: EscalationInfo = {
      escalate: escalation?.escalate ?? false,
      confidence: escalation?.confidence ?? 0,
      reasons: escalation?.reasons.map((r) => r.detail) ?? [],
      priority: escalation?.priority ?? 'low',
      category: escalation?.category ?? 'none',
      ...(escalation?.ticketId ? { ticketId: escalation.ticketId } : {}),
    };
    // While the session's ticket is open or pending, every reply says a person will follow up
    // and none offers one again; a resolved or closed ticket is over. A message that reports harm
    // or danger is first told to call the emergency services.
    const escalated =
      escalation?.ticketId !== undefined && escalation.ticketOpen
        ? {
            ticketId: escalation.ticketId,
            ...(escalationInfo.escalate && escalationInfo.category === 'safety'
              ? { safety: true }
              : {}),
            // Opened now, with no e-mail address or phone number to follow up by: ask for one.
            ...(escalation.ticketCreated &&
            ![...facts, ...newFacts].some((f) => f.kind === 'email' || f.kind === 'phone')
              ? { askContact: true }
              : {}),
          }
        : undefined;

    emit({ type: 'status', stage: 'answer' });
    let answer = escalated ? compose(hits, escalated) : draft;
    // A message that hands the conversation to a person ("let me speak to a human, this is
    // ridiculous") is not a question: quoting a weakly matching passage would only annoy.
    const handover = escalationInfo.escalate && answer.confidence < WEAK_ANSWER;
    if (handover) answer = compose([], escalated, true);
    // Without a language model, the reply numbers its citations from [1] as it first cites each
    // passage, and its sources are those, numbered the same; with one, every passage retrieved
    // is offered to it (and to the client) as it is numbered in the model's context. Shown
    // before the escalation, as a replay of the turn shows them (see `replayEvents`).
    const offered = this.deps.llm
      ? allRetrieved()
      : answer.cited.flatMap((n, k) => {
          const source = citedSource(n, retrieved, files);
          return source ? [{ ...source, id: k + 1 }] : [];
        });
    if (offered.length > 0) emit({ type: 'sources', items: offered });
    emit(escalationEvent(escalationInfo));
    // Files alone, none read and no ticket to speak of: the notice is the whole reply.
    const noticeOnly = nothingRead && !escalated;
    const lead = notice === '' || noticeOnly ? notice : `${notice}\n\n`;
    let text = noticeOnly ? notice : lead + answer.text;
    let answeredBy: ReplyMessage['answeredBy'] = 'extractive';
    let fallback: string | undefined;
    let cited = answer.cited;
    let confidence = answer.confidence;
    let streamed = '';
    if (this.deps.llm && !noticeOnly) {
      if (lead !== '') emit({ type: 'text', delta: lead });
      const outcome = await answerWithLlm({
        tools,
        sessionId,
        signal,
        system: systemPrompt(escalated ?? {}),
        context: contextMessage({
          passages: hits,
          facts: context?.facts ?? [],
          summary: context?.summary ?? '',
          unread,
        }),
        history: history.map((t) => ({ role: t.role, content: t.text })),
        question: input.text || `(The customer attached ${attachmentNames(input).join(', ')}.)`,
        onText: (delta) => {
          streamed += delta;
          emit({ type: 'text', delta });
        },
        onTool: record,
      });
      if (outcome.ok) {
        text = lead + outcome.text;
        answeredBy = 'llm';
        cited = [...new Set([...text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])))].filter(
          (n) => n >= 1 && n <= hits.length,
        );
        confidence = cited.length > 0 ? 0.8 : hits.length > 0 ? 0.5 : 0.2;
      } else {
        // The model failed: the extractive answer stands in, and the reply says so, in words
        // fit for a customer; what the model's service said goes to the log.
        fallback = `the language model could not answer (${outcome.reason}); the answer was composed from the help center`;
        logger.warn(
          // The logger redacts a URL's password, as every secret.
          { reason: outcome.detail },
          'the language model did not answer; the extractive answer stands in',
        );
        if (streamed !== '') {
          // After the words the model did send, the help center's answer, said to follow them.
          const after = compose(handover ? [] : hits, escalated, handover, true);
          const rest = `\n\n${CUT_SHORT}\n\n${after.text}`;
          emit({ type: 'text', delta: rest });
          text = lead + streamed + rest;
        }
      }
    }
    if (answeredBy === 'extractive' && streamed === '') {
      // The notice went out before the language model was asked.
      const sent = this.deps.llm && !noticeOnly ? lead.length : 0;
      for (const delta of chunkText(text.slice(sent))) emit({ type: 'text', delta });
    }

    // The sources the reply's numbers stand for, in their order. An extractive answer standing
    // in for the model may cite a file, numbered after the passages retrieved.
    const replySources = this.deps.llm
      ? [
          ...allRetrieved().filter((s) => cited.includes(s.id)),
          ...(answeredBy === 'extractive'
            ? cited.flatMap((n) =>
                n > retrieved.length ? (citedSource(n, retrieved, files) ?? []) : [],
              )
            : []),
        ]
      : offered;
    const question = input.text || `(attached ${attachmentNames(input).join(', ')})`;
    const factMemories = newFacts.map((f) => ({
      type: 'fact' as const,
      content: describeFact(f),
      importance: 0.8,
    }));
    if (looksUp) {
      emit({ type: 'status', stage: 'memory' });
      await call('memory', {
        action: 'store',
        outcome: {
          question: question.slice(0, 2_000),
          answered: answer.found,
          source: hits.find((_, i) => cited.includes(i + 1))?.title.slice(0, 500),
        },
        // The customer's details; what was said is in the messages, not copied into memories.
        memories: factMemories,
      });
    } else if (factMemories.length > 0) {
      // A greeting, a thank-you or an introduction is neither a question for the summary nor
      // worth recalling; the details an introduction gives are.
      emit({ type: 'status', stage: 'memory' });
      await call('memory', { action: 'store', memories: factMemories });
    }

    timings.total = this.deps.now() - started;
    const reply: ReplyMessage = {
      id: timeOrderedId(),
      text,
      sources: replySources,
      escalation: escalationInfo,
      confidence,
      toolsUsed: [...new Set(toolsUsed)],
      toolsFailed,
      answeredBy,
      ...(fallback ? { fallback } : {}),
      timings,
    };
    const stored = await conversations.appendMessage({
      id: reply.id,
      sessionId,
      role: 'assistant',
      text: reply.text,
      turnId,
      requestId,
      metadata: {
        // Whether the help center had the answer; a short reply was not looked up at all.
        ...(looksUp ? { found: answer.found } : {}),
        sources: reply.sources,
        escalation: escalationInfo,
        toolsFailed,
      },
    });
    emit({ type: 'complete', message: reply });
    channel.close();
    try {
      this.deps.onTurn?.({
        answeredBy,
        result: !looksUp ? 'not_looked_up' : answer.found ? 'answered' : 'not_found',
        ...(escalation?.ticketCreated
          ? {
              ticketOpened: {
                category: escalationInfo.category,
                priority: escalationInfo.priority,
              },
            }
          : {}),
        fallback: fallback !== undefined,
        seconds: timings.total / 1000,
      });
    } catch (error) {
      logger.warn({ err: error }, 'counting the turn failed');
    }
    // Messages are numbered 1, 2, 3… and never removed: the reply's number is the count.
    const messageCount = stored.seq;
    const breakers = Object.fromEntries([...tools.breakers()].map(([name, b]) => [name, b.state]));
    return { ...reply, sessionId, requestId, messageCount, breakers };
  }
}

/** Between a language model's answer cut short and the help center's answer that follows it. */
export const CUT_SHORT = 'That answer was cut short. From our help center:';

/**
 * What the agent replied since the question a follow-up leans on (`from`, its position in
 * `history`: the question the chain of follow-ups started from): those sentences are not quoted
 * again.
 */
function repliesSince(
  history: ReadonlyArray<{ role: string; text: string }>,
  from: number,
): string {
  return history
    .slice(from)
    .filter((turn) => turn.role === 'assistant')
    .map((turn) => turn.text)
    .join('\n');
}

/** A passage retrieved as the client is shown it, numbered `id`. */
function sourceItem(hit: RetrievedChunk, id: number): SourceItem {
  return {
    id,
    title: hit.title,
    ...(hit.url ? { url: hit.url } : {}),
    source: shownSource(hit.source),
    snippet: hit.snippet,
    score: hit.score,
  };
}

function attachmentNames(input: TurnInput): string[] {
  return (input.attachments ?? []).map((a) => a.name);
}

function nameOf(
  known: ReadonlyArray<{ kind: string; value: string }>,
  fresh: ReadonlyArray<{ kind: string; value: string }>,
): string | undefined {
  // Known facts come oldest first: the newest name given is the one to use.
  return [...fresh, ...[...known].reverse()].find((f) => f.kind === 'name')?.value;
}

/** Splits a reply into word groups, as a stream sends them. */
function chunkText(text: string): string[] {
  // Up to four words, each with the white space after it, per match: the groups themselves,
  // without a string made for every word and joined again.
  return text.match(/(?:\S+\s*){1,4}/g) ?? [];
}

/**
 * A message as the search takes it: whole when it fits the search's limit; a longer one (a
 * pasted e-mail or log with the question before or after it) by its beginning and its end, where
 * a question usually is, rather than refused and answered "not found".
 */
export function searchable(text: string): string {
  if (text.length <= MAX_QUERY_CHARS) return text;
  const half = Math.floor((MAX_QUERY_CHARS - 1) / 2);
  return `${text.slice(0, half)} ${text.slice(text.length - half)}`;
}

/**
 * The `escalation` event of a turn, as it runs and as a replay sends it: the same fields as the
 * reply's `escalation`. Whether the session has a ticket (opened now or before) is `ticketId`;
 * `escalate` is this message's own verdict.
 */
export function escalationEvent(info: EscalationInfo): Extract<TurnEvent, { type: 'escalation' }> {
  return { type: 'escalation', ...info };
}
