import { stemmer } from 'stemmer';
import { attachmentDocuments, readAttachments } from './attachments.js';
import { cleanValue, firstName } from './clean.js';
import { TermMatcher } from '../../rag/search/highlight.js';
import {
  passageDocuments,
  statesPhoneNumber,
  type Document,
  type PassageCache,
} from './documents.js';
import { answerFromFacts, orderInQuestion, valuesOf, type KnownFact } from './known-facts.js';
import {
  asksItself,
  asksQuantity,
  asksHowTo,
  asksPhoneNumber,
  asksPrice,
  asksSchedule,
  asksTime,
  reportsTrouble,
  questionTerms,
  type QuestionTerm,
} from './question-terms.js';
import { askedAfterTelling, awaitedThing } from './clauses.js';
import { relatedToOwn, standsApart } from './own-topic.js';
import { renderPicks } from './render.js';
import { answersAwaited, scoreSentences, type Scored } from './scoring.js';
import { selectSentences, type Pick } from './select.js';
import {
  aboutOrder,
  attachmentsRead,
  followUp,
  SAFETY_FIRST,
  ASK_CONTACT,
  greeting,
  NOT_FOUND,
  NOTHING_MORE,
  OFFER_PERSON,
  shortAnswer,
} from './templates.js';
import type { ExtractiveAnswer, ExtractiveInput } from './types.js';

/** Confidence of an answer that says it found nothing. */
const NOT_FOUND_CONFIDENCE = 0.05;
/** Asked for more, what was not said yet must score at least this share of what was. */
const MORE_SHARE = 0.5;
/** Confidence of the answer to a message that asks nothing of the help center (`shortReply`). */
const SHORT_REPLY_CONFIDENCE = 0.9;
/** Confidence of an answer read back from what the customer told us. */
const FACT_CONFIDENCE = 0.9;

/** How {@link composeExtractiveAnswer} reads its passages. */
export interface ComposeOptions {
  /** Passages read on earlier turns, kept by the caller: the same answer, with less reading. */
  passages?: PassageCache | undefined;
}

/**
 * Answers a customer without a language model: the best one to three sentences of the retrieved
 * passages (or of an attachment the question is about), each followed by its citation marker,
 * inside fixed templates — a greeting on the first turn when it answers, "About your order …" when the question
 * is about a known order, a note that a person will follow up when the turn escalated. When no
 * sentence shares a content word with the question it says so plainly and offers a person;
 * it never answers with unrelated passages. Nothing in a passage or the question is obeyed:
 * text is only ever copied. Pure and deterministic.
 *
 * @example
 * const answer = composeExtractiveAnswer({
 *   question: 'How long do refunds take?',
 *   sources: hits,
 *   facts: [],
 *   firstTurn: true,
 *   customerName: 'Jane',
 * });
 * // answer.text: 'Hi Jane,\n\nRefunds reach your card within 5 business days [1].'
 */
