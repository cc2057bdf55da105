import { cleanValue } from './clean.js';
import { knownFact } from './templates.js';

/** A fact of the customer, as memory gives it. */
export interface KnownFact {
  kind: string;
  value: string;
}

const MAX_FACT_CHARS = 120;

// What each kind is called in a question. Bare "number" or "order" is left out: "what is my
// order?" asks where it is, not what its number is.
const NOUNS: Array<[string, string]> = [
  ['email', String.raw`e-?mail(?:\s+address)?|mail\s+address`],
  ['phone', String.raw`(?:phone|mobile|cell|telephone)(?:\s+number)?`],
  ['order_number', String.raw`order\s+(?:number|no\.?|id|#)`],
  ['account_number', String.raw`(?:account|customer|member(?:ship)?)\s+(?:number|no\.?|id|#)`],
  ['ticket_number', String.raw`(?:ticket|case)(?:\s+(?:number|no\.?|id|#))?`],
  [
    'reference_number',
    String.raw`(?:reference|confirmation|booking)(?:\s+(?:number|no\.?|code|id|#))?`,
  ],
  ['name', 'name'],
];

// "what is my e-mail?", "which phone number do you have?", "do you know my name?" — asking for
// the value itself, with nothing after the noun that would make it a how-to question ("what is
// my e-mail used for?").
const ASK = String.raw`(?:what(?:'s|\s+is|\s+was|\s+are)?|which|remind\s+me\s+(?:of\s+)?|tell\s+me|do\s+you\s+(?:have|know|remember)|did\s+i\s+(?:give|tell)\s+you)\s+(?:(?:is|was|are)\s+)?(?:my|the)\s+(?:current\s+|registered\s+|saved\s+)?`;
const TAIL = String.raw`(?=\s*(?:[?.!,]|$|again\b|on\s+(?:file|record)\b|please\b|(?:that\s+)?you\s+have\b|do\s+you\s+have\b))`;
const QUESTIONS = NOUNS.map(([kind, noun]) => ({
  kind,
  pattern: new RegExp(
    String.raw`\b${ASK}(?:${noun})${TAIL}|\b(?:what|which)\s+(?:${noun})\s+do\s+you\s+have\b`,
    'i',
  ),
}));

/**
 * Any noun of {@link NOUNS}, which every one of {@link QUESTIONS} needs: a question that names
 * none asks for no known fact, and is not tried against each of them.
 */
const ANY_NOUN = new RegExp(NOUNS.map(([, noun]) => `(?:${noun})`).join('|'), 'i');

/** The answer to "what is my e-mail?"-style questions from known facts, or null. */
export function answerFromFacts(question: string, facts: readonly KnownFact[]): string | null {
  const q = normalise(question);
  if (!ANY_NOUN.test(q)) return null;
  for (const { kind, pattern } of QUESTIONS) {
    if (!pattern.test(q)) continue;
    const values = valuesOf(facts, kind);
    // Asked, but not known: the help center may still say where to find it.
    if (values.length === 0) return null;
    return knownFact(kind, values.slice(-3));
  }
  return null;
}

/**
 * The order a question is about: a known order number it names, or the newest known one when it
 * speaks of "my order". Undefined when it is not about an order or none is known.
 */
export function orderInQuestion(question: string, facts: readonly KnownFact[]): string | undefined {
  const orders = valuesOf(facts, 'order_number');
  if (orders.length === 0) return undefined;
  const q = normalise(question);
  const named = orders.find((o) => containsWord(q, o.toLowerCase()));
  if (named) return named;
  // "in order to" and "the order of the steps" are not the customer's order.
  return /\b(?:my|our)\s+(?:[\p{L}]+\s+)?orders?\b|\borders?\s+(?:status|#)/u.test(q)
    ? orders[orders.length - 1]
    : undefined;
}

/** The distinct, cleaned values of one kind, oldest first. */
export function valuesOf(facts: readonly KnownFact[], kind: string): string[] {
  const out: string[] = [];
  for (const fact of facts) {
    if (fact?.kind !== kind) continue;
    const value = cleanValue(fact.value, MAX_FACT_CHARS);
    if (value === '') continue;
    const at = out.findIndex((v) => v.toLowerCase() === value.toLowerCase());
    if (at >= 0) out.splice(at, 1);
    out.push(value);
  }
  return out;
}

function normalise(question: string): string {
  return question.slice(0, 2000).normalize('NFKC').toLowerCase().replace(/[’‘]/g, "'");
}

function containsWord(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + 1)) {
    const before = text[at - 1];
    const after = text[at + word.length];
    if (!/[\p{L}\p{N}]/u.test(before ?? ' ') && !/[\p{L}\p{N}]/u.test(after ?? ' ')) return true;
  }
  return false;
}
