import { attachmentDocuments, readAttachments } from './attachments.js';
import { cleanValue, firstName } from './clean.js';
import { passageDocuments, statesPhoneNumber, type PassageCache } from './documents.js';
import { answerFromFacts, orderInQuestion, valuesOf, type KnownFact } from './known-facts.js';
import {
  asksItself,
  asksQuantity,
  asksFrequency,
  asksHowTo,
  asksPhoneNumber,
  asksYesNo,
  asksPrice,
  asksSchedule,
  asksTime,
  reportsTrouble,
  questionTerms,
  type QuestionTerm,
} from './question-terms.js';
import { askedAfterTelling } from './clauses.js';
import { relatedToOwn, standsApart } from './own-topic.js';
import { renderPicks } from './render.js';
import { answersOtherThing } from './off-topic.js';
import { saidAgain } from './said-again.js';
import { awaitedOf, overdue, withinTime } from './waited.js';
import { pastWindow, withinWindow } from './past-window.js';
import { thingAlone } from './for-what-untold.js';
import { placesServed } from './places-served.js';
import { scoreSentences, type Scored } from './scoring.js';
import type { Pick } from './quote.js';
import { selectSentences } from './select.js';
import { leaveOutDone } from './done-step.js';
import { leaveOutOtherThings } from './other-thing.js';
import { leaveOutRuledOut } from './ruled-out.js';
import { owedTerms } from './owed.js';
import {
  aboutOrder,
  attachmentsRead,
  followUp,
  SAFETY_FIRST,
  SORRY_HURT,
  SORRY_TROUBLE,
  ASK_CONTACT,
  greeting,
  NOT_FOUND,
  NOT_FOR_THAT,
  notedBeside,
  NOTHING_BEYOND_TRIED,
  NOTHING_MORE,
  OFFER_PERSON,
  saidBefore,
  shortAnswer,
  stillWaiting,
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
  return frameExtractiveAnswer(input, readExtractiveAnswer(input, options));
}

/**
 * What the help center's answer to a message says (see {@link composeExtractiveAnswer}), before
 * the session's ticket is known: a ticket, or a hand-over to a person, changes only how the
 * reply opens and closes (`escalated`, `handover`), and so do `firstTurn`, `upset`, `urgent`,
 * `ongoing` and `offered`. A reply written again with the ticket frames the same reading.
 */
export type ExtractiveReading =
  /** A message that asks nothing of the help center (`shortReply`): answered in kind. */
  | { type: 'short' }
  /** Read back from what the customer told us. */
  | { type: 'facts'; text: string }
  /** Nothing to quote, and what to say instead ("I couldn't find …"). */
  | { type: 'unanswered'; said: string }
  | {
      type: 'answer';
      /** The sentences quoted, with their citation markers. */
      quoted: string;
      /** Said as what the help center says of the thing alone (see `thingAlone`). */
      alone: boolean;
      /** The order the question is about. */
      order: string | undefined;
      cited: number[];
      confidence: number;
    };

/**
 * The answer to `input` as a ticket would not change it (see {@link ExtractiveReading}): give it
 * to {@link frameExtractiveAnswer} with the same input, or with `escalated`, `handover`,
 * `firstTurn`, `upset`, `urgent`, `ongoing` or `offered` changed.
 */
