import type { RetrievedChunk } from '../rag/index.js';
import { CitationFilter, citedNumbers } from './citation-markers.js';
import type { ChatMessage } from '../model/index.js';
import { answerWithLlm, contextMessage, STAFF_MARK, systemPrompt } from './llm-answer.js';
import { CUT_SHORT, streamText, writeReply, type ReplyText, type ReplyTurn } from './reply-text.js';

/** A reply the language model wrote, and the passages its numbers stand for. */
export interface ModelReply {
  reply: ReplyText;
  /**
   * The passages numbered [1], [2] … for the model: those retrieved for the turn, then those
   * its own searches found (see `answerWithLlm`). A number of the reply is one of these.
   */
  passages: RetrievedChunk[];
}

/**
 * Writes the reply with the language model and streams it as `text` events: the notice first,
 * then the model's words as they come, every one of which the reply keeps. When the model fails,
 * the extractive answer stands in, and the reply says so, in words fit for a customer; what the
 * model's service said goes to the log. Citation markers that name no passage ("[7]" of two) are
 * left out of the words streamed and of the reply; a passage of the model's own searches is a
 * passage it may cite, numbered after those of the turn.
 */
export async function writeModelReply(turn: ReplyTurn): Promise<ModelReply> {
  const { calls, message, answer, context } = turn;
  const passages = [...turn.hits];
  const { notice } = message;
  // Files alone, none read and no ticket to speak of: the notice is the whole reply.
  if (message.nothingRead && !turn.escalated) {
    return { reply: await writeReply(turn), passages };
  }
  const lead = notice === '' ? '' : `${notice}\n\n`;
  if (lead !== '') calls.emit({ type: 'text', delta: lead });
  // Read as the model streams: the passages grow as its searches find more.
  const exists = (n: number) => n >= 1 && n <= passages.length;
  const citations = new CitationFilter(exists);
  let streamed = '';
  // White space at the end of what was sent, held back until words follow it: an answer cut
  // short drops it before the notice that follows ("within" then a break, not "within " then
  // one), in the words streamed as in the reply stored.
  let held = '';
  const send = (delta: string) => {
    const words = (held + delta).trimEnd();
    held = (held + delta).slice(words.length);
    if (words === '') return;
    streamed += words;
    calls.emit({ type: 'text', delta: words });
  };
  const outcome = await answerWithLlm({
    tools: turn.tools,
    sessionId: turn.sessionId,
    signal: turn.signal,
    system: systemPrompt({
      ...turn.escalated,
      searchFailed: turn.searchFailed,
      staffWrote: (context?.staff?.length ?? 0) > 0,
    }),
    context: contextMessage({
      passages: turn.hits,
      // The files the customer attached earlier are known of them too, though not as details
      // they gave (see `fileMemory`).
      facts: [...(context?.facts ?? []), ...(context?.files ?? [])],
      summary: context?.summary ?? '',
      unread: message.unread,
      searchFailed: turn.searchFailed,
    }),
    history: conversation(turn),
    question: turn.question,
    passages,
    onText: (delta) => send(citations.push(delta)),
    onTool: (result) => calls.record(result),
  });
  send(citations.end());
  if (outcome.ok) {
    // A whole answer is kept as the model wrote it, to its last character.
    if (held !== '') calls.emit({ type: 'text', delta: held });
    streamed += held;
    // The words as they were streamed, not the model's text filtered again at the end: a number
    // the model wrote before its search found that passage was left out as it streamed, and
    // would be kept now (naming a passage the model had not seen when it wrote it).
    const text = lead + streamed;
    const cited = citedNumbers(text).filter(exists);
    const confidence = cited.length > 0 ? 0.8 : passages.length > 0 ? 0.5 : 0.2;
    return { reply: { text, answeredBy: 'llm', cited, confidence }, passages };
  }
  // While its breaker is open every turn is answered without the model: the outage was told once,
  // when the breaker opened, and the fallbacks are counted (`support_agent.llm.fallbacks`).
  turn.logger[outcome.circuitOpen ? 'debug' : 'warn'](
    // The logger redacts a URL's password, as every secret.
    { reason: outcome.detail },
    'the language model did not answer; the extractive answer stands in',
  );
  const failed: ReplyText = {
    text: lead + answer.text,
    answeredBy: 'extractive',
    cited: answer.cited,
    confidence: answer.confidence,
    fallback: `the language model could not answer (${outcome.reason}); the answer was composed from the help center`,
    // Not a failure of the model: the service's count of those leaves it out.
    ...(outcome.cancelled ? { cancelled: true as const } : {}),
  };
  if (streamed === '') {
    // The extractive answer numbers the turn's passages alone.
    streamText(calls, answer.text);
    return { reply: failed, passages: turn.hits };
  }
  // After the words the model did send, the help center's answer, said to follow them. It reads
  // the passages the model's searches found too, numbered as the model was given them, so a
  // number the customer already saw still names what it named (and a file comes after them all).
  const after = turn.compose(turn.handover ? [] : passages, turn.escalated, turn.handover, true);
  const rest = `\n\n${CUT_SHORT}\n\n${after.text}`;
  calls.emit({ type: 'text', delta: rest });
  const cited = [...new Set([...citedNumbers(streamed).filter(exists), ...after.cited])];
  return { reply: { ...failed, text: lead + streamed + rest, cited }, passages };
}

/**
 * The conversation before the message, as the model reads it: the customer's messages and the
 * agent's replies, with what people on the staff wrote to the customer in its place among them,
 * each marked as theirs (see `STAFF_MARK`).
 */
function conversation(turn: ReplyTurn): ChatMessage[] {
  const history = turn.history.map((t): ChatMessage => ({ role: t.role, content: t.text }));
  const staff = turn.context?.staff ?? [];
  if (staff.length === 0) return history;
  // `history` is `recent` without the message itself (see `loadContext`): their numbers match.
  const recent = turn.context?.recent ?? [];
  const numbered = history.map((message, i) => ({ seq: recent[i]?.seq ?? 0, message }));
  for (const { seq, text, author } of staff) {
    numbered.push({
      seq,
      message: { role: 'assistant', content: `${STAFF_MARK(author)} ${text}` },
    });
  }
  return numbered.sort((a, b) => a.seq - b.seq).map(({ message }) => message);
}
