import type { Found } from './types.js';
import { isWordChar } from './text.js';

// RFC 5321 limits. They also bound the work done around each "@", which keeps the scan linear
// however many "@" a message holds.
const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const TLD = /^[A-Za-z]{2,24}$/;

/**
 * E-mail addresses, found by expanding around each "@" rather than by one regular expression:
 * a pattern such as `[\w.]+@` tried at every position of a long run of letters is quadratic.
 */
export function findEmails(text: string): Found[] {
  const found: Found[] = [];
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    const email = emailAround(text, at);
    if (email) found.push(email);
  }
  return found;
}

function emailAround(text: string, at: number): Found | null {
  let start = at;
  while (start > 0 && at - start <= MAX_LOCAL && isLocalChar(text.charCodeAt(start - 1))) start--;
  // A longer local part, or one glued to other letters ("josé@…" seen as "jos"), is not one
  // address we could store faithfully.
  if (at - start > MAX_LOCAL || isWordChar(text[start - 1])) return null;
  while (text[start] === '.') start++;
  const local = text.slice(start, at);
  if (local === '' || local.endsWith('.') || local.includes('..')) return null;

  let end = at + 1;
  while (end < text.length && end - at <= MAX_DOMAIN && isDomainChar(text.charCodeAt(end))) end++;
  if (end - at > MAX_DOMAIN) return null;
  // "Write to jane@example.com." — the sentence's full stop is not part of the address.
  while (end > at + 1 && /[.-]/.test(text[end - 1] ?? '')) end--;
  const next = text[end];
  if (isWordChar(next) || next === '@') return null;
  const labels = text.slice(at + 1, end).split('.');
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) return null;
  if (!TLD.test(labels[labels.length - 1] ?? '')) return null;
  return {
    kind: 'email',
    value: `${local}@${labels.join('.').toLowerCase()}`,
    start,
    end,
  };
}

// Character codes rather than a regular expression per character: this runs for every
// character next to every "@".
function isAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** Letters, digits and `.-` (domain). */
function isDomainChar(code: number): boolean {
  return isAlnum(code) || code === 46 || code === 45;
}

/** Letters, digits and `._%+-` (local part). */
function isLocalChar(code: number): boolean {
  return isDomainChar(code) || code === 95 || code === 37 || code === 43;
}
