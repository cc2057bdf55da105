import type { QuestionTerm } from './question-terms.js';
import { MAX_SENTENCES, nearDuplicate, sizedQuoteOf, unitWordCount, type Pick } from './quote.js';
import { speaksToAssistant, type Candidate, type Scored } from './scoring.js';
import { statesPrice, statesQuantity, statesTime } from './states.js';

// Sentences that come along with those chosen, for what they say with them: the sentence after
// the answer, the one before a sentence that leans on it, a list's intro and items.

/** Sentence-ending punctuation, with closing quotes and brackets, at the end of a text. */
const ENDS_SENTENCE = /[.!?…]["'”’)\]]*$/;

/** List items that follow a chosen "…:" line. */
const MAX_LIST_ITEMS = 6;

/**
 * The sentence that follows the best one in its passage, when there is room: help-center prose
 * says a thing and then what follows from it ("If the fuel card doesn't work, keep the receipt.
 * Upload it within 30 days under Trip history."), and the second sentence seldom repeats the
 * question's words. Not when the best already gives the number or time that was asked for
 * ("We ship to 40 countries" answers "how many countries?"), nor after a line that ends no
 * sentence, nor a heading, a list item (see {@link appendListItems}), a near-duplicate or
 * instructions to an assistant. Returns the words
 * it took.
 */
export function appendNextSentence(
  picks: Pick[],
  scored: Scored,
  terms: readonly QuestionTerm[],
  budget: number,
): number {
  // The sentence that answers first (see `selectSentences`: what is asked, before the best).
  const best = picks[0]?.candidate;
  if (!best || picks.length >= MAX_SENTENCES || best.unit.text.endsWith(':')) return 0;
  // A line that ends no sentence ("Total: £45.00" of an invoice) is a record's, not prose: the
  // line after it is another field, not what follows from it.
  if (!ENDS_SENTENCE.test(best.unit.text)) return 0;
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
  const { quote, size } = sizedQuoteOf(next, terms);
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
 * "The carrier collects them from you on delivery": a sentence that names what it speaks of only
 * as "them" or "they" within its first words, which the sentence before it names ("Customs
 * duties and import taxes …").
 */
const LEANS_BACK_INSIDE = /^(?:[\p{L}'’]+\s+){1,4}(?:them|they)\b(?!')/iu;

/**
 * "You can also track your order …", "Also, …", "We also …": a sentence that adds to the one
 * before it, which says the first way.
 */
const ADDS_TO = /^(?:[\p{L}'’]+\s+){0,2}also\b/iu;

/** Whether a sentence leans on the one before it or adds to it (see {@link addAntecedents}). */
export function leansOnBefore(text: string): boolean {
  return LEANS_BACK.test(text) || LEANS_BACK_INSIDE.test(text) || ADDS_TO.test(text);
}

/**
 * The sentence before a chosen one that leans on it ({@link LEANS_BACK},
 * {@link LEANS_BACK_INSIDE}) or adds to it ({@link ADDS_TO}), when it is prose of the
 * same passage (not a heading or list item), is not chosen already and fits. Returns the words
 * it took.
 */
export function addAntecedents(picks: Pick[], all: readonly Candidate[], budget: number): number {
  let used = 0;
  for (const pick of [...picks]) {
    const { unit, doc, index } = pick.candidate;
    if (unit.heading || unit.list || !leansOnBefore(pick.quote)) {
      continue;
    }
    const before = candidateAt(all, doc, index - 1);
    if (!before || before.unit.heading || before.unit.list) continue;
    if (picks.some((p) => p.candidate === before) || speaksToAssistant(before.unit)) continue;
    const size = unitWordCount(before.unit);
    if (size === 0 || used + size > budget) continue;
    picks.push({ candidate: before, quote: before.unit.text });
    used += size;
  }
  return used;
}

/**
 * A case that starts after a span of time, which the sentence names as already told: "To change
 * the shipping address after the first hour, …", "After 30 days, …". The unit of time is its
 * group.
 */
const AFTER_SPAN =
  /\bafter\s+(?:the\s+(?:first|initial)\s+|(?:\d+|one|two|three|five|seven|ten|fourteen|thirty|a|an)\s+)(?:business\s+|working\s+)?(minute|hour|day|week|month|year)s?\b/i;

/** The span before it, as the page says it: "within 1 hour", "during the first 30 days". */
function withinSpan(unit: string): RegExp {
  const count = '(?:\\d+|one|two|three|five|seven|ten|fourteen|thirty|a|an)';
  const span = `(?:business\\s+|working\\s+)?${unit}s?\\b`;
  return new RegExp(
    `\\b(?:within|during)\\s+(?:the\\s+first\\s+)?(?:${count}\\s+)?${span}|\\b(?:in|for)\\s+the\\s+first\\s+(?:${count}\\s+)?${span}`,
    'i',
  );
}

/**
 * A chosen sentence that tells what applies after a span of time ({@link AFTER_SPAN}: "To change
 * the shipping address after the first hour, contact us") is half the answer: the sentence of
 * its passage that tells what applies within that span ("You can change or cancel an order within
 * 1 hour of placing it under My Account > Orders") comes along, when it holds a content word of
 * the question that the chosen one holds ("change"), is not chosen already and fits. Returns the
 * words it took.
 */
export function addSpanBefore(
  picks: Pick[],
  all: readonly Candidate[],
  terms: readonly QuestionTerm[],
  budget: number,
): number {
  let used = 0;
  for (const pick of [...picks]) {
    const after = AFTER_SPAN.exec(pick.quote);
    if (after === null || pick.candidate.unit.heading) continue;
    const within = withinSpan((after[1] as string).toLowerCase());
    if (within.test(pick.quote)) continue;
    const { doc, matched } = pick.candidate;
    const shares = (c: Candidate): boolean =>
      [...c.matched].some((k) => matched.has(k) && terms[k]?.weak === false);
    const before = all.find(
      (c) =>
        c.doc === doc &&
        c !== pick.candidate &&
        !c.unit.heading &&
        !c.unit.question &&
        shares(c) &&
        within.test(c.unit.text) &&
        !AFTER_SPAN.test(c.unit.text),
    );
    if (!before || picks.some((p) => p.candidate === before) || speaksToAssistant(before.unit)) {
      continue;
    }
    const size = unitWordCount(before.unit);
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
export function addListIntros(picks: Pick[], all: readonly Candidate[], budget: number): number {
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
    const size = added.reduce((sum, c) => sum + unitWordCount(c.unit), 0);
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
export function appendListItems(picks: Pick[], all: readonly Candidate[], budget: number): number {
  let left = budget;
  for (const pick of [...picks]) {
    const step = pick.candidate.unit.step === true;
    if (!step && !pick.quote.endsWith(':')) continue;
    const { doc, index } = pick.candidate;
    for (let i = 1; i <= MAX_LIST_ITEMS; i++) {
      const next = candidateAt(all, doc, index + i);
      if (!next || !(step ? next.unit.step : next.unit.list)) break;
      if (picks.some((p) => p.candidate === next)) continue;
      const size = unitWordCount(next.unit);
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