export function readExtractiveAnswer(
  input: ExtractiveInput,
  options: ComposeOptions = {},
): ExtractiveReading {
  const question = typeof input?.question === 'string' ? input.question : '';
  const facts: KnownFact[] = Array.isArray(input?.facts) ? input.facts : [];
  const attachments = readAttachments(input?.attachments, question);
  if (input?.shortReply !== undefined && attachments.length === 0) return { type: 'short' };
  const unanswered = (said: string): ExtractiveReading => ({ type: 'unanswered', said });
  const fromFacts = answerFromFacts(question, facts);
  if (fromFacts !== null) return { type: 'facts', text: fromFacts };

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
  // The lead of files given for a question none of whose words they hold: asked what is owed,
  // their total is looked for in their own words.
  const owed =
    question === '' && typeof input?.leadFor === 'string' ? owedTerms(input.leadFor) : undefined;
  const terms =
    owed ??
    (joint !== undefined && !apart
      ? joint
      : questionTerms(
          asksNext ? context : question,
          asksNext ? '' : context,
          apart ? relatedToOwn(question, searched) : searched,
        ));
  // What is asked for is the message's own; a follow-up that asks nothing in words of its own
  // ("and to Canada?" after "How long does shipping take?") asks what the question before did.
  const shapeOf =
    owed && input?.leadFor !== undefined
      ? input.leadFor
      : context !== '' && !asksItself(question)
        ? context
        : question;
  const time = asksTime(shapeOf);
  const quantity = asksQuantity(shapeOf);
  // Asked for a price or a time, a heading that states one ("Core – £34.99 a month") is read.
  const documents = [
    ...attachmentDocuments(attachments, terms, sources.length + 1),
    ...passageDocuments(sources, options.passages, quantity),
  ];
  // What the customer waits for ("my refund" of "I never received my refund"), and what is
  // asked after the circumstances ("can I swap it?" of "I received the wrong size, can I swap
  // it?"): the message's own, as a follow-up's words do not say them; but a message that only
  // tells how long the customer has waited ("it's been 3 days") waits for what the question
  // before said had not come.
  const awaited = awaitedOf(question, context, terms);
  const asked = askedAfterTelling(question, terms);
  const scoredAsked = scoreSentences(documents, terms, {
    quantity,
    time,
    price: asksPrice(shapeOf),
    frequency: asksFrequency(shapeOf),
    schedule: asksSchedule(shapeOf),
    timeOnly: context !== '' && time && !terms.some((t) => !t.weak && t.weight === 1),
    trouble: reportsTrouble(question),
    ...(awaited ? { awaited } : {}),
    ...(asked ? { asked } : {}),
    howTo: asksHowTo(shapeOf),
    yesNo: asksYesNo(shapeOf),
  });
  // What is about a thing known to be other than the one asked (passwords, asked of a PIN) does
  // not answer; what is about a state the customer rules out ("card isn't frozen") does not lead.
  const scoredAll = leaveOutRuledOut(
    leaveOutOtherThings(scoredAsked, question, documents),
    question,
    terms,
  );
  // Asked for the number to call, only a sentence that gives one answers: none, and the help
  // center does not say (rather than "you will need a phone to end the trip").
  const every = asksPhoneNumber(shapeOf)
    ? {
        ...scoredAll,
        candidates: scoredAll.candidates.filter((c) => statesPhoneNumber(c.unit.text)),
      }
    : scoredAll;
  // Told how long they have waited for what has not come, past what the help center says it
  // takes: what to do when it is late, or an apology and a person (see `overdue`).
  const late =
    attachments.length > 0
      ? undefined
      : overdue(question, leanedOn, terms, scoredAll, documents, input?.said);
  if (late?.picks.length === 0) return unanswered(stillWaiting(late.stated));
  // A follow-up that asks for more ("why?", "what else?") is not answered with what was just
  // said; one that asks how long or how much is answered with the sentence that says, said or not.
  // Citations out, the reply just given holds each sentence it quoted as the passage has it.
  const said =
    typeof input?.said === 'string' && context !== '' && !time && !quantity
      ? input.said.replace(/ \[\d+\]/g, '')
      : '';
  // Told what they did already ("I already checked my spam folder"), the customer is not told to
  // do it: sentences that say it are out, and the step after it is the answer; after the last
  // step, the help center says no more.
  let afterDone = doneWord === '' ? undefined : leaveOutDone(every, doneWord, said);
  if (afterDone?.lastStep) return unanswered(NOTHING_MORE);
  // Told in a message of its own what they tried ("tried turning bluetooth off and on and
  // restarted the app"), the customer is not told to do it either: the steps are left out
  // together.
  let triedAll = false;
  let triedSome = false;
  const tried = (Array.isArray(input?.tried) ? input.tried : [])
    .filter((step): step is string => typeof step === 'string' && step.trim() !== '')
    .map((step) => step.trim());
  if (tried.length > 0) {
    const before = afterDone?.scored ?? every;
    afterDone = leaveOutDone(before, tried, said);
    triedAll = afterDone.lastStep;
    triedSome = afterDone.scored !== before;
  }
  if (triedAll) return unanswered(NOTHING_BEYOND_TRIED);
  const all = afterDone?.scored ?? every;
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
  // A follow-up about a thing the reply just spoke of ("And cash?") is answered with what it
  // said, again, not with another sentence of the page.
  const repeated =
    said === '' || input?.asksMore === true ? [] : saidAgain(unsaid, withSaid, said, terms);
  const chosen =
    repeated.length > 0
      ? repeated
      : input?.asksMore === true &&
          context !== '' &&
          unsaid.length > 0 &&
          bestScore(unsaid) < MORE_SHARE * bestScore(withSaid())
        ? []
        : unsaid;
  // A question about something the help center never mentions, answered on the strength of a
  // word it shares with a page ("can I buy bitcoin in the app?"), is not answered (see
  // `answersOtherThing`).
  // Told how long ago they did something, past the time the help center allows for what is
  // asked, the customer is told that time and what applies after it (see `pastWindow`).
  const past =
    late === undefined && attachments.length === 0 && said === ''
      ? pastWindow(question, scored, terms)
      : undefined;
  // Told how long they have waited, within what the help center says it takes: the time it
  // says (see `withinTime`).
  const within =
    late === undefined && past === undefined && attachments.length === 0 && said === ''
      ? withinTime(question, leanedOn, terms, scoredAll, documents)
      : undefined;
  // Asked whether the shop ships to a place its list of places served does not name, the list
  // (see `placesServed`); not when the message asks how long or how much too ("Do you ship to
  // Japan? how long does it take"), which the answer as chosen says.
  const served =
    late === undefined &&
    past === undefined &&
    within === undefined &&
    attachments.length === 0 &&
    !quantity
      ? placesServed(question, scoredAll, terms)
      : undefined;
  // Told a span of time within the time the help center allows for what is asked, that time
  // (see `withinWindow`).
  const inWindow =
    late === undefined &&
    past === undefined &&
    within === undefined &&
    served === undefined &&
    attachments.length === 0 &&
    said === ''
      ? withinWindow(question, scored, terms)
      : undefined;
  const picks =
    late?.picks ??
    past ??
    within ??
    served ??
    inWindow ??
    (attachments.length === 0 &&
    repeated.length === 0 &&
    answersOtherThing(chosen, { scored, all: scoredAll }, question, terms, documents)
      ? []
      : chosen);
  if (picks.length === 0) {
    // Asked for more than was said, with nothing more: not "could not find".
    const filtered = scored !== every;
    return unanswered(
      filtered && (withSaid().length > 0 || selectSentences(every, terms, documents).length > 0)
        ? triedSome && said === ''
          ? NOTHING_BEYOND_TRIED
          : NOTHING_MORE
        : NOT_FOUND,
    );
  }

  // Asked whether a thing is had for something ("a warranty on the bedding") that no passage
  // names with it, what the help center says of the thing is said as that, not as the answer;
  // what it says of the other alone ("Wash linen at 40 °C") is no answer at all.
  const alone =
    picks === chosen && repeated.length === 0 && attachments.length === 0
      ? thingAlone(picks, question, terms, scoredAll)
      : undefined;
  if (alone?.length === 0) return unanswered(NOT_FOUND);
  const rendered = renderPicks(
    alone ?? picks,
    documents,
    input?.numbering === 'as-retrieved' ? 'as-retrieved' : 'by-appearance',
  );
  return {
    type: 'answer',
    quoted: repeated.length > 0 ? saidBefore(rendered.text) : rendered.text,
    alone: alone !== undefined,
    order: orderInQuestion(question, facts),
    cited: rendered.cited,
    confidence: confidenceOf(alone ?? picks, scored, terms),
  };
}

