import {
  frameExtractiveAnswer,
  readExtractiveAnswer,
  type ExtractiveAnswer,
  type ExtractiveInput,
  type ExtractiveReading,
  type PassageCache,
} from '../model/extractive/index.js';
import type { RetrievedChunk, SearchResult } from '../rag/index.js';
import { respell } from '../rag/search/query-terms.js';
import {
  detectUrgency,
  onlyFeels,
  sentimentScore,
  tokenize,
} from '../tools/escalation/policy/index.js';
import { offeredPerson } from './follow-up.js';
import type { History, ReadMessage } from './read-message.js';

/** The session's ticket, as a reply speaks of it (see `ExtractiveInput.escalated`). */
export interface Escalated {
  ticketId: string;
  safety?: boolean;
  /** The report of harm or danger said someone was hurt. */
  harmed?: boolean;
  /** The message was handed over partly for how negative it reads. */
  upset?: boolean;
  askContact?: boolean;
}

/**
 * Said in place of "I couldn't find this in our help center" when the help center could not be
 * searched (a timeout, the database down, the breaker open): a failed search is no evidence that
 * the help center lacks the answer, and the customer may simply ask again. The reply offers a
 * person after it, as it does when nothing is found, unless one follows up already.
 */
export const SEARCH_FAILED =
  "I'm sorry, I can't search our help center right now because of a technical problem. Please try again in a moment.";

/**
 * Composes the help center's answer to the turn's message from `passages`. `handover`: the
 * conversation is handed to a person and no passage is quoted; `continued`: the answer follows
 * a language model's answer cut short, so it opens with no greeting.
 */
export type ComposeAnswer = (
  passages: RetrievedChunk[],
  escalated: Escalated | undefined,
  handover?: boolean,
  continued?: boolean,
) => ExtractiveAnswer;

/**
 * The extractive answers of one turn: what every answer composed for the message shares (the
 * question, the customer, the conversation so far) is read once, and only what differs is given.
 */
export function extractiveComposer(turn: {
  message: ReadMessage;
  search: SearchResult | undefined;
  history: History;
  /** The customer's facts known before this message, oldest first. */
  facts: ReadonlyArray<{ kind: string; value: string }>;
  /** The session's messages, this one included (`SessionContext.messageCount`). */
  messageCount: number;
  /** The files read, as the answer quotes and cites them (numbered after the passages). */
  files: Array<{ name: string; preview: string }>;
  /** Whether a language model answers (the extractive answer may stand in for it). */
  llm: boolean;
  passages: PassageCache;
  /**
   * The passages are the lead of the files the message asks about, none of which has its words
   * ("what does this say?", "how much do I owe?"): what the files say is given, as to a message
   * of files alone, since a question none of whose words they have would reject them all.
   */
  fileLead?: boolean;
  /**
   * The help center could not be searched (see `searchHelpCenter`): an answer that finds nothing
   * says so ({@link SEARCH_FAILED}), not that the help center has nothing.
   */
  searchFailed?: boolean;
}): ComposeAnswer {
  const { message, search, messageCount } = turn;
  const { followUp, newFacts } = message;
  // The same for every answer composed: read once.
  const customerName = nameOf(turn.facts, newFacts);
  const personOffered = offeredPerson(turn.history);
  // Angry or upset ("this is ridiculous, worst shop ever"): the reply opens with an apology.
  const sentiment = sentimentScore(message.question);
  const upset = sentiment <= UPSET;
  // Misspelt words as the search corrected them: "pasword" is answered as "password"; what
  // only vents is not asked.
  const spelt = respell(message.question, search?.spelling);
  const question = turn.fileLead ? '' : withoutFeelings(upset ? withoutVenting(spelt) : spelt);
  // Urgent ("I need the invoice urgently"), as the escalation policy reads it: the reply opens
  // with the answer, not a cheerful "Hi,".
  const urgent =
    !upset && detectUrgency(message.question, tokenize(message.question), sentiment) !== undefined;
  const context = followUp && {
    context: respell(followUp.context, search?.spelling),
    said: followUp.said,
    asksMore: followUp.asksMore,
    ...(followUp.done ? { done: followUp.done } : {}),
  };
  // The answer of the last passages given, as a ticket does not change it: the reply is written
  // again with the ticket once the escalation check opened one (see `extractiveReply`), and
  // again after a language model's answer cut short, from the same passages.
  let last: { passages: RetrievedChunk[]; reading: ExtractiveReading } | undefined;
  return (passages, escalated, handover = false, continued = false) => {
    const input: ExtractiveInput = {
      handover,
      question,
      ...(message.given.length > 0 ? { given: message.given } : {}),
      ...context,
      ...(!context && message.tried.length > 0 ? { tried: message.tried } : {}),
      ...(search?.related ? { related: search.related } : {}),
      sources: passages,
      // A language model cites the passages as retrieved, and so does the extractive answer
      // that may stand in for it: the client was shown them all, numbered so.
      ...(turn.llm ? { numbering: 'as-retrieved' as const } : {}),
      facts: [...turn.facts, ...newFacts.map((f) => ({ kind: f.kind, value: f.value }))],
      // A greeting opens a reply, or nothing: after a notice that leads it ("For your
      // security, I've hidden …") a "Hi," in the middle reads oddly.
      firstTurn: !continued && message.notice === '' && messageCount <= 1,
      ...(upset || escalated?.upset === true ? { upset: true } : {}),
      ...(urgent ? { urgent: true } : {}),
      ...(messageCount > 1 ? { ongoing: true } : {}),
      ...(customerName ? { customerName } : {}),
      escalated,
      attachments: turn.files,
      // The lead of files sent before: said to be read when they came, not again.
      ...(turn.fileLead && !message.filesAsked.sent ? { attachmentsBefore: true } : {}),
      ...(turn.fileLead ? { leadFor: spelt } : {}),
      shortReply: message.shortReply,
      // Details given in answer to an offer of a person are for that person.
      ...(personOffered ? { offered: true } : {}),
    };
    if (last?.passages !== passages) {
      const reading = readExtractiveAnswer(input, { passages: turn.passages });
      last = {
        passages,
        reading:
          turn.searchFailed && reading.type === 'unanswered'
            ? { type: 'unanswered', said: SEARCH_FAILED }
            : reading,
      };
    }
    return frameExtractiveAnswer(input, last.reading);
  };
}

