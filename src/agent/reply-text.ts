import type { Logger } from 'pino';
import type { ExtractiveAnswer } from '../model/extractive/index.js';
import type { ReplyMessage } from '../protocol/index.js';
import type { RetrievedChunk } from '../rag/index.js';
import type { SessionContext, ToolRegistry } from '../tools/index.js';
import { CitationFilter, withoutUnknownCitations } from './citation-markers.js';
import type { ComposeAnswer, Escalated } from './extractive-composer.js';
import { answerWithLlm, contextMessage, systemPrompt } from './llm-answer.js';
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
  /** Whether a language model answers. */
  llm: boolean;
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
 * Writes the reply's text and streams it as `text` events: the notice first, then the language
 * model's answer when one is configured, or the help center's, which also stands in when the
 * model fails.
 */
export async function writeReply(turn: ReplyTurn): Promise<ReplyText> {
  const { calls, message, answer } = turn;
  const { notice } = message;
  // Files alone, none read and no ticket to speak of: the notice is the whole reply.
  const noticeOnly = message.nothingRead && !turn.escalated;
  const lead = notice === '' || noticeOnly ? notice : `${notice}\n\n`;
  const extractive: ReplyText = {
    text: noticeOnly ? notice : lead + answer.text,
    answeredBy: 'extractive',
    cited: answer.cited,
    confidence: answer.confidence,
  };
  if (!turn.llm || noticeOnly) {
    streamText(calls, extractive.text);
    return extractive;
  }
  if (lead !== '') calls.emit({ type: 'text', delta: lead });
  const { reply, streamed } = await answerByModel(turn, lead, extractive);
  // The notice went out before the language model was asked.
  if (reply.answeredBy === 'extractive' && streamed === '') {
    streamText(calls, reply.text.slice(lead.length));
  }
  return reply;
}

/**
 * Asks the language model, streaming its words as they come. When it fails, the extractive
 * answer stands in, and the reply says so, in words fit for a customer; what the model's service
 * said goes to the log. `streamed`: the words of the model sent to the client. Citation markers
 * that name no passage ("[7]" of two) are left out of them, and of the reply.
 */
async function answerByModel(
  turn: ReplyTurn,
  lead: string,
  extractive: ReplyText,
): Promise<{ reply: ReplyText; streamed: string }> {
  const { calls, context, hits } = turn;
  const exists = (n: number) => n >= 1 && n <= hits.length;
  const citations = new CitationFilter(exists);
  let streamed = '';
  const send = (delta: string) => {
    if (delta === '') return;
    streamed += delta;
    calls.emit({ type: 'text', delta });
  };
  const outcome = await answerWithLlm({
    tools: turn.tools,
    sessionId: turn.sessionId,
    signal: turn.signal,
    system: systemPrompt({ ...turn.escalated, searchFailed: turn.searchFailed }),
    context: contextMessage({
      passages: hits,
      // The files the customer attached earlier are known of them too, though not as details
      // they gave (see `fileMemory`).
      facts: [...(context?.facts ?? []), ...(context?.files ?? [])],
      summary: context?.summary ?? '',
      unread: turn.message.unread,
      searchFailed: turn.searchFailed,
    }),
    history: turn.history.map((t) => ({ role: t.role, content: t.text })),
    question: turn.question,
    onText: (delta) => send(citations.push(delta)),
    onTool: (result) => calls.record(result),
  });
  send(citations.end());
  if (outcome.ok) {
    const text = lead + withoutUnknownCitations(outcome.text, exists);
    return { reply: modelReply(text, hits.length), streamed };
  }
  const fallback = `the language model could not answer (${outcome.reason}); the answer was composed from the help center`;
  turn.logger.warn(
    // The logger redacts a URL's password, as every secret.
    { reason: outcome.detail },
    'the language model did not answer; the extractive answer stands in',
  );
  const failed: ReplyText = {
    ...extractive,
    fallback,
    // Not a failure of the model: the service's count of those leaves it out.
    ...(outcome.cancelled ? { cancelled: true as const } : {}),
  };
  if (streamed === '') return { reply: failed, streamed };
  // After the words the model did send, the help center's answer, said to follow them.
  const after = turn.compose(turn.handover ? [] : hits, turn.escalated, turn.handover, true);
  const rest = `\n\n${CUT_SHORT}\n\n${after.text}`;
  calls.emit({ type: 'text', delta: rest });
  return { reply: { ...failed, text: lead + streamed + rest }, streamed };
}

/** The language model's reply: it cites the passages by their numbers in its context. */
function modelReply(text: string, passages: number): ReplyText {
  const cited = [...new Set([...text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])))].filter(
    (n) => n >= 1 && n <= passages,
  );
  const confidence = cited.length > 0 ? 0.8 : passages > 0 ? 0.5 : 0.2;
  return { text, answeredBy: 'llm', cited, confidence };
}

/** Sends a reply's text as a stream does, in word groups. */
function streamText(calls: TurnCalls, text: string): void {
  for (const delta of chunkText(text)) calls.emit({ type: 'text', delta });
}

/** Splits a reply into word groups, as a stream sends them. */
function chunkText(text: string): string[] {
  // Up to four words, each with the white space after it, per match: the groups themselves,
  // without a string made for every word and joined again.
  return text.match(/(?:\S+\s*){1,4}/g) ?? [];
}
