import type { Logger } from 'pino';
import type { ExtractiveAnswer } from '../model/extractive/index.js';
import type { ReplyMessage } from '../protocol/index.js';
import type { RetrievedChunk } from '../rag/index.js';
import type { SessionContext, ToolRegistry } from '../tools/index.js';
import type { ComposeAnswer, Escalated } from './extractive-composer.js';
import type { History, ReadMessage } from './read-message.js';
import type { TurnCalls } from './turn-calls.js';

/** Below this confidence an answer is not offered to a customer being handed to a person. */
const WEAK_ANSWER = 0.3;

/** Between a language model's answer cut short and the help center's answer that follows it. */
export const CUT_SHORT = 'That answer was cut short. From our help center:';

/** The text of a reply, and what it rests on. */
export interface ReplyText {
  text: string;
  answeredBy: ReplyMessage['answeredBy'];
  /** Why the extractive answer stood in for the language model's, in a customer's words. */
  fallback?: string;
  /**
   * The customer went away while the language model answered: the extractive answer stood in
   * (`fallback` says so), but the model did not fail.
   */
  cancelled?: true;
  /** The numbers of the sources the text cites. */
  cited: number[];
  confidence: number;
}

/** What a turn knows when it writes its reply. */
export interface ReplyTurn {
  calls: TurnCalls;
  tools: ToolRegistry;
  sessionId: string;
  signal: AbortSignal | undefined;
  logger: Logger;
  message: ReadMessage;
  context: SessionContext | undefined;
  history: History;
  /** What the language model is asked: the message, or what was attached without one. */
  question: string;
  /** The help center's answer (see {@link extractiveReply}). */
  answer: ExtractiveAnswer;
  handover: boolean;
  compose: ComposeAnswer;
  hits: RetrievedChunk[];
  escalated: Escalated | undefined;
  /** The help center could not be searched, and nothing else answered (see `SEARCH_FAILED`). */
  searchFailed: boolean;
}

/**
 * The help center's answer as the reply gives it: `draft` (composed without a ticket), or with
 * the session's ticket when it has one open. A message that hands the conversation to a person
 * ("let me speak to a human, this is ridiculous") is not a question: quoting a weakly matching
 * passage would only annoy, so the reply is then the hand-over alone. So is one that asks
 * nothing but a person, or threatens (`words` `'only'`: see `handOverWords`), however well a
 * passage matched its other words. One that asks a question besides (`'asks'`: "let me talk to
 * a real person. how do I return an item?") is answered as it would be without the hand-over,
 * the hand-over after: the customer asked, and the words that ask for a person, which no
 * passage answers, only weigh its answer down.
 */
export function extractiveReply(
  compose: ComposeAnswer,
  draft: ExtractiveAnswer,
  hits: RetrievedChunk[],
  escalated: Escalated | undefined,
  escalate: boolean,
  words?: 'only' | 'asks',
): { answer: ExtractiveAnswer; handover: boolean } {
  const answer = escalated ? compose(hits, escalated) : draft;
  const weak = words === 'asks' ? !answer.found : answer.confidence < WEAK_ANSWER;
  // Someone hurt is no question: care or usage advice quoted to them ("never leave a burning
  // candle unattended") reads as blaming them for it.
  const handover = escalate && (words === 'only' || weak || escalated?.harmed === true);
  return { answer: handover ? compose([], escalated, true) : answer, handover };
}

/**
 * Writes the help center's reply and streams it as `text` events: the notice first, then the
 * extractive answer (a language model's reply is written by `writeModelReply`).
 */
export async function writeReply(turn: ReplyTurn): Promise<ReplyText> {
  const { calls, message, answer } = turn;
  const { notice } = message;
  // Files alone, none read and no ticket to speak of: the notice is the whole reply.
  const noticeOnly = message.nothingRead && !turn.escalated;
  const lead = notice === '' || noticeOnly ? notice : `${notice}\n\n`;
  const reply: ReplyText = {
    text: noticeOnly ? notice : lead + answer.text,
    answeredBy: 'extractive',
    cited: answer.cited,
    confidence: answer.confidence,
  };
  streamText(calls, reply.text);
  return reply;
}

/** Sends a reply's text as a stream does, in word groups. */
export function streamText(calls: TurnCalls, text: string): void {
  for (const delta of chunkText(text)) calls.emit({ type: 'text', delta });
}

/** Splits a reply into word groups, as a stream sends them. */
function chunkText(text: string): string[] {
  // Up to four words, each with the white space after it, per match: the groups themselves,
  // without a string made for every word and joined again.
  return text.match(/(?:\S+\s*){1,4}/g) ?? [];
}