/** The answer as the reply gives it: a reading (see {@link readExtractiveAnswer}), framed. */
export function frameExtractiveAnswer(
  input: ExtractiveInput,
  reading: ExtractiveReading,
): ExtractiveAnswer {
  const question = typeof input?.question === 'string' ? input.question : '';
  const facts: KnownFact[] = Array.isArray(input?.facts) ? input.facts : [];
  const name = firstName(input?.customerName) ?? firstName(valuesOf(facts, 'name').at(-1));
  const ticketId = cleanValue(input?.escalated?.ticketId, 64);
  // A report of harm or danger is told what to do now before anything else is said.
  const safety = ticketId !== '' && input?.escalated?.safety === true;
  const safetyFirst = !safety
    ? ''
    : input?.escalated?.harmed === true
      ? `${SORRY_HURT} ${SAFETY_FIRST}`
      : SAFETY_FIRST;
  // A person who will follow up needs a way to: the hand-over asks for one when none is known.
  const handOver =
    ticketId === ''
      ? ''
      : input?.escalated?.askContact === true
        ? `${followUp(ticketId)} ${ASK_CONTACT}`
        : followUp(ticketId);
  const attachments = readAttachments(input?.attachments, question);
  const given = Array.isArray(input?.given) ? input.given : [];
  const givenName = firstName(given.find((d) => d.kind === 'name')?.value);
  const contacts = given
    .filter((d) => d.kind !== 'name')
    .map((d) => ({ kind: d.kind, value: cleanValue(d.value, 120) }));

  // A greeting opens a reply that answers; "Hi," before "I couldn't find this" or a hand-over
  // to a person reads as cheerfulness about the customer's bad luck.
  const frame = (body: string, answers: boolean): string => {
    // No cheerful "Hi" after being told to call the emergency services.
    const greets = input?.firstTurn === true && answers && safetyFirst === '';
    // Nor to an angry message: sorry for the trouble, then the answer. Nor to an urgent one:
    // the answer first.
    const sorry = greets && input?.upset === true;
    const greeted = greets && !sorry && input?.urgent !== true;
    return [
      safetyFirst,
      sorry ? SORRY_TROUBLE : greeted ? greeting(name) : '',
      // Details given beside the question are said back, as they are given alone; a name the
      // reply greets by is said back already.
      notedBeside(contacts, greeted && givenName === name ? undefined : givenName),
      attachments.length > 0 && input?.attachmentsBefore !== true
        ? attachmentsRead(attachments.map((a) => a.name))
        : '',
      body,
      handOver,
    ]
      .filter((part) => part !== '')
      .join('\n\n');
  };

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
              details: facts.filter((f) => f.kind !== 'name' && givenIn(question, f)),
              firstTurn: input.firstTurn === true,
              ongoing: input.ongoing === true,
              handedOver: ticketId !== '',
              offered: input.offered === true,
            },
          ),
      handOver,
    ]
      .filter((part) => part !== '')
      .join('\n\n');
    return { text, cited: [], confidence: SHORT_REPLY_CONFIDENCE, found: true };
  }

  if (reading.type === 'facts') {
    return { text: frame(reading.text, true), cited: [], confidence: FACT_CONFIDENCE, found: true };
  }
  if (reading.type !== 'answer') {
    const said = reading.type === 'unanswered' ? reading.said : NOT_FOUND;
    // With a ticket open the follow-up line already says a person is coming; handed over, it is
    // all there is to say.
    return {
      text: frame(ticketId === '' ? `${said} ${OFFER_PERSON}` : input?.handover ? '' : said, false),
      cited: [],
      confidence: NOT_FOUND_CONFIDENCE,
      found: false,
    };
  }
  // A person is offered, as when nothing is found; with a ticket open, one is coming already.
  const offer = ticketId === '' ? ` ${OFFER_PERSON}` : '';
  const reply = reading.alone ? `${NOT_FOR_THAT} ${reading.quoted}${offer}` : reading.quoted;
  const body = reading.order !== undefined ? `${aboutOrder(reading.order)} ${reply}` : reply;
  return {
    text: frame(body, true),
    // A copy: one reading may be framed more than once, and an answer's list is its own.
    cited: [...reading.cited],
    confidence: reading.confidence,
    found: true,
  };
}

