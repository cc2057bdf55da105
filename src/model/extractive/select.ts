import { stem } from '../../store/lexical/search-text.js';
import { words } from '../../rag/search/query-terms.js';
import { matchedTokens, tokenSpans } from '../../rag/search/token-spans.js';
import type { Document, Unit } from './documents.js';
import type { QuestionTerm } from './question-terms.js';
import { headingTerms, sectionAbout } from './sections.js';
import {
  answersAwaited,
  quotable,
  speaksToAssistant,
  statesPrice,
  statesQuantity,
  statesRemedy,
  statesSchedule,
  statesTime,
  type Candidate,
  type Scored,
} from './scoring.js';

/** At most this many sentences are chosen on merit (list items under a chosen intro come along). */
export const MAX_SENTENCES = 3;
/** Words the quoted part of an answer may hold. */
export const MAX_ANSWER_WORDS = 90;
/** A longer sentence is quoted as a window of {@link WINDOW_WORDS} around its matches. */
const LONG_SENTENCE_WORDS = 50;
const WINDOW_WORDS = 40;
/** List items that follow a chosen "…:" line. */
const MAX_LIST_ITEMS = 6;
/**
 * Words that make a case of its own of what they qualify: delivery abroad or faster than the
 * usual, a service of a higher tier ("International delivery takes 5 to 10 working days",
 * "Express delivery arrives the next working day", "orders delivered outside the UK").
 */
const SPECIAL_CASE = new Set(
  'international internationally overseas abroad worldwide foreign outside express expedited priority premium'.split(
    ' ',
  ),
);
/**
 * Asked in general, a sentence about no case of its own that says what the best one says answers
 * first when it scores at least this share of the best.
 */
const GENERAL_SHARE = 0.5;

/** A sentence chosen for the answer, with the text to quote. */
export interface Pick {
  candidate: Candidate;
  /** The sentence, or the window of a long one, with "…" where it was cut. */
  quote: string;
}

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
  putGeneralFirst(ranked, first, scored, terms, documents);
  const best = ranked[first];
  if (!best) return [];
  const picks: Pick[] = [{ candidate: best, quote: quoteOf(best, terms) }];
  let budget = MAX_ANSWER_WORDS - wordCount(picks[0]?.quote ?? '');
  // Words the best sentence only stands under (its heading's) are not said by it: a sentence
  // of the section that says one ("We do not offer exchanges" under "Exchanges") adds it.
  const covered = new Set(best.matched);
  // What the best document says anywhere, its own heading too ("Payment methods"; not the title
  // all sections of its article share): another document is quoted for a part of the question
  // that this one does not address, not for a word it puts in passing ("… the payment method").
  const inBest = new Set([...covered, ...headingTerms(documents[best.doc], terms)]);
  for (const c of scored.candidates) {
    if (c.doc === best.doc) for (const k of c.matched) inBest.add(k);
  }

  // Words that say only what is asked, which add to the answer from its own page, not from
  // another: "charge" of "do you charge VAT?"; and once a sentence about the thing awaited says
  // when it comes or what to do, the words that said it has not come ("delivery" added for
  // "never received" of "I never received my refund").
  const awaited = scored.shape.awaited;
  const awaitedAnswered = awaited !== undefined && answersAwaited(best, awaited);
  const asking = (k: number): boolean =>
    terms[k]?.asks === true || (awaitedAnswered && awaited.saying.has(k));
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
  const askUnanswered = asked !== undefined && ![...best.matched].some((k) => asked.has(k));
  const timeAnswered = scored.shape.time === true && statesTime(best.unit);
  const scheduleAnswered = scored.shape.schedule === true && statesSchedule(best.unit);
  // Told of a problem and answered with what the page says of it, what to do comes along.
  const remedyWanted = scored.shape.trouble === true && !statesRemedy(best.unit);
  for (let i = first + 1; i < ranked.length; i++) {
    const c = ranked[i] as Candidate;
    if (picks.length >= MAX_SENTENCES) break;
    // What to do about the problem may share few words with the message ("If you did not get
    // one, check your spam folder"): it needs only a fifth of the best's score. What speaks to
    // what is asked, in a section about it, may share one word ("We do not offer exchanges").
    const remedy = remedyWanted && c.doc === best.doc && statesRemedy(c.unit);
    const answersAsk =
      askUnanswered && speaksToAsked(c) && !picks.some((p) => speaksToAsked(p.candidate));
    if (!answersAsk && c.score < (remedy ? 0.2 : 0.45) * best.score) {
      if (remedyWanted || askUnanswered) continue;
      break;
    }
    if (!quotable(c)) continue;
    const seen = c.doc === best.doc ? covered : inBest;
    const addsTerm = addsWord(c, seen, terms, c.doc === best.doc ? undefined : asking);
    // A sentence that adds no word of the question is only worth its words when it is nearly as
    // good as the best: otherwise it is the passage's preamble, not the answer.
    if (!addsTerm && !remedy && !(c.opening && best.opening) && c.score < 0.9 * best.score) {
      continue;
    }
    // Another page must also be a good match in itself, not merely hold one more common word.
    if (c.doc !== best.doc && !answersAsk && c.score < 0.6 * best.score) continue;
    // Asked how long or when, and answered with a time: a sentence without one adds only words.
    if (timeAnswered && !statesTime(c.unit)) continue;
    // Asked when something is open, and answered with a timetable: so too.
    if (scheduleAnswered && !statesSchedule(c.unit)) continue;
    const quote = quoteOf(c, terms);
    const size = wordCount(quote);
    if (size > budget) continue;
    // Last, as the dearest test: every test here only rules a sentence out.
    if (picks.some((p) => nearDuplicate(p.candidate.unit, c.unit))) continue;
    picks.push({ candidate: c, quote });
    budget -= size;
    for (const k of c.matched) {
      covered.add(k);
      inBest.add(k);
    }
  }

  // What is asked is answered first, with what its page says next; the circumstances' page
  // follows.
  const lead = askUnanswered ? picks.find((p) => speaksToAsked(p.candidate)) : undefined;
  if (lead) picks.unshift(...picks.splice(picks.indexOf(lead), 1));
  budget -= appendNextSentence(picks, scored, terms, budget);
  // Lists whose intro was chosen first; then intros of items chosen alone, and their lists.
  budget -= appendListItems(picks, scored.candidates, budget);
  const introduced = addListIntros(picks, scored.candidates, budget);
  budget -= introduced;
  if (introduced > 0) budget -= appendListItems(picks, scored.candidates, budget);
  addAntecedents(picks, scored.candidates, budget);
  const order = new Map<number, number>();
  for (const p of picks) order.set(p.candidate.doc, order.get(p.candidate.doc) ?? order.size);
  return picks.sort(
    (a, b) =>
      (order.get(a.candidate.doc) ?? 0) - (order.get(b.candidate.doc) ?? 0) ||
      a.candidate.index - b.candidate.index,
  );
}