/**
 * At or below this sentiment a message reads as angry: the escalation policy's "strongly
 * negative" ("worst service ever, I'm furious", −0.89). Its milder "negative" band (−0.45) holds
 * plain questions with a sad word in them ("is there a way to save the loose change", −0.61; "can
 * I go negative on my balance", −0.46), which an apology would puzzle.
 */
const UPSET = -0.7;

/** A sentence of a message, with the marks that end it. */
const SENTENCE = /[^.!?\n]+[.!?\n]*/g;

/**
 * The message without its sentences that ask nothing and only vent ("where is my order
 * BL-77812??? this is ridiculous, worst shop ever"): "shop" of "worst shop ever" is not what
 * the customer asks about ("With Shop Pay you can split orders …"). The message itself when
 * every sentence vents or none does.
 */
function withoutVenting(message: string): string {
  const sentences = message.match(SENTENCE) ?? [];
  const kept = sentences.filter((s) => s.includes('?') || sentimentScore(s) > UPSET);
  if (kept.length === 0 || kept.length === sentences.length) return message;
  return kept.join('').trim();
}

/**
 * A clause of a message: up to a stop, a comma, a semicolon, or an "and" or "but" that joins
 * another clause.
 */
const CLAUSE = /[^.!?;,\n]+?(?=\s+(?:and|but)\s+|[.!?;,\n]|$)[.!?;,\n]*/gi;

/**
 * The message without its clauses that only say how bad the customer feels ("my stove arrived
 * broken and I'm really annoyed": "and I'm really annoyed"; see `onlyFeels`): no page answers
 * "annoyed", and its words only weigh down the answer to what the message says happened. The
 * message itself when every clause only feels.
 */
function withoutFeelings(message: string): string {
  const clauses = message.match(CLAUSE) ?? [];
  if (clauses.length < 2) return message;
  // A clause that asks ("is that bad?") or feels well ("is it safe") may be what is asked.
  const kept = clauses.filter(
    (c) => c.includes('?') || !onlyFeels(tokenize(c)) || sentimentScore(c) >= 0,
  );
  if (kept.length === 0 || kept.length === clauses.length) return message;
  return kept.join('').trim();
}

/** The customer's name: the newest one given, in this message or before. */
function nameOf(
  known: ReadonlyArray<{ kind: string; value: string }>,
  fresh: ReadonlyArray<{ kind: string; value: string }>,
): string | undefined {
  // Known facts come oldest first: the newest name given is the one to use.
  return [...fresh, ...[...known].reverse()].find((f) => f.kind === 'name')?.value;
}
