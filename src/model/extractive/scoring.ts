import { headsOf, searchable, type Document, type Searchable, type Unit } from './documents.js';
import { looksLikeInjection } from './injection.js';
import type { AwaitedThing } from './clauses.js';
import { reportsTrouble, type QuestionTerm } from './question-terms.js';
import {
  instructs,
  saysWhereShown,
  statesFrequency,
  statesNeverCame,
  statesPrice,
  statesQuantity,
  statesRemedy,
  statesSchedule,
  statesTime,
  statesUpon,
} from './states.js';

/** A sentence that could be quoted, with what it has in common with the question. */
export interface Candidate {
  /** Index of its document: its rank. */
  doc: number;
  /** Index of the sentence among the document's units. */
  index: number;
  unit: Unit;
  /** Question terms the sentence contains. */
  matched: ReadonlySet<number>;
  /** Question terms of the title, heading or FAQ question the sentence sits under, not in it. */
  context: ReadonlySet<number>;
  /**
   * Whether it answers to the question: it shares a content word with it, sits right under a
   * heading that does, or opens an attachment the customer asked about. Only such a sentence is
   * scored; it may be quoted when it is also {@link quotable}.
   */
  relevant: boolean;
  /** One of the opening sentences of an attachment the customer asked about. */
  opening: boolean;
  score: number;
}

/**
 * Whether a relevant sentence may be quoted: it does not speak to an assistant. Checked lazily
 * and remembered: most relevant sentences rank too low to be looked at, and the check reads the
 * whole sentence.
 */
export function quotable(c: Candidate): boolean {
  return c.relevant && !speaksToAssistant(c.unit);
}

/** Whether a sentence reads as instructions to an assistant: read once, kept on the unit. */
export function speaksToAssistant(unit: Unit): boolean {
  // Kept on the unit: a passage's units outlive the turn (see PassageCache).
  unit.injection ??= looksLikeInjection(unit.text);
  return unit.injection;
}

/** The candidates and the weight of each question term. */
export interface Scored {
  candidates: Candidate[];
  /** Weight of each question term: rarer among the sentences weighs more. */
  weights: number[];
  totalWeight: number;
  /** What the question asks for beyond its words. */
  shape: QuestionShape;
}

// How many sentences after a title, heading or FAQ question may be quoted for matching it alone.
const CONTEXT_REACH = 2;
// Each step down the ranking costs this much of a sentence's score.
const RANK_DECAY = 0.3;
// Sentences sharing only weak words weigh this much.
const WEAK_WEIGHT = 0.3;
// A sentence that states a number, a duration or a price, when the question asks for one.
const QUANTITY_BOOST = 1.25;
/**
 * Asked how long or when, a sentence that states a time counts this much more again: enough
 * for one a few passages down the ranking ("Most international transfers arrive within 1 to 2
 * business days") to beat one higher up that shares a word more and states no time. Measured
 * on the help centers of test/answer-quality.test.ts: 1.5 answered two questions fewer, 2.5
 * none more.
 */
const TIME_BOOST = 2;
/**
 * A follow-up that asks only how long or when ("How long does it last?") has no word of its own
 * to find the answer by: the sentence that states a time is the answer, even one that holds
 * only the earlier question's words under its heading.
 */
const TIME_ONLY_BOOST = 3;
/**
 * Asked when something is open, a sentence that states a timetable counts this much more: it
 * must outweigh one that shares a word in another sense ("Open the link …", "valid for 24
 * hours") while it holds the question's words only under its heading ("Customer service hours").
 * Measured: 2, 3 and 4 answer as many right on the help centers of
 * test/answer-quality.test.ts; at 2 the timetable of test/fixtures/acme-help-center leads "Open
 * the link …" by a tenth only.
 */
const SCHEDULE_BOOST = 3;