export function composeExtractiveAnswer(
  input: ExtractiveInput,
  options: ComposeOptions = {},
): ExtractiveAnswer {
  const question = typeof input?.question === 'string' ? input.question : '';
  const facts: KnownFact[] = Array.isArray(input?.facts) ? input.facts : [];
  const name = firstName(input?.customerName) ?? firstName(valuesOf(facts, 'name').at(-1));
  const ticketId = cleanValue(input?.escalated?.ticketId, 64);
  // A report of harm or danger is told what to do now before anything else is said.
  const safetyFirst = ticketId !== '' && input?.escalated?.safety === true ? SAFETY_FIRST : '';
  // A person who will follow up needs a way to: the hand-over asks for one when none is known.
  const handOver =
    ticketId === ''
      ? ''
      : input?.escalated?.askContact === true
        ? `${followUp(ticketId)} ${ASK_CONTACT}`
        : followUp(ticketId);
  const attachments = readAttachments(input?.attachments, question);

  // A greeting opens a reply that answers; "Hi," before "I couldn't find this" or a hand-over
  // to a person reads as cheerfulness about the customer's bad luck.
  const frame = (body: string, answers: boolean): string =>
    [
      safetyFirst,
      // No cheerful "Hi" after being told to call the emergency services.
      input?.firstTurn && answers && safetyFirst === '' ? greeting(name) : '',
      attachments.length > 0 ? attachmentsRead(attachments.map((a) => a.name)) : '',
      body,
      handOver,
    ]
      .filter((part) => part !== '')
      .join('\n\n');

  if (input?.shortReply !== undefined && attachments.length === 0) {
    // Said in kind: no greeting before a greeting, and when a person now takes over (the
    // customer said yes to one) the follow-up line is the whole answer.
    const accepted =
      ticketId !== '' && (input.shortReply === 'yes' || input.shortReply === 'acknowledgement');
    const text = [
      safetyFirst,
      accepted
        ? ''
        : shortAnswer(
            input.shortReply,
            name,
            name !== undefined && question.toLowerCase().includes(name.toLowerCase()),
            {
              // The details the message itself gives (the facts known before are not in it).
              details: facts.filter((f) => f.kind !== 'name' && question.includes(f.value)),
              firstTurn: input.firstTurn === true,
              handedOver: ticketId !== '',
            },
          ),
      handOver,
    ]
      .filter((part) => part !== '')
      .join('\n\n');
    return { text, cited: [], confidence: SHORT_REPLY_CONFIDENCE, found: true };
  }

  const fromFacts = answerFromFacts(question, facts);
  if (fromFacts !== null) {
    return { text: frame(fromFacts, true), cited: [], confidence: FACT_CONFIDENCE, found: true };
  }

  const leanedOn = typeof input?.context === 'string' ? input.context : '';
  const sources = Array.isArray(input?.sources) ? input.sources : [];
  const searched = Array.isArray(input?.related) ? input.related : [];
  // Told what they did already about the problem before ("I've already restarted the hub"), the
  // customer asks what comes next about that problem: its words are what is asked.
  const doneWord = typeof input?.done === 'string' ? input.done.trim() : '';
  const joint =
    leanedOn !== '' && doneWord === '' ? questionTerms(question, leanedOn, searched) : undefined;
  // A continuation that names a topic the help center tells of apart from the question before
  // ("and refunds?" after "How do I reset my password?") is a question of its own.
  const apart = joint !== undefined && standsApart(question, joint, sources);
  const context = apart ? '' : leanedOn;
  const asksNext = doneWord !== '' && context !== '';
  const terms =
    joint !== undefined && !apart
      ? joint
      : questionTerms(
          asksNext ? context : question,
          asksNext ? '' : context,
          apart ? relatedToOwn(question, searched) : searched,
        );
  // What is asked for is the message's own; a follow-up that asks nothing in words of its own
  // ("and to Canada?" after "How long does shipping take?") asks what the question before did.
  const shapeOf = context !== '' && !asksItself(question) ? context : question;
  const time = asksTime(shapeOf);
  const quantity = asksQuantity(shapeOf);
  // Asked for a price or a time, a heading that states one ("Core – £34.99 a month") is read.
  const documents = [
    ...attachmentDocuments(attachments),
    ...passageDocuments(sources, options.passages, quantity),
  ];
  // What the customer waits for ("my refund" of "I never received my refund"), and what is
  // asked after the circumstances ("can I swap it?" of "I received the wrong size, can I swap
  // it?"): the message's own, as a follow-up's words do not say them.
  const awaited = awaitedThing(question, terms);
  const asked = askedAfterTelling(question, terms);
  const scoredAll = scoreSentences(documents, terms, {
    quantity,
    time,
    price: asksPrice(shapeOf),
    schedule: asksSchedule(shapeOf),
    timeOnly: context !== '' && time && !terms.some((t) => !t.weak && t.weight === 1),
    trouble: reportsTrouble(question),
    ...(awaited ? { awaited } : {}),
    ...(asked ? { asked } : {}),
    howTo: asksHowTo(shapeOf),
  });
  // Asked for the number to call, only a sentence that gives one answers: none, and the help
  // center does not say (rather than "you will need a phone to end the trip").
  const every = asksPhoneNumber(shapeOf)
    ? {
        ...scoredAll,
        candidates: scoredAll.candidates.filter((c) => statesPhoneNumber(c.unit.text)),
      }
    : scoredAll;
  // Told what they did already ("I've already restarted the hub"), the customer is not told to do
  // it: sentences that say it are out.
  const done = doneWord === '' ? undefined : new TermMatcher([doneWord]);
  const all = done
    ? { ...every, candidates: every.candidates.filter((c) => !done.test(c.unit.text)) }
    : every;
  // A follow-up that asks for more ("why?", "what else?") is not answered with what was just
  // said; one that asks how long or how much is answered with the sentence that says, said or not.
  // Citations out, the reply just given holds each sentence it quoted as the passage has it.
  const said =
    typeof input?.said === 'string' && context !== '' && !time && !quantity
      ? input.said.replace(/ \[\d+\]/g, '')
      : '';
  const scored =
    said === ''
      ? all
      : { ...all, candidates: all.candidates.filter((c) => !said.includes(c.unit.text)) };
  const unsaid = selectSentences(scored, terms, documents);
  // Asked only for more, what is left unsaid must answer nearly as well as what was said: a
  // sentence that shares one word of the conversation ("keeps" and "Keep my number") is not more.
  // The choice without the filter, made only when it is needed.
  let again: Pick[] | undefined = scored === all ? unsaid : undefined;
  const withSaid = () => (again ??= selectSentences(all, terms, documents));
  const chosen =
    input?.asksMore === true &&
    context !== '' &&
    unsaid.length > 0 &&
    bestScore(unsaid) < MORE_SHARE * bestScore(withSaid())
      ? []
      : unsaid;
  // A question about something the help center never mentions, answered on the strength of
  // one word it shares with a page ("can I buy bitcoin in the app?"), is not answered.
  // Asked whether something is had ("do you sell protein shakes?", "is there parking?") that no
  // passage mentions, the help center does not say it is.
  const picks =
    attachments.length === 0 &&
    (aboutSomethingElse(chosen, scored, terms, documents) ||
      asksForUnmentioned(question, terms, scoredAll))
      ? []
      : chosen;
  if (picks.length === 0) {
    // With a ticket open the follow-up line already says a person is coming; handed over, it is
    // all there is to say. Asked for more than was said, with nothing more: not "could not find".
    const filtered = scored !== every;
    const none =
      filtered && (withSaid().length > 0 || selectSentences(every, terms, documents).length > 0)
        ? NOTHING_MORE
        : NOT_FOUND;
    const body = ticketId === '' ? `${none} ${OFFER_PERSON}` : input?.handover === true ? '' : none;
    return { text: frame(body, false), cited: [], confidence: NOT_FOUND_CONFIDENCE, found: false };
  }

  const rendered = renderPicks(
    picks,
    documents,
    input?.numbering === 'as-retrieved' ? 'as-retrieved' : 'by-appearance',
  );
  const order = orderInQuestion(question, facts);
  const body = order !== undefined ? `${aboutOrder(order)} ${rendered.text}` : rendered.text;
  return {
    text: frame(body, true),
    cited: rendered.cited,
    confidence: confidenceOf(picks, scored, terms),
    found: true,
  };
}

