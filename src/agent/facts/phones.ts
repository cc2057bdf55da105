import type { Found } from './types.js';
import { isDigit, isWordChar } from './text.js';
import { allMatches } from '../../model/extractive/all-matches.js';

/** A stretch of the message that another fact already explains (an order number, an e-mail). */
export interface Span {
  start: number;
  end: number;
}

// Starts at a digit, so it can never fail after consuming input: one linear pass over the text.
const RUN = /\d[\d+() .\-\u00a0]*/g;
// The separators that may stand between two digit groups of one number: "415 555-0132",
// "+1 (415) 555", "+44 (0) 20". Anything else ("  ", " - ", "..") ends one number.
const SEPARATOR = /^(?:[ .\u00a0-]|[ \u00a0]?\(|\)[ \u00a0-]?)$/;
const CURRENCY = /[$€£¥₹¢]/;
// Marks that glue a number to what precedes it: "#12345678", "$1 234 567", "v1.2.3", "a/b/123".
const GLUED_BEFORE = /[$€£¥₹¢#/@&=%,.+\-*_\\]/;
// Words after which an unseparated run of digits is a phone number: "call me on 4155550132".
const CUE =
  /\b(?:phone|tel|telephone|mobile|cell|cellphone|call|text|sms|whatsapp|fax|reach me)\b[^\p{L}\p{N}]{0,4}(?:(?:at|on|is|number|no|nr)\b[^\p{L}\p{N}]{0,4}){0,2}$/iu;

/**
 * Phone numbers in national and international forms ("+44 20 7946 0958", "+1 (415) 555-0132",
 * "0049 30 1234567", "415.555.0132", "0612345678"). Dates, times, prices, IP addresses, order
 * numbers (the `claimed` spans) and parts of longer digit strings are not phone numbers.
 */
export function findPhones(text: string, claimed: readonly Span[]): Found[] {
  const spans = [...claimed].sort((a, b) => a.start - b.start);
  let next = 0;
  const found: Found[] = [];
  for (const run of allMatches(text, RUN)) {
    let start = run.index;
    // Include a leading "+" or "(" that the run (which starts at a digit) left out.
    while (start > run.index - 2 && start > 0 && /[+(]/.test(text[start - 1] ?? '')) start--;
    for (const segment of segments(text, start, run.index + run[0].length)) {
      // Seven digits at least: most digit runs of a message end here, cheaply.
      if (segment.end - segment.start < 7) continue;
      while (next < spans.length && (spans[next]?.end ?? 0) <= segment.start) next++;
      const span = spans[next];
      if (span && span.start < segment.end) continue;
      const phone = phoneAt(text, segment.start, segment.end);
      if (phone) found.push(phone);
    }
  }
  return found;
}

/** Splits `[start, end)` at separators no phone number uses, trimming loose ends. */
function segments(text: string, start: number, end: number): Span[] {
  const out: Span[] = [];
  let segStart = start;
  let i = start;
  while (i < end) {
    if (isDigit(text[i])) {
      i++;
      continue;
    }
    let j = i;
    while (j < end && !isDigit(text[j])) j++;
    const separator = text.slice(i, j);
    const leading = i === segStart;
    if (!leading && j < end && !SEPARATOR.test(separator)) {
      out.push({ start: segStart, end: i });
      // A "+" or "(" right before the next digits begins the next number.
      let k = j;
      while (k > i && /[+(]/.test(text[k - 1] ?? '')) k--;
      segStart = k;
    }
    i = j;
  }
  out.push({ start: segStart, end });
  return out.map((span) => trim(text, span)).filter((span) => span.end > span.start);
}

function trim(text: string, { start, end }: Span): Span {
  let s = start;
  let e = end;
  while (s < e && !isDigit(text[s]) && !/[+(]/.test(text[s] ?? '')) s++;
  // Keep a closing parenthesis that closes one opened inside: "(415)".
  const opened = text.slice(s, e).includes('(');
  while (e > s && !isDigit(text[e - 1]) && !(opened && text[e - 1] === ')')) e--;
  return { start: s, end: e };
}

// Longer than any written phone number; also bounds the work spent on one candidate.
const MAX_PHONE_CHARS = 32;
// Day, month and year with one separator used twice: "2024-05-01", "01.05.2024".
const DATE = /(?:^|\D)(?:\d{4}([-./])\d{1,2}\1\d{1,2}|\d{1,2}([-./])\d{1,2}\2\d{4})(?!\d)/;

function phoneAt(text: string, start: number, end: number): Found | null {
  if (end - start > MAX_PHONE_CHARS) return null;
  const raw = text.slice(start, end);
  // Cheap before anything else: most digit runs in a message are far too short.
  if ((raw.match(/\d/g)?.length ?? 0) < 7 || !isolated(text, start, end)) return null;
  const international = raw.startsWith('+') || raw.startsWith('(+');
  // "+44 (0) 20 …": the trunk zero in brackets is not dialled from abroad.
  const plain = international ? raw.replace(/^(\(?\+\d{1,3}\)?)[ \u00a0]?\(0\)/, '$1') : raw;
  if (!international && DATE.test(plain)) return null;
  const groups = plain.match(/\d+/g) ?? [];
  const separators = plain
    .replace(/^[+(]+/, '')
    .split(/\d+/)
    .filter((s) => s !== '');
  if (!plausible(groups, separators, international, () => cued(text, start))) return null;
  const value = plain
    .replace(/[^\d+]+/g, ' ')
    .replace(/\+ /, '+')
    .trim();
  return { kind: 'phone', value, start, end };
}

/** Not part of a word, a longer number, an amount, a path or a time. */
function isolated(text: string, start: number, end: number): boolean {
  const before = text[start - 1];
  const after = text[end];
  if (isWordChar(before) || (before !== undefined && GLUED_BEFORE.test(before))) return false;
  if (before === ':' && isDigit(text[start - 2])) return false;
  if (isWordChar(after) || (after !== undefined && /[%@$€£¥₹¢]/.test(after))) return false;
  if (after !== undefined && /[.,:/]/.test(after) && isDigit(text[end + 1])) return false;
  // "$ 1 234 567", "1 234 567 €": an amount written with spaces.
  if (CURRENCY.test(text.slice(Math.max(0, start - 2), start))) return false;
  if (CURRENCY.test(text.slice(end, end + 2))) return false;
  return true;
}

function cued(text: string, start: number): boolean {
  return CUE.test(text.slice(Math.max(0, start - 40), start));
}

function plausible(
  groups: string[],
  separators: string[],
  international: boolean,
  cue: () => boolean,
): boolean {
  const digits = groups.join('');
  const first = groups[0] ?? '';
  const viaZeros = !international && first.startsWith('00') && first.length >= 3;
  const count = viaZeros ? digits.length - 2 : digits.length;
  if (count < 7 || count > (international || viaZeros ? 15 : 12)) return false;
  if (groups.length === 1) return international || viaZeros || /^0\d{8,11}$/.test(first) || cue();
  if (groups.length > 7) return false;
  // Only a country code or an area code may be a single digit: "1 2 3 4 5 6 7" is a list.
  if (groups.slice(1).some((g) => g.length < 2)) return false;
  if (international || viaZeros) return true;

  const lengths = groups.map((g) => g.length);
  const seps = new Set(separators.map((s) => s.trim() || ' '));
  const only = (sep: string) => seps.size === 1 && seps.has(sep);
  if (looksLikeDate(groups, seps)) return false;
  // Decimals ("12345.67") and IP addresses ("192.168.10.12") are dotted too.
  if (only('.') && (groups.length < 3 || groups.every((g) => g.length <= 3))) return false;
  // Thousands: "1 234 567", "12,345,678".
  if (!first.startsWith('0') && first.length <= 3 && lengths.slice(1).every((n) => n === 3)) {
    return false;
  }
  // A US social security number, "123-45-6789".
  if (only('-') && lengths.join() === '3,2,4') return false;
  if (groups.length === 2) {
    const years = groups.every((g) => /^(?:19|20)\d\d$/.test(g));
    return !years && (first.startsWith('0') || lengths.join() === '3,4' || cue());
  }
  return true;
}

function looksLikeDate(groups: string[], seps: Set<string>): boolean {
  if (groups.length !== 3 || [...seps].some((s) => !/^[-./ ]$/.test(s))) return false;
  const [a = 0, b = 0, c = 0] = groups.map((g) => g.length);
  return (a === 4 && b <= 2 && c <= 2) || (a <= 2 && b <= 2 && (c === 4 || c === 2));
}
