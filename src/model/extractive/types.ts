import type { RetrievedChunk } from '../../rag/search/retriever.js';
import type { ShortReply } from '../../tools/escalation/policy/short-replies.js';

/** What a message that asks nothing of the help center says (see `readShortReply`). */
export type ShortReplyKind = ShortReply;

/** What the extractive responder answers from. */
export interface ExtractiveInput {
  question: string;
  /** Best first. */
  sources: RetrievedChunk[];
  /**
   * How the reply numbers its citations: from [1] in the order it first cites each passage (the
   * default; the reply's sources are then listed in that order), or `as-retrieved`, by place in
   * `sources` (when the client was shown every passage retrieved, numbered so, as a language
   * model's reply cites them).
   */
  numbering?: 'by-appearance' | 'as-retrieved';
  /** Known facts of the customer (from memory), oldest first: the last of a kind is the newest. */
  facts: Array<{ kind: string; value: string }>;
  /** Greet on the first turn, when the reply answers. */
  firstTurn: boolean;
  /**
   * The message is angry or upset ("this is ridiculous, worst shop ever"): the first reply opens
   * with an apology for the trouble, not a cheerful "Hi,".
   */
  upset?: boolean;
  /**
   * The message is urgent ("URGENT: I need the invoice by tomorrow"): the first reply opens with
   * the answer, not a cheerful "Hi,".
   */
  urgent?: boolean;
  /**
   * Messages came before this one: a greeting ("hi", "hello?") is answered as one in the middle
   * of a conversation, not as its start.
   */
  ongoing?: boolean;
  customerName?: string;
  /**
   * A person will follow up. `safety`: this message reported harm or danger, so the reply first
   * tells the customer to call the emergency services if anyone is hurt or in danger; `harmed`:
   * it said someone was hurt, so the reply first says it is sorry.
   * `askContact`: the ticket was opened now and no way to reach the customer is known, so the
   * reply asks for one.
   */
  escalated?:
    { ticketId: string; safety?: boolean; harmed?: boolean; askContact?: boolean } | undefined;
  /**
   * The conversation is handed to a person and no passage is to be quoted (the customer asked
   * for one, or is upset, and nothing found answers well): with a ticket open, the reply is the
   * hand-over alone rather than "I couldn't find this".
   */
  handover?: boolean;
  /**
   * The earlier question(s) a follow-up leans on ("How do I reset my password?" before "How long
   * does it last?"): their words say what the passages are about and count half as much as the
   * message's own; what the message asks for (a time, a price) is its own when it says, theirs
   * otherwise.
   */
  context?: string;
  /**
   * Words the search used beside the question's own, for words of the question ("damaged" for
   * "broken"; see `SearchResult.related`): sentences with them answer the question too, at their
   * weight.
   */
  related?: ReadonlyArray<{ to: string; weight: number; from?: string }>;
  /**
   * The replies since the question a follow-up leans on: when it asks for more ("why?", "what
   * else?") rather than how long or how much, their sentences are not quoted again.
   */
  said?: string;
  /**
   * The message names nothing and asks only for more ("why?", "still the same"): what is left
   * unsaid must answer nearly as well as what was said, or the reply says there is no more.
   */
  asksMore?: boolean;
  /**
   * The words naming what the customer says they did already, its verb first ("checked spam
   * folder" of "I already checked my spam folder"; see `leaveOutDone`): sentences that tell to do
   * it are what they did, and what comes after them is next.
   */
  done?: string;
  /**
   * The steps a message that stands on its own says the customer tried already, each named as
   * `done` is ("turned bluetooth", "closed app" of "car won't unlock, tried turning bluetooth off
   * and on and closed the app"): sentences that tell to do them are left out, and when they were
   * the last the help center gives, the reply says it has nothing more.
   */
  tried?: readonly string[];
  /**
   * Details the message gives beside its question (a name, an e-mail address, a phone number),
   * taken out of `question`: said back as noted, as a message of details alone is answered.
   */
  given?: ReadonlyArray<{ kind: string; value: string }>;
  /** Files given with this message, or the files of an earlier one it asks about. */
  attachments?: Array<{ name: string; preview: string }>;
  /**
   * The `attachments` came with an earlier message ("how much do I owe?" after the invoice):
   * quoted and cited, but not said to be read now ("I've read invoice.pdf." was said then).
   */
  attachmentsBefore?: boolean;
  /**
   * The message's question, when `question` is left empty to quote the lead of the files it asks
   * about (none of which holds its words): asked what is owed ("how much do I owe?"), the lead's
   * total answers rather than its opening.
   */
  leadFor?: string;
  /**
   * The reply before this message offered to connect the customer with a person: details given
   * now ("order 88231") are noted for that, and the offer is made again.
   */
  offered?: boolean;
  /**
   * The message only greets, thanks, says goodbye, acknowledges, says yes or no, asks for help
   * or about the assistant, gives details about the customer, or says how badly the customer
   * feels (see `readShortReply`): it is answered in kind, not searched for.
   */
  shortReply?: ShortReplyKind | undefined;
}

/** A grounded answer. */
export interface ExtractiveAnswer {
  text: string;
  /**
   * The sources actually cited, by their 1-based number in `sources`, in the order the reply
   * numbers them: by appearance, its [k] cites `sources[cited[k - 1] - 1]`; as retrieved, its
   * [n] cites `sources[n - 1]` and `cited` is ascending. The attachments are numbered after the
   * passages: `sources.length + k + 1` cites `attachments[k]`.
   */
  cited: number[];
  /** 0..1: how well the answer is supported by the passages. */
  confidence: number;
  /** False when it says it could not find the answer. */
  found: boolean;
}
