import type { FactKind, Found } from './types.js';
import { isWordChar } from './text.js';
import { allMatches } from '../../model/extractive/all-matches.js';

// The words that introduce a number, and what the number then is. Only these: "order" alone
// (plus a digit in the value) is what separates "order 4417" from "order of magnitude".
const KEYWORD =
  /\b(orders?|accounts?|acct|customer|membership|member|tickets?|cases?|ref|refs|references?|confirmation|booking|reservation|invoice|tracking)\b/giu;

const KIND: Record<string, FactKind> = {
  order: 'order_number',
  // A customer, membership or member number is what a utility, a bank or a club calls an account.
  account: 'account_number',
  acct: 'account_number',
  customer: 'account_number',
  membership: 'account_number',
  member: 'account_number',
  ticket: 'ticket_number',
  case: 'ticket_number',
};

// Words that may stand between the keyword and the number: "order number is #4417".
const CONNECTORS = new Set(['number', 'no', 'nr', 'num', 'id', 'code', 'is', 'was', 'reads']);

// "to order 200 units", "can I order 300": "order" used as a verb introduces a quantity. The
// other keywords are nouns in a support message ("and ticket 9981" is a ticket).
const VERB_BEFORE = new Set([
  'to',
  'i',
  'we',
  'you',
  'they',
  'can',
  'could',
  'will',
  'would',
  'should',
  'must',
  'please',
  'll',
  'd',
  'not',
]);

// Sticky and bounded: at most 40 characters are tried at one position.
const IDENTIFIER = /[A-Za-z0-9](?:[A-Za-z0-9]|[-_/.](?=[A-Za-z0-9])){0,39}/y;
const WORD_AT = /[\p{L}]{1,12}/uy;
const PREVIOUS_WORD = /([\p{L}]+)[^\p{L}\p{N}]*$/u;
const DATE = /^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})$/;
const ORDINAL = /^\d+(?:st|nd|rd|th)$/i;

/**
 * Order, account, ticket and reference numbers: a keyword ("order", "account", "ticket",
 * "confirmation", …), then up to three connecting words or marks ("number", "is", "#", ":"), then
 * an identifier that holds a digit ("4417", "4417-22", "AB-12345", "X7Y8Z9").
 */
export function findIdentifiers(text: string): Found[] {
  const found: Found[] = [];
  for (const match of allMatches(text, KEYWORD)) {
    const keyword = match[1]?.toLowerCase() ?? '';
    if (keyword === 'order' && verbBefore(text, match.index)) continue;
    const id = identifierAfter(text, match.index + keyword.length);
    if (!id) continue;
    const kind = KIND[keyword.replace(/s$/, '')] ?? 'reference_number';
    found.push({ kind, value: id.value, start: id.start, end: id.end });
  }
  return found;
}

function identifierAfter(
  text: string,
  from: number,
): { value: string; start: number; end: number } | null {
  let at = from;
  let marked = false;
  for (let step = 0; step < 4; step++) {
    while (text[at] === ' ' || text[at] === '\t') at++;
    const ch = text[at];
    if (ch === '#' || ch === ':' || ch === '=') {
      marked = true;
      at++;
      continue;
    }
    WORD_AT.lastIndex = at;
    const word = WORD_AT.exec(text);
    if (!word || !CONNECTORS.has(word[0].toLowerCase()) || isWordChar(text[at + word[0].length])) {
      break;
    }
    marked ||= word[0].toLowerCase() !== 'is' && word[0].toLowerCase() !== 'was';
    at += word[0].length;
    if (text[at] === '.') at++;
  }
  IDENTIFIER.lastIndex = at;
  const id = IDENTIFIER.exec(text);
  if (!id) return null;
  const value = id[0];
  const end = at + value.length;
  // Glued to more of a word, or the start of an e-mail address: not an identifier on its own.
  if (isWordChar(text[end]) || text[end] === '@') return null;
  if (!/\d/.test(value) || value.length < (marked ? 2 : 3)) return null;
  if (DATE.test(value) || ORDINAL.test(value)) return null;
  return { value, start: at, end };
}

function verbBefore(text: string, at: number): boolean {
  const before = PREVIOUS_WORD.exec(text.slice(Math.max(0, at - 16), at));
  return before !== null && VERB_BEFORE.has(before[1]?.toLowerCase() ?? '');
}