/**
 * Asked in general ("How long does delivery take?"), the best sentence may be about a case of
 * its own that the question does not name ("International delivery takes 5 to 10 working days",
 * first because its passage is short and says "delivery" twice). A sentence that says the same
 * without such a case, in the same article ("Standard delivery in the UK takes 2 to 4 working
 * days": the question's words the best holds, and the time, price or timetable it states) then
 * answers first, when it is a good match in itself; the special case may still follow it. Moves
 * it to `first`.
 */
function putGeneralFirst(
  ranked: Candidate[],
  first: number,
  scored: Scored,
  terms: readonly QuestionTerm[],
  documents: readonly Document[],
): void {
  const best = ranked[first];
  if (best === undefined) return;
  const asked = new Set(terms.map((t) => stem(t.term)));
  const special = (c: Candidate): boolean => namesSpecialCase(c, documents, terms, asked);
  if (!special(best)) return;
  // The general case is told of in the same article ("Shipping"): elsewhere, a sentence that
  // holds the same words is about something else.
  const article = documents[best.doc]?.article;
  const holds = [...best.matched].filter((k) => terms[k]?.weak === false);
  const { shape } = scored;
  const states = (c: Candidate): boolean =>
    (!(shape.time === true && statesTime(best.unit)) || statesTime(c.unit)) &&
    (!(shape.price === true && statesPrice(best.unit)) || statesPrice(c.unit)) &&
    (!(shape.schedule === true && statesSchedule(best.unit)) || statesSchedule(c.unit)) &&
    (!(shape.quantity && statesQuantity(best.unit)) || statesQuantity(c.unit));
  for (let i = first + 1; i < ranked.length; i++) {
    const c = ranked[i] as Candidate;
    if (c.score < GENERAL_SHARE * best.score) return;
    if (documents[c.doc]?.article !== article) continue;
    if (!holds.every((k) => c.matched.has(k) || c.context.has(k))) continue;
    if (!states(c) || special(c) || !quotable(c)) continue;
    ranked.splice(i, 1);
    ranked.splice(first, 0, c);
    return;
  }
}

/**
 * Whether a sentence, or the heading of its section, names a case of its own
 * ({@link SPECIAL_CASE}) of a word of the question that the question (`asked`: the stems of its
 * words) does not name: "International delivery", "delivered outside the UK" for "how long does
 * delivery take?"; not "a fee of $3 per international transfer" for a question about fees.
 */
