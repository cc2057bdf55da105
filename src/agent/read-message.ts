import { words } from '../rag/search/query-terms.js';
import { MAX_QUERY_CHARS, type AttachmentSummary, type SessionContext } from '../tools/index.js';
import type { ShortReply } from '../tools/escalation/index.js';
import { detailsFound, extractFacts, givenAside, type Fact, type FactKind } from './facts/index.js';
import { cardNotice } from './card-numbers.js';
import { shortReplyOf } from './details-only.js';
import { withoutRequest } from './handover-only.js';
import {
  askedIn,
  asksOnlyMore,
  doneStep,
  followUpChain,
  namedApart,
  triedSteps,
} from './follow-up.js';
import { filesAskedOf, pointsAtFiles, type SessionFile } from './session-files.js';
import type { TurnCalls } from './turn-calls.js';
import { unreadNotice } from './unread-files.js';

/** The conversation before this message, oldest first. */
export type History = Array<Pick<SessionContext['recent'][number], 'role' | 'text'>>;

/** A message as the turn reads it: what it asks, what it gives, and what the reply says first. */
export interface ReadMessage {
  /**
   * What the reply says before its answer: that card numbers were hidden, which files could not
   * be read and why; `''` when there is nothing to say.
   */
  notice: string;
  /** The part of `notice` on files that could not be read (see `unreadNotice`). */
  unread: string;
  /** Files alone, none of them read, or card numbers alone: nothing to look up. */
  nothingRead: boolean;
  /** The customer's details the message gives, to remember. */
  newFacts: Fact[];
  /** What a message that asks nothing of the help center says (see `readShortReply`). */
  shortReply: ShortReply | undefined;
  /** Whether the message asks the help center anything. */
  looksUp: boolean;
  /** The message's own question: without the details given beside it. */
  question: string;
  /** The details given beside the question (a name, an e-mail address, a phone number). */
  given: Array<{ kind: FactKind; value: string }>;
  /** The earlier questions the message follows up, when it does. */
  followUp: FollowUp | undefined;
  /**
   * The steps a message that follows nothing up says the customer tried already ("restarted
   * app" of "unlock failed, tried 5 times and restarted the app": see `triedSteps`); a
   * follow-up's are its `done`.
   */
  tried: string[];
  /** What the help center is searched for; `''` for nothing. */
  query: string;
  /**
   * The names of the files the message asks about, as their passages are found by (see
   * `searchHelpCenter`): those it attached that were read, when it asks something of them, else
   * those of the session's earlier messages it asks about (see `filesAskedOf`); `''` for none.
   */
  filesQuery: string;
  /** The files of `filesQuery`, and how the message asks of them. */
  filesAsked: FilesAsked;
}

/** The files a message asks about (see `ReadMessage.filesQuery`). */
export interface FilesAsked {
  names: string[];
  /** It points at them: "what does this say?", "the invoice", "my bill". */
  points: boolean;
  /** They came with the message itself, not before it. */
  sent: boolean;
}

/** A follow-up ("what about cats?") and the questions it leans on. */
export interface FollowUp {
  /** The earlier question(s) it follows, as they asked. */
  context: string;
  /** What the agent replied since the first of them. */
  said: string;
  /** The message names nothing and asks only for more ("why?"). */
  asksMore: boolean;
  /** What the customer says they did already ("restarted the hub"). */
  done?: string;
  /**
   * The words it names that the questions it leans on do not ("exchange" of "can I exchange
   * it?" after "how long does delivery take?"); none when it only asks for more.
   */
  apart: string[];
  /** The message alone, as the help center is searched for it (see `searchHelpCenter`). */
  alone: string;
}

/**
 * Loads what the session knows before this message: its facts, its recent messages (the
 * message itself, stored by now, left out of `history`) and, for a language model, its summary.
 */
export async function loadContext(
  calls: TurnCalls,
  message: string,
  summary: boolean,
): Promise<{ context: SessionContext | undefined; history: History }> {
  calls.emit({ type: 'status', stage: 'context' });
  // The turn reads the customer's facts whole, not memories ranked for recall (memoryLimit 0),
  // and the summary only for a language model: a ticket's is written when it is opened.
  const context = await calls.call<SessionContext>('memory', {
    action: 'load',
    message,
    memoryLimit: 0,
    summary,
  });
  const history = (context?.recent ?? []).slice(0, -1).map(({ role, text }) => ({ role, text }));
  return { context, history };
}

/** Reads the files attached to the message, if any; the client going away stops it. */
export async function readAttachments(
  calls: TurnCalls,
  files: Array<{ name: string; data: Uint8Array }> | undefined,
): Promise<AttachmentSummary[]> {
  if (!files || files.length === 0) return [];
  calls.emit({ type: 'status', stage: 'attachments' });
  // A failed tool read nothing: each file is reported as not read.
  return (
    (await calls.call<AttachmentSummary[]>('attachments', { files }, true)) ??
    files.map((a) => ({
      name: a.name,
      ok: false,
      preview: '',
      chunks: 0,
      problem: 'failed' as const,
    }))
  );
}

/**
 * Reads a message: what it asks of the help center, if anything, what it follows up, and the
 * customer's details it gives.
 */