/**
 * Asked for a price, a sentence that states one counts this much more again: "Each extra
 * kilometre is charged at $0.39" answers "how much is it per km?" over "Every booking includes
 * 200 km per day". Measured on the help centers of test/answer-quality.test.ts: 1.5 answered
 * six more of 443 right and none fewer; 2 three more; 1 (the rule only keeping the next sentence
 * when the best states no price) none.
 */
const PRICE_BOOST = 1.5;

/**
 * Asked for a price, a sentence that says only where the amount is shown ("Your current early
 * termination fee is shown in My Lumenet under …") holds the question's words and none of the
 * amount: when a sentence of its passage at most {@link WHERE_SHOWN_REACH} away states one ("The
 * early termination fee is 80% of the monthly charges left"), that one takes its score, and it
 * keeps this share of its own, to come after.
 */
const WHERE_SHOWN_SHARE = 0.5;
const WHERE_SHOWN_REACH = 2;

/**
 * Asked how often, a sentence that states how often ("Please send readings at least once a
 * month") counts this much more: as a time does in answer to "how long", enough to beat one that
 * shares a word more ("you'll need to give us both" for "how often do I give you the numbers").
 */
const FREQUENCY_BOOST = 2;

/** Told of a problem, a sentence that says what to do counts this much more. */
const REMEDY_BOOST = 1.3;
/**
 * Told that something awaited has not come ("I never received my refund"), a sentence about it
 * that says when it comes or what to do ("We refund you within 5 working days …", "If you still
 * cannot see your refund after 10 working days, contact us") counts this much more: as a time
 * does in answer to "how long", and enough to outweigh one that shares a word the search added
 * for "never received" ("Original delivery charges are refunded …"). Measured on the help
 * centers of test/answer-quality.test.ts: 1.5, 2 and 3 answer as many right; at 1.5 the
 * sentence on delivery charges still comes along in answer to "I never received my refund" on
 * test/fixtures/acme-help-center.
 */
const AWAITED_BOOST = 2;
/**
 * Told that something awaited has not come, a sentence that answers it (see
 * {@link AWAITED_BOOST}) in the case of its not coming ("If our engineer misses your
 * installation appointment, we credit £30 …" for "the engineer didn't show up") counts this much
 * more again: the customer's case, before another that speaks of it coming ("If nobody is home
 * when the engineer arrives, we charge a £40 missed appointment fee").
 */
const NEVER_CAME_BOOST = 1.5;

/**
 * Asked how to do something, a sentence that says where to go or what to press counts this much
 * more: twice, measured on the help centers of test/answer-quality.test.ts (1.3: one more right
 * answer of 163; 2: four more; 3: no more than 2).
 */
const HOW_TO_BOOST = 2;

/** What the question asks for beyond its words. */
export interface QuestionShape {
  /** It asks how long, how much, when …: sentences that state a quantity answer it better. */
  quantity: boolean;
  /** It asks how long or when: sentences that state a time or a duration answer it better still. */
  time?: boolean;
  /** It asks how much something costs: sentences that state a price answer it better still. */
  price?: boolean;
  /** It asks how often: sentences that state how often ("every month") answer it better. */
  frequency?: boolean;
  /**
   * What it asks after telling its circumstances (see `askedAfterTelling`): a sentence that
   * holds one of these terms answers before one that does not.
   */
  asked?: ReadonlySet<number>;
  /** It asks when something is open: sentences that state a timetable answer it. */
  schedule?: boolean;
  /** A follow-up that asks only how long or when: see {@link TIME_ONLY_BOOST}. */
  timeOnly?: boolean;
  /** It tells of a problem: sentences that say what to do answer it better. */
  trouble?: boolean;
  /**
   * It says something awaited has not come (see `awaitedThing`): sentences that name it and say
   * when it comes or what to do answer it.
   */
  awaited?: AwaitedThing;
  /** It asks how to do something: sentences that say where to go or what to press answer it. */
  howTo?: boolean;
  /** It asks to be answered yes or no ("do you price match?"). */
  yesNo?: boolean;
}