/**
 * The share of the question's (weighted) words the quoted sentences hold — words only under
 * their heading count half — less a little for each step the best sentence's document is down
 * the ranking. A summary of an attachment with no words in common sits in the middle.
 */
function confidenceOf(
  picks: readonly Pick[],
  scored: Scored,
  terms: readonly QuestionTerm[],
): number {
  if (scored.totalWeight === 0) return 0.5;
  const own = new Set<number>();
  const under = new Set<number>();
  for (const { candidate } of picks) {
    for (const k of candidate.matched) own.add(k);
    for (const k of candidate.context) under.add(k);
  }
  let weight = 0;
  for (const k of own) weight += scored.weights[k] ?? 0;
  for (const k of under) if (!own.has(k)) weight += 0.5 * (scored.weights[k] ?? 0);
  const coverage = weight / scored.totalWeight;
  // One shared word is thin evidence however rare it is; two or more make a match.
  const evidence = Math.min(1, (strongCount(own, terms) + 1) / 3);
  const rank = picks[0]?.candidate.doc ?? 0;
  const value = 0.2 + 0.75 * coverage * evidence - 0.05 * Math.min(rank, 4);
  return Math.round(Math.min(0.95, Math.max(0.1, value)) * 100) / 100;
}

/**
 * Whether the chosen sentences answer a question about something else: the question has a word
 * of its own (no question word, conversational word or word of an earlier question) that no
 * passage has, in no related form either ("bitcoin", "fdic"), and the sentences hold only one
 * of its own words (counting a related word for the word it stands for, and no phrase read as a
 * whole), one that another article found has too ("app"). A follow-up answered through the
 * question it follows is answered.
 */