export function namesSpecialCase(
  c: Candidate,
  documents: readonly Document[],
  terms: readonly QuestionTerm[],
  asked: ReadonlySet<string>,
): boolean {
  const document = documents[c.doc];
  let heading = document?.headings.at(-1) ?? '';
  for (let i = c.index - 1; i >= 0; i--) {
    const unit = document?.units[i];
    if (unit?.heading) {
      heading = unit.text;
      break;
    }
  }
  const ofQuestion = (word: string | undefined): boolean =>
    word !== undefined && terms.some((t) => !t.weak && t.matcher.matchesWord(word));
  for (const text of [c.unit.text, heading]) {
    const said = words(text);
    for (let i = 0; i < said.length; i++) {
      const word = said[i] as string;
      if (!SPECIAL_CASE.has(word) || asked.has(stem(word))) continue;
      // Before the word it qualifies, or up to two words after it.
      if (ofQuestion(said[i + 1]) || ofQuestion(said[i - 1]) || ofQuestion(said[i - 2])) {
        return true;
      }
    }
  }
  return false;
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
 * The sentence that follows the best one in its passage, when there is room: help-center prose
 * says a thing and then what follows from it ("If the fuel card doesn't work, keep the receipt.
 * Upload it within 30 days under Trip history."), and the second sentence seldom repeats the
 * question's words. Not when the best already gives the number or time that was asked for
 * ("We ship to 40 countries" answers "how many countries?"), nor a heading, a list item (see
 * {@link appendListItems}), a near-duplicate or instructions to an assistant. Returns the words
 * it took.
 */
function appendNextSentence(
  picks: Pick[],
  scored: Scored,
  terms: readonly QuestionTerm[],
  budget: number,
): number {
  // The sentence that answers first (see `selectSentences`: what is asked, before the best).
  const best = picks[0]?.candidate;
  if (!best || picks.length >= MAX_SENTENCES || best.unit.text.endsWith(':')) return 0;
  const { shape } = scored;
  const answered =
    shape.time === true
      ? statesTime(best.unit)
      : shape.price === true
        ? statesPrice(best.unit)
        : shape.quantity && statesQuantity(best.unit);
  if (answered) {
    return 0;
  }
  const next = candidateAt(scored.candidates, best.doc, best.index + 1);
  if (!next || next.unit.heading || next.unit.list || picks.some((p) => p.candidate === next)) {
    return 0;
  }
  if (speaksToAssistant(next.unit)) return 0;
  const quote = quoteOf(next, terms);
  const size = wordCount(quote);
  if (size === 0 || size > budget) return 0;
  if (picks.some((p) => nearDuplicate(p.candidate.unit, next.unit))) return 0;
  picks.push({ candidate: next, quote });
  return size;
}

/**
 * How a sentence opens that leans on the one before it: "After that the order is already being
 * packed" says nothing alone, and "It takes 3 days" not what takes them.
 */
const LEANS_BACK =
  /^(?:after that|before that|after this|until then|by then|this|that|these|those|it|they|otherwise|instead|if not|if so|in that case|however|but)\b(?!')/i;

/**
 * The sentence before a chosen one that leans on it ({@link LEANS_BACK}), when it is prose of the
 * same passage (not a heading or list item), is not chosen already and fits. Returns the words
 * it took.
 */
function addAntecedents(picks: Pick[], all: readonly Candidate[], budget: number): number {
  let used = 0;
  for (const pick of [...picks]) {
    const { unit, doc, index } = pick.candidate;
    if (unit.heading || unit.list || !LEANS_BACK.test(pick.quote)) continue;
    const before = candidateAt(all, doc, index - 1);
    if (!before || before.unit.heading || before.unit.list) continue;
    if (picks.some((p) => p.candidate === before) || speaksToAssistant(before.unit)) continue;
    const size = wordCount(before.unit.text);
    if (size === 0 || used + size > budget) continue;
    picks.push({ candidate: before, quote: before.unit.text });
    used += size;
  }
  return used;
}

/**
 * A list item is quoted under the line that introduces it: "using the form in Account > Help"
 * is half a sentence without "You can complain by:". The items between come along, so the list
 * reads unbroken, or none of it when they do not fit; the items after it may then follow (see
 * {@link appendListItems}). Returns the words it took.
 */
function addListIntros(picks: Pick[], all: readonly Candidate[], budget: number): number {
  let used = 0;
  for (const pick of [...picks]) {
    if (!pick.candidate.unit.list) continue;
    const { doc } = pick.candidate;
    const between: Candidate[] = [];
    let index = pick.candidate.index - 1;
    let intro = candidateAt(all, doc, index);
    while (intro?.unit.list) {
      between.push(intro);
      intro = candidateAt(all, doc, --index);
    }
    let lead: Candidate[];
    if (intro && !intro.unit.heading && intro.unit.text.endsWith(':')) {
      if (picks.some((p) => p.candidate === intro) || speaksToAssistant(intro.unit)) continue;
      lead = [intro];
    } else if (
      // A step of steps that open a section ("4. Confirm." under "How to freeze") comes after
      // the steps before it, as a list of its own.
      pick.candidate.unit.step === true &&
      between.length > 0 &&
      between.every((c) => c.unit.step === true && !speaksToAssistant(c.unit))
    ) {
      lead = [];
    } else {
      continue;
    }
    const added = [...lead, ...between].filter((c) => !picks.some((p) => p.candidate === c));
    const size = added.reduce((sum, c) => sum + wordCount(c.unit.text), 0);
    if (used + size > budget) continue;
    for (const c of added) picks.push({ candidate: c, quote: c.unit.text });
    used += size;
  }
  return used;
}

/**
 * "To reset your password:" is only useful with the steps that follow it, and a step with the
 * steps after it. Returns the words it took.
 */
function appendListItems(picks: Pick[], all: readonly Candidate[], budget: number): number {
  let left = budget;
  for (const pick of [...picks]) {
    const step = pick.candidate.unit.step === true;
    if (!step && !pick.quote.endsWith(':')) continue;
    const { doc, index } = pick.candidate;
    for (let i = 1; i <= MAX_LIST_ITEMS; i++) {
      const next = candidateAt(all, doc, index + i);
      if (!next || !(step ? next.unit.step : next.unit.list)) break;
      if (picks.some((p) => p.candidate === next)) continue;
      const size = wordCount(next.unit.text);
      if (size > left || next.unit.text.length === 0) break;
      picks.push({ candidate: next, quote: next.unit.text });
      left -= size;
    }
  }
  return budget - left;
}

/** The sentence at `index` of document `doc`, if it is a candidate. */
function candidateAt(all: readonly Candidate[], doc: number, index: number): Candidate | undefined {
  return all.find((c) => c.doc === doc && c.index === index);
}

/** The sentence, or for a long one the window of words with most matches. */
function quoteOf(c: Candidate, terms: readonly QuestionTerm[]): string {
  const text = c.unit.text;
  // Most sentences are short: counting their spaces is cheaper than splitting them.
  if (spacesUpTo(text, LONG_SENTENCE_WORDS) < LONG_SENTENCE_WORDS) return text;
  // A unit's text has single spaces between its words: its tokens are these words, and a run
  // of them is the text from the first one's start to the last one's end.
  const spans = tokenSpans(text);
  const count = spans.starts.length;
  const hits = matchedTokens(
    text,
    spans,
    terms.map((term) => term.matcher),
  );
  let best = 0;
  let bestCount = -1;
  let inWindow = 0;
  for (let i = 0; i < count; i++) {
    if (hits[i]) inWindow++;
    if (i >= WINDOW_WORDS && hits[i - WINDOW_WORDS]) inWindow--;
    const from = Math.max(0, i - WINDOW_WORDS + 1);
    if (inWindow > bestCount) {
      bestCount = inWindow;
      best = from;
    }
  }
  // Centre the window on the matches it holds: the words around a match explain it.
  let first = best;
  while (first < best + WINDOW_WORDS && !hits[first]) first++;
  let last = Math.min(count, best + WINDOW_WORDS) - 1;
  while (last > first && !hits[last]) last--;
  const from = Math.max(
    0,
    Math.min(count - WINDOW_WORDS, Math.round((first + last - WINDOW_WORDS) / 2)),
  );
  const to = Math.min(count, from + WINDOW_WORDS);
  const window = text.slice(spans.starts[from], spans.ends[to - 1]);
  return `${from > 0 ? '… ' : ''}${window}${from + WINDOW_WORDS < count ? ' …' : ''}`;
}

/** How many spaces `text` holds, counting no further than `max`. */
function spacesUpTo(text: string, max: number): number {
  let spaces = 0;
  for (let at = text.indexOf(' '); at !== -1 && spaces < max; at = text.indexOf(' ', at + 1)) {
    spaces++;
  }
  return spaces;
}

/** The words of `text`: its runs of characters other than white space (as `\s` means it). */
function wordCount(text: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = isSpace(text.charCodeAt(i));
    if (!space && !inWord) count++;
    inWord = !space;
  }
  return count;
}

/** Whether a UTF-16 code unit is white space as the regular expression class `\s` has it. */
function isSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** The longer words of a sentence, read once: kept on the unit, which outlives the turn. */
function longWords(unit: Unit): ReadonlySet<string> {
  unit.longWords ??= new Set(words(unit.text).filter((w) => w.length > 2));
  return unit.longWords;
}

/** Whether two sentences say nearly the same thing (Jaccard of their words ≥ 0.6). */
function nearDuplicate(a: Unit, b: Unit): boolean {
  const x = longWords(a);
  const y = longWords(b);
  if (x.size === 0 || y.size === 0) return a.text === b.text;
  let shared = 0;
  for (const w of x) if (y.has(w)) shared++;
  return shared / (x.size + y.size - shared) >= 0.6;
}
