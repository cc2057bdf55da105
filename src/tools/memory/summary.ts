import { extractFacts } from '../../agent/facts/extract-facts.js';
import { queryTerms } from '../../rag/search/query-terms.js';
import { readShortReply } from '../escalation/policy/short-replies.js';
import { withoutSubject } from './summary-subject.js';

/** What became of one customer message: the turn notes it for the conversation's summary. */
export interface TurnOutcome {
  /** The customer's message (or what was attached, when it had no text). */
  question: string;
  /** Whether the reply answered it (from the help center or from what the customer told us). */
  answered: boolean;
  /**
   * The help center could not be searched for it (a technical problem): neither answered nor
   * known to be missing from the help center.
   */
  searchFailed?: boolean | undefined;
  /** The title of the passage the answer came from, when it came from one. */
  source?: string | undefined;
}

/** Longest summary, in characters: a few lines a person takes in at a glance. */
export const MAX_SUMMARY_CHARS = 1_000;
/** Longest quote of one customer message in a summary. */
const QUOTE_CHARS = 100;
/** Questions listed under "Answered" and under "Not found", each: the newest. */
const LISTED = 3;
/** Facts listed; the newest when there are more. */
const LISTED_FACTS = 8;
/** Files named; the newest when there are more. */
const LISTED_FILES = 5;

const ANSWERED = 'Answered: ';
const NOT_FOUND = 'Not found: ';
const NOT_SEARCHED = 'Not searched: ';
const FROM = / \(from "([^"\n]*)"\)$/;

/**
 * A turn's outcome as one line of memory: `Answered: How do I reset my password? (from
 * "Password reset")`, `Not found: Do you sell gnomes?`, or `Not searched: Where is my refund?`
 * when the help center could not be searched. Readable where memories are listed.
 */
export function describeOutcome(outcome: TurnOutcome): string {
  const question = oneLine(outcome.question).slice(0, 500);
  const source = oneLine(outcome.source ?? '')
    .replaceAll('"', "'")
    .slice(0, 200);
  if (outcome.searchFailed === true && !outcome.answered) return `${NOT_SEARCHED}${question}`;
  if (!outcome.answered) return `${NOT_FOUND}${question}`;
  return `${ANSWERED}${question}${source === '' ? '' : ` (from "${source}")`}`;
}

/** Reads back a line written by {@link describeOutcome}; undefined for anything else. */
export function readOutcome(content: string): TurnOutcome | undefined {
  if (content.startsWith(NOT_FOUND)) {
    return { question: content.slice(NOT_FOUND.length), answered: false };
  }
  if (content.startsWith(NOT_SEARCHED)) {
    return { question: content.slice(NOT_SEARCHED.length), answered: false, searchFailed: true };
  }
  if (!content.startsWith(ANSWERED)) return undefined;
  const rest = content.slice(ANSWERED.length);
  const from = FROM.exec(rest);
  return from
    ? { question: rest.slice(0, from.index), answered: true, source: from[1] }
    : { question: rest, answered: true };
}

/** What a summary is made from. */
export interface SummaryInput {
  /** The customer's first message, when known. */
  firstMessage?: string | undefined;
  /** Outcomes of earlier turns, oldest first. */
  outcomes: readonly TurnOutcome[];
  /** What the customer told us ("Order number: 4417"), oldest first. */
  facts: readonly string[];
  /**
   * The names of the files the customer attached ("invoice.pdf"), oldest first: named apart
   * from their details, which the customer said.
   */
  files?: readonly string[];
  /** The message being answered now. */
  latest?: string | undefined;
  /**
   * The latest message opened the ticket the summary is for by a matter of its own (a danger, a
   * legal threat, an urgent loss): it is the main issue, whatever was asked before.
   */
  latestRaised?: boolean;
  /** Older outcomes were left out: earlier questions are counted as "at least". */
  outcomesCut?: boolean;
  /** Older facts were left out: further details are counted as "at least". */
  factsCut?: boolean;
  /** Older files were left out: further files are counted as "at least". */
  filesCut?: boolean;
}

/**
 * A short summary of a conversation for the person who picks it up (and for a language model):
 * the customer's main issue (the first message about something, or the message that opened the
 * ticket by a matter of its own: see `latestRaised`; never one that only asks for a person, nor
 * one that only vents while another says what is wrong) and whether it was answered, the other
 * questions answered, those the help center had nothing on, and those it could not be searched
 * for (a technical problem, so that staff answer them rather than take them as missing), the details the customer gave (order numbers, e-mail … shown
 * as given: this is for staff), the files they attached (by name, apart from what they said),
 * and the latest request. At most {@link MAX_SUMMARY_CHARS}.
 *
 * @example
 * summarizeConversation({
 *   firstMessage: 'Where is my order 4417?',
 *   outcomes: [{ question: 'Where is my order 4417?', answered: false }],
 *   facts: ['Order number: 4417'],
 *   latest: 'Can I talk to someone?',
 * });
 * // 'Main issue: "Where is my order 4417?" (not found in the help center). Customer details:
 * //  Order number: 4417. Latest request: "Can I talk to someone?".'
 */