/**
 * Scores every sentence of the documents against the question: the idf-weighted share of the
 * question's words it contains (half weight for words only its title or heading contains), the
 * rank of its document, and a little for coming early in it.
 */
export function scoreSentences(
  documents: readonly Document[],
  terms: readonly QuestionTerm[],
  given: QuestionShape = { quantity: false },
): Scored {
  const candidates = documents.flatMap((document, doc) =>
    candidatesOf(document, doc, terms, given),
  );
  // What is awaited, as the passages can tell of it (see `awaitedAsTold`).
  const awaited = given.awaited && awaitedAsTold(given.awaited, candidates, terms);
  const shape = awaited === given.awaited ? given : { ...given, awaited };
  const weights = idfWeights(candidates, terms);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  // What to do about a problem is written for the problem of its section: under a heading that
  // names another ("Wait, then try again or reset your password" under "Account locked" for "I
  // didn't get the password reset email") it is for that one.
  // Read only when what to do counts: a heading is read for it with a long regular expression.
  const otherProblem =
    shape.trouble === true || shape.awaited !== undefined
      ? documents.map((document) => otherProblemOf(document, terms))
      : [];
  // Asked when a thing comes, a sentence that holds the verb of coming and no other word of the
  // question speaks of another thing coming ("If an item arrives damaged …" for "when will my
  // express order arrive?"): there the verb weighs as little as a conversational word.
  const about = terms.some((t) => !t.weak && !t.coming && !t.fromContext);
  // The verb of coming said only by the heading a sentence stands under speaks of what that
  // heading names coming ("My order hasn't arrived"), not of what is asked about: "If tracking
  // has not changed for 7 days, … we will … refund you" under it does not say when a refund
  // arrives. Under a heading it weighs as little as a conversational word.
  const underWeights = about
    ? weights.map((w, k) => (terms[k]?.coming === true ? w * WEAK_WEIGHT : w))
    : weights;
  // What each related word stands for, to count those of one phrase once under a heading.
  const groups = terms.map((t) =>
    t.standsFor && t.standsFor.length > 0 ? t.standsFor.join(' ') : undefined,
  );
  for (const c of candidates) {
    if (!c.relevant) continue;
    const remedyFor = otherProblem[c.doc] !== true;
    const comingOnly = about && onlyComing(c, terms);
    // Told that a thing never came ("the engineer never turned up"), a sentence of its case ("If
    // our engineer misses your installation appointment …") says what the customer said, in
    // other words: it holds the words that said so ("arrive", which the search added for "turned
    // up") as much as one that says it comes ("… when the engineer arrives").
    const { awaited: told } = shape;
    const neverCame =
      told !== undefined && remedyFor && statesNeverCame(c.unit) && answersAwaited(c, told);
    const matched = neverCame ? new Set([...c.matched, ...told.saying]) : c.matched;
    const own = sum(matched, weights) * (comingOnly ? WEAK_WEIGHT : 1);
    const under = sumOnce(c.context, underWeights, groups) * (comingOnly ? WEAK_WEIGHT : 1);
    const overlap = totalWeight > 0 ? (own + 0.5 * under) / totalWeight : 0;
    const brevity = fewerWordsThan(c.unit.text, 4) ? 0.5 : 1;
    const summary = documents[c.doc]?.summarise ? 0.3 / (1 + c.index) : 0;
    const quantity =
      (shape.quantity && statesQuantity(c.unit) ? QUANTITY_BOOST : 1) *
      (shape.time && statesTime(c.unit) ? (shape.timeOnly ? TIME_ONLY_BOOST : TIME_BOOST) : 1) *
      (shape.price && statesPrice(c.unit) ? PRICE_BOOST : 1) *
      (shape.frequency && statesFrequency(c.unit) ? FREQUENCY_BOOST : 1) *
      (shape.schedule && statesSchedule(c.unit) ? SCHEDULE_BOOST : 1) *
      (shape.trouble && remedyFor && statesRemedy(c.unit) ? REMEDY_BOOST : 1) *
      (shape.awaited && remedyFor && answersAwaited(c, shape.awaited)
        ? statesNeverCame(c.unit)
          ? AWAITED_BOOST * NEVER_CAME_BOOST
          : AWAITED_BOOST
        : 1) *
      (shape.howTo && instructs(c.unit) ? HOW_TO_BOOST : 1);
    c.score =
      (overlap * brevity * quantity + summary) / (1 + RANK_DECAY * c.doc) + 0.03 / (1 + c.index);
  }
  if (shape.price === true) amountOverWhereShown(candidates);
  return { candidates, weights, totalWeight, shape };
}

