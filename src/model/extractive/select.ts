import type { Document } from './documents.js';
import type { QuestionTerm } from './question-terms.js';
import { queryTerms } from '../../rag/search/query-terms.js';
import { headingTerms, sectionAbout } from './sections.js';
import { answersAwaited, matchTerms, quotable, type Candidate, type Scored } from './scoring.js';
import {
  instructs,
  statesPrice,
  statesQuantity,
  statesRemedy,
  statesSchedule,
  statesTime,
} from './states.js';
import {
  MAX_ANSWER_WORDS,
  MAX_SENTENCES,
  nearDuplicate,
  sizedQuoteOf,
  type Pick,
} from './quote.js';
import { putAskedCaseFirst, putGeneralFirst } from './special-case.js';
import {
  addAntecedents,
  addListIntros,
  addSpanBefore,
  appendListItems,
  appendNextSentence,
  leansOnBefore,
} from './come-along.js';

/**
 * The best sentence, then up to two more that are not near-duplicates and either add a word of
 * the question the others lack, or are nearly as good as the best. When the best holds only the
 * circumstances of what is asked ("I received the wrong size, can I swap it?"), a sentence of a
 * section about what is asked (`documents` give the headings) comes along, and first. In
 * reading order within a document, documents in the order of their first sentence chosen.
 */