function aboutSomethingElse(
  picks: readonly Pick[],
  scored: Scored,
  terms: readonly QuestionTerm[],
  passages: readonly Document[],
): boolean {
  if (picks.length === 0) return false;
  const stemOf = (k: number) => stemmer(terms[k]?.term ?? '');
  const own = terms.flatMap((t, k) =>
    !t.weak && !t.fromContext && t.standsFor === undefined ? [k] : [],
  );
  const ownStems = (indices: Iterable<number>) => ownStemsOf(terms, indices);
  const anywhere = new Set<number>();
  for (const c of scored.candidates) for (const k of c.matched) anywhere.add(k);
  const known = ownStems(anywhere);
  if (own.every((k) => known.has(stemOf(k)))) return false;
  const answered = new Set<number>();
  for (const { candidate } of picks) {
    for (const k of candidate.matched) answered.add(k);
    for (const k of candidate.context) answered.add(k);
  }
  // A follow-up answered through the question it follows ("and to Canada?") is answered.
  if ([...answered].some((k) => terms[k]?.fromContext)) return false;
  const answeredStems = ownStems(answered);
  const held = own.filter((k) => answeredStems.has(stemOf(k)));
  // A phrase the search read as a whole ("kicking me out" for "sign out") holds a meaning of its
  // own, though its words are no topic words.
  const phrases = new Set<string>();
  for (const k of answered) {
    const stands = terms[k]?.standsFor;
    if (stands && !own.some((o) => stands.includes(stemOf(o)))) phrases.add(stands.join(' '));
  }
  // Told that something has not come and answered with when it comes or what to do about it
  // ("If our engineer misses your installation appointment, we credit £30 …" for "the guy
  // never turned up for my install"), the answer holds what the question says of it too.
  const awaited = scored.shape.awaited;
  const answersIt =
    awaited !== undefined && picks.some((p) => answersAwaited(p.candidate, awaited));
  if (held.length + phrases.size + (answersIt ? 1 : 0) > 1) return false;
  // The one word held says little when other articles found have it too ("app", "account"); a
  // rarer one ("defective", for "damaged") is what the question is about. Articles, not
  // passages: the sections of one article on installing all say "install", and it is their topic.
  const articles = new Map<string, Set<string>>();
  for (const c of scored.candidates) {
    const article = passages[c.doc]?.article ?? String(c.doc);
    let stems = articles.get(article);
    if (!stems) articles.set(article, (stems = new Set()));
    for (const s of ownStems(c.matched)) stems.add(s);
  }
  // Measured on the help centers of test/answer-quality.test.ts: "in two articles" catches every
  // off-topic question "in two passages" did, and refuses four right answers fewer.
  const common = 2;
  return (
    phrases.size === 0 &&
    held.every(
      (k) => [...articles.values()].filter((stems) => stems.has(stemOf(k))).length >= common,
    )
  );
}

/**
 * "do you sell …", "do any of the cars have …", "is there …", "can I get …", "can you
 * recommend …": a question whether something is had, offered or done, with what it asks about
 * after it (up to a comma, a
 * preposition or a new clause: "a gift card" of "a gift card for my dad's birthday").
 */