export function summarizeConversation(input: SummaryInput): string {
  // The latest outcome of each question, in the order the questions were last asked.
  const byQuestion = new Map<string, TurnOutcome>();
  for (const outcome of input.outcomes) {
    const key = normalise(outcome.question);
    if (key === '') continue;
    byQuestion.delete(key);
    byQuestion.set(key, outcome);
  }
  const latest = input.latest !== undefined ? oneLine(input.latest) : '';
  const candidates = [
    input.firstMessage,
    ...[...byQuestion.values()].map((o) => o.question),
    input.latest,
  ];
  // A greeting ("Hi!") or an introduction ("Hi, I'm Jane, jane@example.com") is not an issue:
  // the first message that says what it is about is. Nor is a message that only vents ("this is
  // ridiculous, I am furious") while another names what went wrong, even one that opened the
  // ticket; and one that only asks for a person ("I need to speak to a human agent now") never
  // is: the ticket says that much already.
  const kinds = new Map<string, 'issue' | 'feeling' | 'person' | 'none'>();
  const kindOf = (text: string) => {
    let kind = kinds.get(text);
    if (kind === undefined) {
      kind = aboutSomething(text) ? (withoutSubject(text) ?? 'issue') : 'none';
      kinds.set(text, kind);
    }
    return kind;
  };
  const first = (...wanted: ReadonlyArray<ReturnType<typeof kindOf>>) =>
    candidates.find((text) => text !== undefined && wanted.includes(kindOf(text)));
  const raised = input.latestRaised === true ? input.latest : undefined;
  const raisedKind = raised === undefined ? 'none' : kindOf(raised);
  const main =
    (raisedKind === 'issue' ? raised : undefined) ??
    first('issue') ??
    (raisedKind === 'feeling' ? raised : undefined) ??
    first('feeling') ??
    first('feeling', 'none');
  const mainKey = main === undefined ? '' : normalise(main);
  const mainOutcome = byQuestion.get(mainKey);
  byQuestion.delete(mainKey);
  byQuestion.delete(normalise(latest));

  const parts: string[] = [];
  if (main !== undefined && oneLine(main) !== '') {
    const status =
      mainOutcome === undefined
        ? ''
        : mainOutcome.answered
          ? ` (answered${from(mainOutcome)})`
          : mainOutcome.searchFailed === true
            ? ' (not answered: the help center could not be searched)'
            : ' (not found in the help center)';
    parts.push(`Main issue: ${quote(main)}${status}.`);
  }
  const others = [...byQuestion.values()];
  const answered = others.filter((o) => o.answered);
  const missing = others.filter((o) => !o.answered && o.searchFailed !== true);
  const unsearched = others.filter((o) => !o.answered && o.searchFailed === true);
  if (answered.length > 0) {
    const items = answered.map((o) => `${quote(o.question)}${from(o)}`);
    parts.push(`Answered: ${listed(items, input.outcomesCut)}.`);
  }
  if (missing.length > 0) {
    const items = missing.map((o) => quote(o.question));
    parts.push(`Not found in the help center: ${listed(items, input.outcomesCut)}.`);
  }
  if (unsearched.length > 0) {
    const items = unsearched.map((o) => quote(o.question));
    parts.push(
      `Not answered, as the help center could not be searched: ${listed(items, input.outcomesCut)}.`,
    );
  }
  const facts = [...new Set(input.facts.map(oneLine).filter((f) => f !== ''))];
  if (facts.length > 0) {
    const shown = facts.slice(-LISTED_FACTS).join('; ');
    const others = `${input.factsCut ? 'at least ' : ''}${facts.length - LISTED_FACTS}`;
    const more = facts.length > LISTED_FACTS ? ` (and ${others} more)` : '';
    parts.push(`Customer details: ${shown}${more}.`);
  }
  const files = [...new Set((input.files ?? []).map(oneLine).filter((f) => f !== ''))];
  if (files.length > 0) {
    const shown = files.slice(-LISTED_FILES).join(', ');
    const others = `${input.filesCut ? 'at least ' : ''}${files.length - LISTED_FILES}`;
    const more = files.length > LISTED_FILES ? ` (and ${others} more)` : '';
    parts.push(`Attached files: ${shown}${more}.`);
  }
  if (latest !== '' && normalise(latest) !== mainKey) {
    parts.push(`Latest request: ${quote(latest)}.`);
  }
  return bounded(parts.join(' '), MAX_SUMMARY_CHARS);
}

function aboutSomething(text: string): boolean {
  const head = text.slice(0, 2_000);
  if (queryTerms(head).contentTerms.length === 0) return false;
  // Only the customer's details, with a greeting or their name, ask nothing.
  return (
    readShortReply(
      head,
      extractFacts(head).map((f) => f.value),
    ) === undefined
  );
}

/** The newest few, with a count of the earlier ones ("at least" when older ones were `cut`). */
function listed(items: readonly string[], cut = false): string {
  const shown = items.slice(-LISTED).join('; ');
  const earlier = items.length - LISTED;
  return earlier > 0 ? `${shown} (and ${cut ? 'at least ' : ''}${earlier} earlier)` : shown;
}

function from(outcome: TurnOutcome): string {
  return outcome.source ? ` from "${bounded(outcome.source, 60)}"` : '';
}

function quote(text: string): string {
  return `"${bounded(oneLine(text), QUOTE_CHARS)}"`;
}

function oneLine(text: string): string {
  return (UNTIDY.test(text) ? text.replace(SPACE_RUN, ' ') : text).trim();
}

// eslint-disable-next-line no-control-regex
const SPACE_RUN = /[\u0000-\u001f\u007f\s]+/g;
// What oneLine changes besides the ends: control characters, white space other than single
// spaces. Most lines have none, and testing for them is cheaper than rebuilding the line.
// eslint-disable-next-line no-control-regex
const UNTIDY = /[\u0000-\u001f\u007f]|[^\S ]| {2}/;

/** A message as compared with another: stored outcomes keep only the start of a long one. */
function normalise(text: string): string {
  return oneLine(text).toLowerCase().slice(0, 200);
}

/** `text` cut at a word boundary to at most `max` characters, with "…" when cut. */
function bounded(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