/**
 * Asked for a price, the sentence beside one that says where the amount is shown, which states
 * the amount, answers in its place (see {@link WHERE_SHOWN_SHARE}).
 */
function amountOverWhereShown(candidates: Candidate[]): void {
  for (const [k, c] of candidates.entries()) {
    if (!c.relevant || !saysWhereShown(c.unit)) continue;
    let amount: Candidate | undefined;
    for (let d = 1; d <= WHERE_SHOWN_REACH && amount === undefined; d += 1) {
      amount = [candidates[k - d], candidates[k + d]].find(
        (o) => o !== undefined && o.doc === c.doc && o.relevant && statesPrice(o.unit),
      );
    }
    if (amount === undefined || amount.score >= c.score) continue;
    amount.score = c.score;
    c.score *= WHERE_SHOWN_SHARE;
  }
}

/**
 * The sentences of one document. A heading or an FAQ question is not quoted (a passage's heading
 * read as its first sentence is: see `Unit.fromHeading`), but its words stand over the next
 * {@link CONTEXT_REACH} sentences: "When is the store open? We are open 9 to 5."
 * Asked how long or when, they stand over every sentence of their section that states a time
 * (asked how often, every one that says how often; asked when something is open, every one
 * that states a timetable);
 * told of a problem, over every sentence that says what to do.
 */
function candidatesOf(
  document: Document,
  doc: number,
  terms: readonly QuestionTerm[],
  shape: QuestionShape,
): Candidate[] {
  const time = shape.time === true;
  const frequency = shape.frequency === true;
  const schedule = shape.schedule === true;
  const trouble = shape.trouble === true;
  const titled = termsIn(document.heads ?? { searchText: searchable(headsOf(document)) }, terms);
  const out: Candidate[] = [];
  let anchor: ReadonlySet<number> = titled;
  let sinceAnchor = 0;
  let position = 0;
  const units = document.units;
  for (let index = 0; index < units.length; index++) {
    const unit = units[index] as Unit;
    const matched = termsIn(unit, terms);
    if (unit.heading || unit.question) {
      anchor = union(titled, matched);
      sinceAnchor = 0;
      // Kept, though never quoted: its words count in how common each question word is.
      out.push(candidate(doc, index, unit, matched, NONE, false, false));
      continue;
    }
    if (unit.fromHeading) {
      // The passage's heading, stating what is asked for ("Core – £34.99 a month"): quotable on
      // its own words, and no sentence of the passage stands further from its context for it.
      const context = anchor.size === 0 ? NONE : difference(anchor, matched);
      out.push(candidate(doc, index, unit, matched, context, hasStrong(matched, terms), false));
      continue;
    }
    const context = anchor.size === 0 ? NONE : difference(anchor, matched);
    const early = document.summarise && position < CONTEXT_REACH;
    const relevant =
      early ||
      hasStrong(matched, terms) ||
      ((sinceAnchor < CONTEXT_REACH ||
        (time && statesTime(unit)) ||
        (frequency && statesFrequency(unit)) ||
        (schedule && statesSchedule(unit)) ||
        (trouble && statesRemedy(unit))) &&
        hasStrong(context, terms));
    out.push(candidate(doc, index, unit, matched, context, relevant, early));
    sinceAnchor++;
    position++;
  }
  return out;
}