export function selectSentences(
  scored: Scored,
  terms: readonly QuestionTerm[],
  documents: readonly Document[] = [],
): Pick[] {
  // Ranked before they are checked for instructions to an assistant: only those looked at are.
  const ranked = scored.candidates
    .filter((c) => c.relevant)
    .sort((a, b) => b.score - a.score || a.doc - b.doc || a.index - b.index);
  const first = ranked.findIndex(quotable);
  if (first < 0) return [];
  // What else comes along is measured against the best match, though the general case of what
  // it says may answer first (see `putGeneralFirst`).
  const bar = ranked[first]?.score ?? 0;
  if (!putAskedCaseFirst(ranked, first, scored, terms, documents)) {
    putGeneralFirst(ranked, first, scored, terms, documents);
  }
  // Told of a problem or of what has not come, the best says what to do or when it comes, and
  // asked how long or how much, it states that: another that holds more of the words
  // ("Express delivery arrives …" for "my order hasn't arrived", "We ship to 40 countries" for
  // "how long does shipping take?") does not.
  const { shape } = scored;
  if (shape.trouble !== true && shape.awaited === undefined && !shape.quantity) {
    sayMoreFirst(ranked, first, terms, documents);
  }
  const best = ranked[first];
  if (!best) return [];
  const opening = sizedQuoteOf(best, terms);
  const picks: Pick[] = [{ candidate: best, quote: opening.quote }];
  let budget = MAX_ANSWER_WORDS - opening.size;
  // Words the best sentence only stands under (its heading's) are not said by it: a sentence
  // of the section that says one ("We do not offer exchanges" under "Exchanges") adds it. Nor
  // are those only another page's sentence said ("reminder" of an e-mail reminder): "SMS
  // reminders are available on Business plans only" adds it to the page on SMS.
  const covered = new Set(best.matched);
  // A file's name says which file the question is about ("my invoice"), not what it asks: the
  // line that answers says its words as well as the file's other lines do.
  if (documents[best.doc]?.file) for (const k of best.context) covered.add(k);
  // What the best document says anywhere, its own heading too ("Payment methods"; not the title
  // all sections of its article share): another document is quoted for a part of the question
  // that this one does not address, not for a word it puts in passing ("… the payment method").
  const inBest = new Set([...covered, ...headingTerms(documents[best.doc], terms)]);
  for (const c of scored.candidates) {
    if (c.doc === best.doc) for (const k of c.matched) inBest.add(k);
  }

  // Words that say only what is asked, which add to the answer from its own page, not from
  // another: "charge" of "do you charge VAT?", "arrive" of "when will my standard order arrive?"
  // ("If an item arrives damaged …" is another thing arriving); and once a sentence about the
  // thing awaited says when it comes or what to do, the words that said it has not come
  // ("delivery" added for "never received" of "I never received my refund").
  const awaited = scored.shape.awaited;
  const awaitedAnswered = awaited !== undefined && answersAwaited(best, awaited);
  const asking = (k: number): boolean =>
    terms[k]?.asks === true ||
    terms[k]?.coming === true ||
    (awaitedAnswered && awaited.saying.has(k));
  // Asked something after telling the circumstances ("I received the wrong size, can I swap
  // it?") and answered on the circumstances alone ("If you received a faulty, damaged or wrong
  // item …"), a sentence that speaks to what is asked ("We do not offer exchanges") comes along.
  const asked = scored.shape.asked;
  const sections = new Map<number, boolean>();
  const speaksToAsked = (c: Candidate): boolean => {
    if (asked === undefined || ![...c.matched].some((k) => asked.has(k))) return false;
    // And stands in a section about it alone ("Exchanges"), not in passing ("Phones are not
    // allowed in the sauna" for "am I allowed in the pool?").
    let about = sections.get(c.doc);
    if (about === undefined) {
      about = sectionAbout(documents[c.doc], asked, terms);
      sections.set(c.doc, about);
    }
    return about;
  };
  // The ask is answered by a sentence that holds its first word, the thing to be done ("swap",
  // or "exchange" said for it, of "can i swap them for a bigger size"), not by one that holds
  // only a later word the circumstances share ("size" of "Our boots run half a size small").
  const askLead = asked && leadOfAsk(asked, terms);
  const askUnanswered = askLead !== undefined && ![...best.matched].some((k) => askLead.has(k));
  const timeAnswered = scored.shape.time === true && statesTime(best.unit);
  const timeWanted = scored.shape.time === true && !timeAnswered;
  const scheduleAnswered = scored.shape.schedule === true && statesSchedule(best.unit);
  // Told of a problem and answered with what the page says of it, what to do comes along.
  const remedyWanted = scored.shape.trouble === true && !statesRemedy(best.unit);
  // Asked how to do something and answered with what the page says of the thing ("Candles that
  // have been lit … cannot be returned" for "I want to return a candle, how do I do that?"),
  // where to go or what to press is the answer: in the same article, which is about the thing
  // (another's steps do another thing: "To reset your password, tap …").
  const howToWanted = scored.shape.howTo === true && !instructs(best.unit);
  const article = documents[best.doc]?.article;
  const instructsHere = (c: Candidate): boolean =>
    instructs(c.unit) && (c.doc === best.doc || documents[c.doc]?.article === article);
  // Asked for a quantity ("what's the interest rate on savings") and answered best with a
  // sentence that states none ("Pots are … for savings goals"), the one chosen that states one
  // ("Money in your Pots earns 4.10% APY") is the answer, and leads; one of the same article,
  // as another's number is of another thing ("we charge $2.50 per withdrawal" for "do you add
  // a margin on the currency conversion rate?").
  const quantityWanted = scored.shape.quantity && !statesQuantity(best.unit);
  const statesQuantityHere = (c: Candidate): boolean =>
    statesQuantity(c.unit) && (c.doc === best.doc || documents[c.doc]?.article === article);
  // The best says every word of the question's own: another article's sentence that adds none,
  // under a heading that names something the question does not, is about that other thing
  // ("We send a confirmation link to the new address" under "Changing your email address" for
  // "can I change the shipping address").
  const saysAll = ownWords(terms).every((k) => best.matched.has(k));
  const followUpHeld = terms.some((t) => t.fromContext) && holdsNewWord(best, terms);
  const bestAnswersAsk =
    asked !== undefined && [...best.matched, ...best.context].some((k) => asked.has(k));
  for (let i = first + 1; i < ranked.length; i++) {
    const c = ranked[i] as Candidate;
    if (picks.length >= MAX_SENTENCES) break;
    // What to do about the problem may share few words with the message ("If you did not get
    // one, check your spam folder"): it needs only a fifth of the best's score. What speaks to
    // what is asked, in a section about it, may share one word ("We do not offer exchanges").
    const remedy = remedyWanted && c.doc === best.doc && statesRemedy(c.unit);
    // So may, asked how long, the time its passage states ("Stay in for no more than 15 minutes
    // at a time" for "how long should I sit in the sauna?", answered "sit on a towel in the
    // sauna"): the time is what is asked, and it rarely repeats the question's verb.
    const timeHere =
      timeWanted &&
      c.doc === best.doc &&
      statesTime(c.unit) &&
      !picks.some((p) => statesTime(p.candidate.unit));
    const answersAsk =
      askUnanswered && speaksToAsked(c) && !picks.some((p) => speaksToAsked(p.candidate));
    if (!answersAsk && c.score < (remedy || timeHere ? 0.2 : 0.45) * bar) {
      if (remedyWanted || askUnanswered || timeWanted) continue;
      break;
    }
    if (!quotable(c)) continue;
    const seen = c.doc === best.doc ? covered : inBest;
    // Another page does not come along on words of earlier messages alone, once the best holds
    // a word of the follow-up's own: "is that covered?" after "my tent pole snapped on the first
    // trip" is answered by the warranty, not also by a tracking sentence that says "first".
    if (c.doc !== best.doc && followUpHeld && !holdsNewWord(c, terms)) continue;
    // Told the circumstances and answered on what is asked, another page comes along for the
    // circumstances only when it speaks of them, not on one word they share: "Your card is
    // authorised … and charged when the order ships" is no answer to "I was charged 389 but the
    // tent was on sale for 299, can I get the difference back?".
    if (c.doc !== best.doc && bestAnswersAsk && onOneToldWord(c, asked, terms)) continue;
    const addsTerm = addsWord(c, seen, terms, c.doc === best.doc ? undefined : asking);
    // Told that something has not come and answered with when it comes or what to do, another
    // sentence of the passage that says so of it tells more of the same ("Once your order
    // ships, we email you a tracking number" before "Tracking can take up to 24 hours …").
    const awaitedToo = awaitedAnswered && c.doc === best.doc && answersAwaited(c, awaited);
    // Asked how long or when and answered with no time, the sentence that states one is the
    // answer, though it adds no word ("We'll acknowledge your complaint within 1 working day"
    // after how to complain).
    const timeToo =
      timeWanted && statesTime(c.unit) && !picks.some((p) => statesTime(p.candidate.unit));
    // So too, asked how to do something, the sentence that says where to go or what to press.
    const howToo =
      howToWanted && instructsHere(c) && !picks.some((p) => instructs(p.candidate.unit));
    // Asked whether a thing is had or done, and answered with what a section says of the thing
    // its heading names ("Price matching does not apply to …" under "Price match guarantee"),
    // its opening sentence says what the thing is ("If you find the same item cheaper …, we
    // refund the difference"): the yes before the exceptions.
    const opensIt =
      scored.shape.yesNo === true &&
      c.doc === best.doc &&
      opensSectionOf(c, best, scored.candidates);
    // A sentence that adds no word of the question is only worth its words when it is nearly as
    // good as the best: otherwise it is the passage's preamble, not the answer.
    if (
      !addsTerm &&
      !opensIt &&
      !remedy &&
      !awaitedToo &&
      !timeToo &&
      !howToo &&
      !(c.opening && best.opening) &&
      (c.score < 0.9 * bar ||
        (saysAll && documents[c.doc]?.article !== article && aboutOther(documents[c.doc], terms)))
    ) {
      continue;
    }
    // Another page must also be a good match in itself, not merely hold one more common word.
    if (c.doc !== best.doc && !answersAsk && c.score < 0.6 * bar) continue;
    // Asked how long or when, and answered with a time: a sentence without one adds only words.
    if (timeAnswered && !statesTime(c.unit)) continue;
    // Asked when something is open, and answered with a timetable: so too.
    if (scheduleAnswered && !statesSchedule(c.unit)) continue;
    const { quote, size } = sizedQuoteOf(c, terms);
    if (size > budget) continue;
    // Last, as the dearest test: every test here only rules a sentence out.
    if (picks.some((p) => nearDuplicate(p.candidate.unit, c.unit))) continue;
    picks.push({ candidate: c, quote });
    budget -= size;
    for (const k of c.matched) {
      if (c.doc === best.doc) covered.add(k);
      inBest.add(k);
    }
  }

  // What is asked is answered first, with what its page says next; the circumstances' page
  // follows. Asked how long or when, the time comes first; asked how, what to do.
  const lead =
    (askUnanswered ? picks.find((p) => speaksToAsked(p.candidate)) : undefined) ??
    (timeWanted ? picks.find((p) => statesTime(p.candidate.unit)) : undefined) ??
    (quantityWanted ? picks.find((p) => statesQuantityHere(p.candidate)) : undefined) ??
    (howToWanted ? picks.find((p) => instructsHere(p.candidate)) : undefined);
  if (lead) picks.unshift(...picks.splice(picks.indexOf(lead), 1));
  budget -= appendNextSentence(picks, scored, terms, budget);
  budget -= addSpanBefore(picks, scored.candidates, terms, budget);
  // Lists whose intro was chosen first; then intros of items chosen alone, and their lists.
  budget -= appendListItems(picks, scored.candidates, budget);
  const introduced = addListIntros(picks, scored.candidates, budget);
  budget -= introduced;
  if (introduced > 0) budget -= appendListItems(picks, scored.candidates, budget);
  addAntecedents(picks, scored.candidates, budget);
  const order = new Map<number, number>();
  for (const p of picks) order.set(p.candidate.doc, order.get(p.candidate.doc) ?? order.size);
  picks.sort(
    (a, b) =>
      (order.get(a.candidate.doc) ?? 0) - (order.get(b.candidate.doc) ?? 0) ||
      a.candidate.index - b.candidate.index,
  );
  return caseAskedFirst(picks, best, scored.shape.price === true && statesPrice(best.unit));
}