/**
 * The share of the question's (weighted) words the quoted sentences hold — words only under
 * their heading count half — less a little for each step the best sentence's document is down
 * the ranking. A summary of an attachment with no words in common sits in the middle. The
 * related words the search added for a word of the question ("damaged", "faulty", "cracked" for
 * "broken") are other ways to say that one word: with it they count once, as much as the
 * heaviest of them, and one of them said is that word said (as much as it weighs); counted one by
 * one, they outweighed the question's own words and no answer could hold them all.
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
  // Each word of the question with the related words added for it: what it weighs, and how much
  // of it the quoted sentences say.
  const words = new Map<string, { weight: number; said: number }>();
  terms.forEach((term, k) => {
    const key = term.standsFor?.length ? term.standsFor.join(' ') : term.stem;
    const w = scored.weights[k] ?? 0;
    const said = own.has(k) ? w : under.has(k) ? 0.5 * w : 0;
    const word = words.get(key);
    if (word === undefined) words.set(key, { weight: w, said });
    else {
      word.weight = Math.max(word.weight, w);
      word.said = Math.max(word.said, said);
    }
  });
  let weight = 0;
  let total = 0;
  for (const word of words.values()) {
    weight += word.said;
    total += word.weight;
  }
  const coverage = total > 0 ? weight / total : 0;
  // One shared word is thin evidence however rare it is; two or more make a match.
  const evidence = Math.min(1, (strongCount(own, terms) + 1) / 3);
  const rank = picks[0]?.candidate.doc ?? 0;
  const value = 0.2 + 0.75 * coverage * evidence - 0.05 * Math.min(rank, 4);
  return Math.round(Math.min(0.95, Math.max(0.1, value)) * 100) / 100;
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

/**
 * Whether `question` gives the detail `fact`: as it is remembered, or for a phone number, with
 * any separators ("555-123-4567", "(555) 123 4567" for "555 123 4567").
 */
function givenIn(question: string, fact: KnownFact): boolean {
  if (question.includes(fact.value)) return true;
  if (fact.kind !== 'phone') return false;
  const digits = fact.value.replace(/\D/g, '');
  return digits !== '' && question.replace(/(?<=\d)[\s.()-]+(?=\d)/g, '').includes(digits);
}