export function readMessage(message: {
  text: string;
  /** The names of the files attached to it. */
  files: string[];
  /** Whether it had card numbers (hidden by now), and whether it had nothing else. */
  cards: 'none' | 'some' | 'only';
  attachments: AttachmentSummary[];
  history: History;
  /** The files the session's earlier messages sent, oldest first. */
  earlier?: readonly SessionFile[];
  /** The message's number in the session. */
  seq?: number;
}): ReadMessage {
  const { text, files } = message;
  const { notice, unread, nothingRead } = noticeFor(message);
  // A message that asks nothing of the help center (a greeting, thanks, a yes, a plea for help,
  // only the customer's details: see shortReplyOf) is not looked up.
  // The customer's details, found once: the facts to remember and those given beside a question.
  const details = detailsFound(text);
  const newFacts = extractFacts(text, details);
  const shortReply = files.length > 0 ? undefined : shortReplyOf(text, details);
  // Whether the message asks the help center anything: a short reply does not, nor do files
  // alone that could not be read, nor card numbers alone.
  const looksUp = shortReply === undefined && !nothingRead;
  // A name, an e-mail address or a phone number given beside a question ("How long do refunds
  // take? My name is Bob") is noted, not looked up: no page has "Bob".
  const aside = looksUp ? givenAside(text, details) : { question: '', given: [] };
  // A request for a person beside a question ("let me talk to a real person. how do I return
  // an item?") is for the escalation, not the help center.
  const question = withoutRequest(aside.question === '' ? text : aside.question);
  // A question sent with files ("how much do I owe?") asks about them: their passages first.
  // One sent after them may too: "when is it due?" just after the invoice, "the invoice" later.
  const read = message.attachments.filter((a) => a.ok).map((a) => a.name);
  const filesAsked: FilesAsked =
    text === ''
      ? { names: [], points: false, sent: false }
      : read.length > 0 || files.length > 0
        ? { names: read, points: pointsAtFiles(question, read), sent: true }
        : { ...filesAskedOf(question, message.earlier ?? [], message.seq ?? 0), sent: false };
  // A follow-up ("what about cats?", "is vomiting one of them?") is searched together with the
  // question it follows; a message with files, or about earlier ones, is about the files: "how
  // much do I owe?" after "here is my invoice" asks what the invoice says, though the reply to
  // that quoted it already.
  const followUp =
    text === '' || files.length > 0 || filesAsked.names.length > 0
      ? undefined
      : readFollowUp(question, message.history);
  const tried = looksUp && followUp === undefined && text !== '' ? triedSteps(question) : [];
  const query = searchable(
    text === '' ? files.join(' ') : followUp ? `${question} ${followUp.context}` : question,
  );
  const filesQuery = searchable(filesAsked.names.join(' '));
  return {
    notice,
    unread,
    nothingRead,
    newFacts,
    shortReply,
    looksUp,
    question,
    given: aside.given,
    followUp,
    tried,
    query,
    filesQuery,
    filesAsked,
  };
}

/**
 * The files that could not be read are named in the reply, with why, before the answer, and a
 * card number the customer typed is said to be hidden.
 */
function noticeFor(message: {
  text: string;
  cards: 'none' | 'some' | 'only';
  attachments: AttachmentSummary[];
}): Pick<ReadMessage, 'notice' | 'unread' | 'nothingRead'> {
  const { text, cards, attachments } = message;
  const unread = unreadNotice(attachments);
  const notice = [cardNotice(cards, attachments), unread].filter((part) => part !== '').join(' ');
  // Files alone, none of them read, or card numbers alone: nothing to look up, and nothing the
  // help center failed at.
  const nothingRead =
    (text === '' || cards === 'only') && notice !== '' && attachments.every((a) => !a.ok);
  return { notice, unread, nothingRead };
}

/** The earlier questions `question` follows up in `history`; `undefined` when it follows none. */
function readFollowUp(question: string, history: History): FollowUp | undefined {
  const asked = history.flatMap((t, i) => (t.role === 'user' ? [i] : []));
  // Sent again word for word ("what about on sunday" twice), it asks what it asked the first
  // time, and is read as it was then: not as a follow-up of itself, with the reply to it as what
  // is not to be said again (which left only another page's sentences to say). One that asks
  // only for more ("still not working") asks for more again.
  const last = asked.at(-1);
  if (
    last !== undefined &&
    !asksOnlyMore(question) &&
    sameWords(history[last]?.text ?? '', question)
  ) {
    return readFollowUp(question, history.slice(0, last));
  }
  const chain = followUpChain(
    question,
    asked.map((i) => history[i]?.text ?? ''),
  );
  const context = chain.map((k) => askedIn(history[asked[k] ?? -1]?.text ?? '')).join(' ');
  if (context === '') return undefined;
  // What the customer says they did already ("I've already restarted the hub"), in a follow-up.
  const done = doneStep(question, context);
  const asksMore = asksOnlyMore(question);
  return {
    context,
    said: repliesSince(history, asked[chain.at(-1) ?? -1] ?? history.length),
    asksMore,
    ...(done ? { done } : {}),
    apart: asksMore || done ? [] : namedApart(question, context),
    alone: searchable(question),
  };
}

/** Whether two messages say the same words ("What about on Sunday?", "what about on sunday"). */
function sameWords(a: string, b: string): boolean {
  const wordsOf = (t: string) => words(t.slice(0, 500)).join(' ');
  const first = wordsOf(a);
  return first !== '' && first === wordsOf(b);
}

/**
 * What the agent replied since the question a follow-up leans on (`from`, its position in
 * `history`: the question the chain of follow-ups started from): those sentences are not quoted
 * again.
 */
function repliesSince(history: History, from: number): string {
  return history
    .slice(from)
    .filter((turn) => turn.role === 'assistant')
    .map((turn) => turn.text)
    .join('\n');
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