/** A sentence that states a case of its own: "If tracking has not changed for 7 days, …". */
const STATES_CASE = /^if\b/i;

/**
 * Sentences of a page are said in the page's order, but cases the page lists one after another
 * ("If your tracking shows delivered …", "If tracking has not changed for 7 days …") stand
 * alone: the one that answers best, the customer's case, leads the others of its page rather
 * than following one the customer did not describe. Asked how much, the best that states the
 * amount (`amount`: "The early termination fee is 80% of the monthly charges left …") leads
 * those of its page before it ("If you leave before your minimum term ends, you pay an early
 * termination fee"), unless it leans on the one before it ("It costs …").
 */
function caseAskedFirst(picks: Pick[], best: Candidate, amount: boolean): Pick[] {
  const at = picks.findIndex((p) => p.candidate === best);
  const leads = amount ? !leansOnBefore(best.unit.text) : STATES_CASE.test(best.unit.text);
  if (at <= 0 || best.unit.list || !leads) return picks;
  let start = at;
  while (start > 0) {
    const before = picks[start - 1]?.candidate;
    if (before?.doc !== best.doc || before.unit.list) break;
    if (!amount && !STATES_CASE.test(before.unit.text)) break;
    start -= 1;
  }
  if (start < at) picks.splice(start, 0, ...picks.splice(at, 1));
  return picks;
}

