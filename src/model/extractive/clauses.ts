import { stem } from '../../store/lexical/search-text.js';
import { words } from '../../rag/search/query-terms.js';
import type { QuestionTerm } from './question-terms.js';
import { ABOUT, COUNT, UNIT } from './told-wait.js';
import { allMatches } from './all-matches.js';

// What the clauses of a message say beyond its words: what it asks after telling its
// circumstances, and what it says has not come. Both are read from the message itself, as
// terms of the question (indices into them).

/** Words that open a clause that asks: "can I …", "how do I …", "is it …". */
const ASKING_OPENER = new Set(
  `can could may might will would shall should must do does did is are was were am have has how
  what whats when where why which who whose`
    .split(/\s+/)
    .filter((w) => w !== ''),
);
/** A word that opens a clause within a clause: "before", "if", "when" … */
const SUBORDINATE =
  /\b(?:before|after|when|whenever|while|if|unless|until|till|because|since|once|though|although|so\s+that|as\s+soon\s+as|in\s+case)\b/i;
/** Where one clause of a message ends and the next begins. */
const CLAUSE_END = /[,;:.!?]+\s+|\s+(?:but|so|and)\s+/gi;

/**
 * The terms (indices into `terms`) of what a message asks after telling its circumstances:
 * "swap" (and "exchange", added for it) of "I received the wrong size, can I swap it?". The
 * clause that asks is the last one that opens with a word that asks; told before it, the
 * circumstances ("received", "wrong", "size") say why the customer asks, not what. Undefined
 * for a message that asks in its first clause or not at all, or whose clause that asks holds no
 * content word that is not also a word of the circumstances.
 */
export function askedAfterTelling(
  question: string,
  terms: readonly QuestionTerm[],
): ReadonlySet<number> | undefined {
  const text = question.slice(0, 2000);
  let start = -1;
  let at = 0;
  for (const m of allMatches(text, CLAUSE_END)) {
    const next = m.index + m[0].length;
    if (at > 0 && opensQuestion(text.slice(at, m.index))) start = at;
    at = next;
  }
  if (at > 0 && opensQuestion(text.slice(at))) start = at;
  if (start <= 0) start = unmarkedQuestion(text);
  if (start <= 0) return undefined;
  const told = new Set(words(text.slice(0, start)).map((w) => stem(w)));
  // What is asked ends where a clause of its own begins: "should I do something" of "should I
  // do something before I drive off?".
  const asking = text.slice(start).split(SUBORDINATE)[0] ?? '';
  const asked = new Set(
    words(asking)
      .map((w) => stem(w))
      .filter((s) => !told.has(s)),
  );
  const out = new Set<number>();
  terms.forEach((term, k) => {
    if (term.weak || term.fromContext || term.asks) return;
    const stems = term.standsFor ?? [stem(term.term)];
    if (stems.length > 0 && stems.every((s) => asked.has(s))) out.add(k);
  });
  return out.size > 0 && [...out].some((k) => terms[k]?.standsFor === undefined) ? out : undefined;
}

/**
 * "can i" of "my boots are too small can i swap them": a question run on after what the customer
 * tells, with no comma between. Where it starts, when what comes before it asks nothing
 * itself and is a clause of two words or more; 0 otherwise.
 */
const RUN_ON_QUESTION =
  /\s(?=(?:can|could|may|should|will|would|do|does|is|are|how)\s+(?:i|we|you|u|it|they)\b)/gi;

function unmarkedQuestion(text: string): number {
  for (const m of allMatches(text, RUN_ON_QUESTION)) {
    const before = text.slice(0, m.index);
    if (!opensQuestion(before) && words(before).length >= 2) return m.index + 1;
  }
  return 0;
}

function opensQuestion(clause: string): boolean {
  return ASKING_OPENER.has(words(clause)[0] ?? '');
}

/**
 * "never received", "hasn't arrived yet", "still waiting for", "didn't turn up", "I've been
 * waiting two weeks for", "where is my refund?": something the customer waits for has not come
 * (asked where it is, a thing of theirs, not "where is the settings page?"). A negation written
 * without its apostrophe may come whole ("hasnt") or as the part of "hasn't" the index keeps
 * ("hasn"): no word of its own.
 */
const AWAITED = new RegExp(
  String.raw`(?:\b(?:never|not|still\s+(?:no|not))|\b\w*n['’]t|\b(?:didnt|hasnt|havent|hadnt|wasnt|werent|isnt|arent|dont|doesnt)|\b(?:didn|doesn|hasn|haven|hadn|wasn|weren|couldn|wouldn))\s+(?:\w+\s+)?(?:received|receive|arrived|arrive|come|came|got|gotten|get|seen|show\s+up|shown\s+up|showed\s+up|turn\s+up|turned\s+up)\b(?:\s+yet\b)?` +
    String.raw`|\bwhere(?:['’]s|\s+is|\s+are)\s+(?:my|our)(?=\s+\w)` +
    String.raw`|\b(?:still\s+|been\s+)?waiting\s+(?:(?:for\s+)?${ABOUT}${COUNT}\s+${UNIT}\s+)?(?:for|on)(?=\s+\w)`,
  'i',
);

/** Whether a message says something the customer waits for has not come ("never received"). */
export function saysNotCome(text: string): boolean {
  return AWAITED.test(text.slice(0, 2000));
}

/** What a message says has not come, as terms of the question (indices into them). */
export interface AwaitedThing {
  /** What is awaited: "refund" of "I never received my refund". */
  thing: ReadonlySet<number>;
  /**
   * What says it has not come: the words of "never received", and those the search added for
   * them ("arrive", "tracking", "delivery").
   */
  saying: ReadonlySet<number>;
}

/**
 * What the customer says has not come: "refund" of "I never received my refund", "engineer" of
 * "the engineer never turned up and I took the day off" (the content words of the clause that
 * says so, but its own), and the words that say it. Undefined when the message says no such
 * thing. A clause that names nothing ("it still hasn't arrived"), or only a word nearly every
 * page has ("my order"), names no thing: it is known by the words that say it has not come
 * ("arrived", and "tracking" the search added for it; see `awaitedAsTold` in scoring.ts), and
 * undefined when none of those is more than conversational ("never received").
 */
export function awaitedThing(
  question: string,
  terms: readonly QuestionTerm[],
): AwaitedThing | undefined {
  const text = question.slice(0, 2000);
  const m = AWAITED.exec(text);
  if (m === null) return undefined;
  let from = 0;
  let to = text.length;
  for (const end of allMatches(text, CLAUSE_END)) {
    if (end.index + end[0].length <= m.index) from = end.index + end[0].length;
    else if (end.index >= m.index + m[0].length) {
      to = end.index;
      break;
    }
  }
  const said = new Set(words(m[0]).map((w) => stem(w)));
  const clause = new Set(
    words(text.slice(from, to))
      .map((w) => stem(w))
      .filter((s) => !said.has(s)),
  );
  const thing = new Set<number>();
  const saying = new Set<number>();
  terms.forEach((term, k) => {
    if (term.fromContext) return;
    const stems = term.standsFor ?? [stem(term.term)];
    if (stems.length > 0 && stems.every((s) => said.has(s))) saying.add(k);
    else if (
      !term.weak &&
      !term.asks &&
      term.standsFor === undefined &&
      clause.has(stems[0] ?? '')
    ) {
      thing.add(k);
    }
  });
  return thing.size > 0 || [...saying].some((k) => terms[k]?.weak === false)
    ? { thing, saying }
    : undefined;
}
