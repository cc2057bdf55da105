import { correctsEarlier, negatedDetail } from './corrections.js';
import { findEmails } from './emails.js';
import { findIdentifiers } from './identifiers.js';
import { findNames } from './names.js';
import { findPhones } from './phones.js';
import { contextOf } from './text.js';
import type { Fact, Found } from './types.js';

/**
 * At most this many facts from one message. A message with more is a pasted list or log, not a
 * customer talking about themselves, and memory should not fill up from it.
 */
export const MAX_FACTS_PER_MESSAGE = 50;

/**
 * The facts a customer gives about themselves in one message: e-mail addresses, phone numbers,
 * order, ticket and reference numbers, and their name. In the order they appear, each once; a
 * detail said to correct one given before ("sorry, my email is actually …") is marked so, and
 * one said not to be theirs ("jane@example.org, not john@example.org") is left out.
 *
 * Pure and total: any string (empty, 100 KB, emoji, control characters) gives a list, in time
 * linear in its length — every pattern is either anchored, bounded, or cannot fail after it
 * starts matching, so no input makes a regular expression backtrack without end.
 *
 * @example
 * extractFacts('Hi, I\'m Jane. Order #4417-22 never came; mail me at jane@example.com');
 * // [{ kind: 'name', value: 'Jane', … }, { kind: 'order_number', value: '4417-22', … },
 * //  { kind: 'email', value: 'jane@example.com', … }]
 */
export function extractFacts(message: string, details?: DetailsFound): Fact[] {
  if (typeof message !== 'string' || message === '') return [];
  const { kept, negated } = details ?? detailsFound(message);
  const seen = new Set<string>();
  const facts: Fact[] = [];
  for (const [i, found] of kept.entries()) {
    const key = `${found.kind}:${dedupeKey(found)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const corrects =
      negated.has(found.kind) ||
      correctsEarlier(
        message,
        found.start,
        found.end,
        kept[i - 1]?.end ?? 0,
        kept[i + 1]?.start ?? message.length,
      );
    facts.push({
      kind: found.kind,
      value: found.value,
      source: contextOf(message, found.start, found.end),
      ...(corrects ? { corrects: true as const } : {}),
    });
    if (facts.length === MAX_FACTS_PER_MESSAGE) break;
  }
  return facts;
}

/** The details of a message as {@link detailsFound} finds them; only read by those given them. */
export interface DetailsFound {
  readonly kept: readonly Found[];
  readonly negated: ReadonlySet<Found['kind']>;
}

/**
 * Where the details of a message stand, in its order: each a kind, a value and its span. Those
 * said not to be the customer's ("jane@example.org, not john@example.org") are left out, and
 * their kinds are `negated`: the others of those kinds replace what was given before. Found once
 * for a message, they may be given to {@link extractFacts} and `givenAside`, which read the same.
 */
export function detailsFound(message: string): DetailsFound {
  const emails = findEmails(message);
  const identifiers = outside(findIdentifiers(message), emails);
  const phones = findPhones(message, [...emails, ...identifiers]);
  const all = [...findNames(message), ...emails, ...identifiers, ...phones].sort(
    (a, b) => a.start - b.start || a.end - b.end,
  );
  const negated = new Set<Found['kind']>();
  const kept = all.filter((found, i) => {
    if (!negatedDetail(message, found.start, all[i - 1]?.end ?? 0)) return true;
    negated.add(found.kind);
    return false;
  });
  return { kept, negated };
}

/**
 * The facts that do not lie within one of `spans` ("ref" inside "ref.42@acme.com"). Both lists are
 * in the order of the text, so one sweep does it: a pasted list of thousands stays linear.
 */
function outside(facts: readonly Found[], spans: readonly Found[]): Found[] {
  let next = 0;
  return facts.filter((fact) => {
    while (next < spans.length && (spans[next]?.end ?? 0) <= fact.start) next++;
    const span = spans[next];
    return !(span && span.start <= fact.start && fact.end <= span.end);
  });
}

/** The same fact written twice: case aside, and for phones, separators aside. */
function dedupeKey(found: Found): string {
  if (found.kind === 'phone') return found.value.replace(/[^\d+]/g, '');
  return found.value.toLowerCase();
}