/**
 * Whether a sentence holds a content word of the question that those chosen (`seen`) do not
 * say, other than one that says only what is asked (`asking`: given for another page).
 */
function addsWord(
  c: Candidate,
  seen: ReadonlySet<number>,
  terms: readonly QuestionTerm[],
  asking?: (k: number) => boolean,
): boolean {
  for (const k of c.matched) {
    if (seen.has(k) || terms[k]?.weak !== false || asking?.(k) === true) continue;
    return true;
  }
  return false;
}

/**
 * Whether a sentence holds none of the words of what is asked (`asked`), nor stands under one,
 * and only one content word of the circumstances told before it: "charged" of "I was charged
 * 389 but …".
 */
function onOneToldWord(
  c: Candidate,
  asked: ReadonlySet<number> | undefined,
  terms: readonly QuestionTerm[],
): boolean {
  if (asked === undefined || [...c.matched, ...c.context].some((k) => asked.has(k))) return false;
  let told = 0;
  for (const k of c.matched) if (terms[k]?.weak === false) told += 1;
  return told <= 1;
}

/** Whether a sentence holds a content word of the latest message, not only earlier ones'. */
function holdsNewWord(c: Candidate, terms: readonly QuestionTerm[]): boolean {
  for (const k of c.matched) if (terms[k]?.weak === false && !terms[k]?.fromContext) return true;
  return false;
}