/** One literal shape for every candidate: cheaper to make and to read than spreads of a base. */
function candidate(
  doc: number,
  index: number,
  unit: Unit,
  matched: ReadonlySet<number>,
  context: ReadonlySet<number>,
  relevant: boolean,
  opening: boolean,
): Candidate {
  return { doc, index, unit, matched, context, relevant, opening, score: 0 };
}

function union(a: ReadonlySet<number>, b: ReadonlySet<number>): ReadonlySet<number> {
  if (b.size === 0) return a;
  if (a.size === 0) return b;
  const out = new Set(a);
  for (const k of b) out.add(k);
  return out;
}

/** `a` without `b`; `a` itself when they share nothing (sets are only read). */
function difference(a: ReadonlySet<number>, b: ReadonlySet<number>): ReadonlySet<number> {
  let shared = false;
  for (const k of a) {
    if (b.has(k)) {
      shared = true;
      break;
    }
  }
  if (!shared) return a;
  const out = new Set<number>();
  for (const k of a) if (!b.has(k)) out.add(k);
  return out;
}

/**
 * Whether a sentence names what is awaited, in itself or in the heading it stands under
 * ("Tracking can take up to 24 hours …" under "Tracking your parcel"), and says when it comes,
 * upon what ("Once your order ships, …") or what to do.
 */
export function answersAwaited(c: Candidate, awaited: AwaitedThing): boolean {
  return (
    [...c.matched, ...c.context].some((k) => awaited.thing.has(k)) &&
    (statesTime(c.unit) || statesRemedy(c.unit) || statesUpon(c.unit))
  );
}

/**
 * Told that a thing has not come, when no sentence names it and says when it comes or what to
 * do ("parcel", where the help center says "order"), what the passages say of its coming, in
 * the words that said it has not come or that the search added for them ("arrive",
 * "tracking", "delivery"), answers: those words then name it too. Otherwise `awaited` itself.
 */
function awaitedAsTold(
  awaited: AwaitedThing,
  candidates: readonly Candidate[],
  terms: readonly QuestionTerm[],
): AwaitedThing {
  if (candidates.some((c) => c.relevant && answersAwaited(c, awaited))) return awaited;
  const coming = [...awaited.saying].filter((k) => terms[k]?.weak === false);
  if (coming.length === 0) return awaited;
  return { thing: new Set([...awaited.thing, ...coming]), saying: awaited.saying };
}

/**
 * Whether a passage's own section heading names a problem ({@link reportsTrouble}: "Account
 * locked") with none of the question's own words (nor a word the search related to one): what
 * its sentences say to do is for that problem, not the customer's ("I didn't get the password
 * reset email").
 */
function otherProblemOf(document: Document, terms: readonly QuestionTerm[]): boolean {
  const heading = document.headings.at(-1);
  if (heading === undefined || heading === document.title || !reportsTrouble(heading)) {
    return false;
  }
  return ![...matchTerms(heading, terms)].some((k) => terms[k]?.weak === false);
}

/**
 * Whether the strong words of the question a sentence holds, in itself or under its heading, are
 * verbs of coming alone (see `QuestionTerm.coming`).
 */
function onlyComing(c: Candidate, terms: readonly QuestionTerm[]): boolean {
  let coming = false;
  for (const set of [c.matched, c.context]) {
    for (const k of set) {
      const term = terms[k];
      if (term === undefined || term.weak) continue;
      if (term.coming !== true) return false;
      coming = true;
    }
  }
  return coming;
}

/** No question terms: shared, as candidates' sets are only read. */
const NONE: ReadonlySet<number> = new Set();