const ASKS_HAVE =
  /(?<!\b(?:why|how|what|where|when|who|which)\s+)\b(?:(?:do|does|will|would|can|could)\s+(?:you|y'?all|yall|u|ya|(?:any\s+of\s+)?(?:the|your)\s+\w+|they|we|i)\s+(?:guys\s+)?(?:have|has|sell|offer|provide|stock|carry|support|do|deliver|install|get|buy|recommend|suggest)|(?:is|are)\s+there)\s+(?!to\b)([^?.!,;:()]+)/gi;
const OBJECT_END =
  /\b(?:for|to|on|in|at|with|from|of|by|through|into|so|because|cause|since|if|when|while|like|instead|or\s+(?:do|does|is|are|can|will|would|should|i|we|just))\b/i;
/**
 * Words that name no thing of their own after "is there" / "do you have" ("any way to …", "get
 * it back"), and words of price: "is there a fee for returns?" asks about returns.
 */
const GENERIC = new Set(
  `any anything something someone anyone way ways option options kind sort type chance
  possibility extra more other another else back up down out off over away
  fee fees charge charges cost costs price prices penalty`
    .split(/\s+/)
    .filter((w) => w !== ''),
);

/** A thing spoken of already: "can I get it back?". */
const PRONOUN = new Set(['it', 'them', 'this', 'that', 'these', 'those', 'one', 'mine']);

/** A word after "get" that makes it happen to someone: "get hit", "get charged". */
const PASSIVE =
  /^(?:\w+ed|hit|stung|caught|stuck|burnt|done|sent|given|taken|made|put|shut|cut|let|rid)$/;

/**
 * Whether the question asks if something is had (see {@link ASKS_HAVE}) whose words include one
 * of the question's own that no passage has, in no related form either: "do the cars have apple
 * carplay?" where no page says "carplay". The help center does not say so, whatever else its
 * pages share with the question ("apple", of Apple Pay).
 */
function asksForUnmentioned(
  question: string,
  terms: readonly QuestionTerm[],
  scored: Scored,
): boolean {
  const asked = new Set<string>();
  for (const m of question.slice(0, 500).matchAll(ASKS_HAVE)) {
    const object = (m[1] ?? '').split(OBJECT_END)[0] ?? '';
    const words = object.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    // "will I get hit with fees", "get charged": a thing done to the customer, not one had;
    // "can I get it delivered": the thing is one spoken of already.
    if (PASSIVE.test(words[0] ?? '') || PRONOUN.has(words[0] ?? '')) continue;
    for (const word of words) {
      if (!GENERIC.has(word)) asked.add(stemmer(word));
    }
  }
  if (asked.size === 0) return false;
  const known = new Set<string>();
  for (const c of scored.candidates) {
    for (const s of ownStemsOf(terms, c.matched)) known.add(s);
    for (const s of ownStemsOf(terms, c.context)) known.add(s);
  }
  return terms.some(
    (t) =>
      !t.weak &&
      !t.fromContext &&
      t.standsFor === undefined &&
      asked.has(stemmer(t.term)) &&
      !known.has(stemmer(t.term)),
  );
}

/**
 * The stems of the question's own words that `indices` (of `terms`) hold, directly or through a
 * related word standing for them; words of an earlier question are not the question's own.
 */
function ownStemsOf(terms: readonly QuestionTerm[], indices: Iterable<number>): Set<string> {
  const out = new Set<string>();
  for (const k of indices) {
    const term = terms[k];
    if (term?.standsFor) for (const s of term.standsFor) out.add(s);
    else if (term && !term.fromContext) out.add(stemmer(term.term));
  }
  return out;
}

function strongCount(indices: ReadonlySet<number>, terms: readonly QuestionTerm[]): number {
  let n = 0;
  for (const k of indices) if (terms[k]?.weak === false) n++;
  return n;
}

/** The score of the best of the sentences chosen. */
function bestScore(picks: readonly Pick[]): number {
  return picks.reduce((best, p) => Math.max(best, p.candidate.score), 0);
}