/**
 * The first word of what is asked (`asked`, in the question's order) and the related words the
 * search added for it: "swap" and "exchange" of "can i swap them for a bigger size".
 */
function leadOfAsk(asked: ReadonlySet<number>, terms: readonly QuestionTerm[]): Set<number> {
  const first = [...asked].sort((a, b) => a - b).find((k) => terms[k]?.standsFor === undefined);
  const lead = terms[first ?? -1];
  if (first === undefined || lead === undefined) return new Set(asked);
  const out = new Set([first]);
  for (const k of asked) if (terms[k]?.standsFor?.includes(lead.stem)) out.add(k);
  return out;
}

/** The question's own words that name what it is about: not conversational, related or earlier. */
function ownWords(terms: readonly QuestionTerm[]): number[] {
  const out: number[] = [];
  terms.forEach((t, k) => {
    if (!t.weak && !t.fromContext && t.standsFor === undefined && t.asks === undefined) out.push(k);
  });
  return out;
}

/**
 * A sentence that says every word of the question's own, where the best does not, answers
 * before it, when it scores at least {@link SAYS_MORE_SHARE} of the best: "Return
 * shipping is free for members …" before "Orders over $75 ship free with Standard shipping" for
 * "is the return shipping free?", which a page further down the ranking says. Put at `first`.
 */
function sayMoreFirst(
  ranked: Candidate[],
  first: number,
  terms: readonly QuestionTerm[],
  documents: readonly Document[],
): void {
  const best = ranked[first];
  if (best === undefined || documents[best.doc]?.file) return;
  const own = ownWords(terms);
  const said = own.filter((k) => best.matched.has(k));
  if (said.length === own.length) return;
  let at = -1;
  for (let i = first + 1; i < ranked.length; i++) {
    const c = ranked[i] as Candidate;
    if (c.score < SAYS_MORE_SHARE * best.score) break;
    if (!said.every((k) => c.matched.has(k)) || !quotable(c)) continue;
    if (own.every((k) => c.matched.has(k))) {
      at = i;
      break;
    }
  }
  if (at > first) ranked.splice(first, 0, ...ranked.splice(at, 1));
}

/** See {@link sayMoreFirst}. */
const SAYS_MORE_SHARE = 0.6;

/**
 * Whether a passage's own section heading names a word of the question and another the question
 * does not have: "Changing your email address" for "can I change the shipping address".
 */
function aboutOther(document: Document | undefined, terms: readonly QuestionTerm[]): boolean {
  const heading = document?.headings.at(-1);
  if (document === undefined || heading === undefined || heading === document.title) return false;
  const named = queryTerms(heading).contentTerms;
  const asked = named.filter((word) => matchTerms(word, terms).size > 0);
  return asked.length > 0 && asked.length < named.length;
}

/**
 * Whether `c` is the first sentence of the section `best` stands in, after `best`'s words
 * stand over it from the heading (it says none of them itself), while `best` does not open it.
 */
function opensSectionOf(c: Candidate, best: Candidate, all: readonly Candidate[]): boolean {
  if (c.index >= best.index || c.matched.size > 0 || best.matched.size === 0) return false;
  if (![...best.matched].every((k) => c.context.has(k))) return false;
  for (const o of all) {
    if (o.doc !== c.doc || o.index >= best.index || o.index < c.index) continue;
    if (o.unit.heading || o.unit.question) return false;
  }
  const before = all.find((o) => o.doc === c.doc && o.index === c.index - 1);
  return before === undefined || before.unit.heading || before.unit.question;
}