/** The indices of the question terms that occur in `text`. */
export function matchTerms(text: string, terms: readonly QuestionTerm[]): Set<number> {
  if (terms.length === 0) return new Set();
  // The text as `words` reads it, searched whole: cheaper than splitting it into words.
  return matchLowercase(searchable(text), terms);
}

/** {@link matchTerms} for a text already made {@link searchable}. */
function matchLowercase(lower: string, terms: readonly QuestionTerm[]): Set<number> {
  const found = new Set<number>();
  for (let k = 0; k < terms.length; k++) {
    if ((terms[k] as QuestionTerm).matcher.testLowercase(lower)) found.add(k);
  }
  return found;
}

/**
 * Question words a sentence remembers whether it holds (see `Unit.holds`): enough for the
 * words of the few questions a passage answers lately, and a bound on what it keeps.
 */
const MAX_KEPT_TERMS = 32;

/**
 * {@link matchLowercase} of a sentence (or a passage's title and headings), remembering for each
 * question word (by stem, all a term's matcher matches by) whether the text holds it: the
 * passages that answer common questions come back turn after turn (see `PassageCache`), asked
 * in the same words, and finding that a word is not there reads the whole text.
 */
function termsIn(text: Searchable, terms: readonly QuestionTerm[]): Set<number> {
  const found = new Set<number>();
  let kept = text.holds;
  for (let k = 0; k < terms.length; k++) {
    const term = terms[k] as QuestionTerm;
    let holds = kept?.get(term.stem);
    if (holds === undefined) {
      holds = term.matcher.testLowercase(text.searchText);
      if (kept === undefined || kept.size >= MAX_KEPT_TERMS) kept = text.holds = new Map();
      kept.set(term.stem, holds);
    }
    if (holds) found.add(k);
  }
  return found;
}

/** Whether `text` (single spaces between words) has fewer than `n` words. */
function fewerWordsThan(text: string, n: number): boolean {
  let spaces = 0;
  for (let at = text.indexOf(' '); at !== -1; at = text.indexOf(' ', at + 1)) {
    if (++spaces >= n - 1) return false;
  }
  return true;
}

function hasStrong(indices: ReadonlySet<number>, terms: readonly QuestionTerm[]): boolean {
  for (const k of indices) {
    const term = terms[k];
    if (term?.weak === false && term.asks === undefined) return true;
  }
  return false;
}

function idfWeights(candidates: readonly Candidate[], terms: readonly QuestionTerm[]): number[] {
  const n = candidates.length;
  return terms.map((term, k) => {
    const df = candidates.filter((c) => c.matched.has(k)).length;
    const idf = Math.log(1 + (n + 1) / (df + 0.5));
    return (term.weak ? idf * WEAK_WEIGHT : idf) * term.weight;
  });
}

/**
 * {@link sum} for the words of a title or heading, with the related words the search added for
 * one word or phrase of the question (`groups`: what each stands for) counted once, at the
 * heaviest: a heading names its topic once. "Licence Checks and Identity Verification" holds
 * "identity" and "verification", both added for "driving licence", and counted one by one they
 * outweighed a passage down the ranking that answers "will my German driving licence work?"
 * ("A licence issued outside the country is accepted …").
 */
function sumOnce(
  indices: ReadonlySet<number>,
  weights: readonly number[],
  groups: ReadonlyArray<string | undefined>,
): number {
  let total = 0;
  let best: Map<string, number> | undefined;
  for (const k of indices) {
    const group = groups[k];
    const w = weights[k] ?? 0;
    if (group === undefined) total += w;
    else (best ??= new Map()).set(group, Math.max(best.get(group) ?? 0, w));
  }
  if (best) for (const w of best.values()) total += w;
  return total;
}

function sum(indices: ReadonlySet<number>, weights: readonly number[]): number {
  let total = 0;
  for (const k of indices) total += weights[k] ?? 0;
  return total;
}
