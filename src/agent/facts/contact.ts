import { currentFacts, readFact } from './describe-fact.js';
import type { FactKind } from './types.js';

/**
 * How staff can reach the customer: the newest name, e-mail address and phone number they gave
 * in the conversation, each null when none was given. Personal data: it goes to the admin API
 * and the webhook only, never to a log.
 */
export interface Contact {
  name: string | null;
  email: string | null;
  phone: string | null;
}

const CONTACT_KINDS: ReadonlySet<FactKind> = new Set(['name', 'email', 'phone']);

/**
 * The contact in the facts given, oldest first: the last value of each kind wins, so a detail
 * given later (or corrected) replaces the earlier one.
 *
 * @example
 * contactOf([{ kind: 'email', value: 'a@x.io' }, { kind: 'email', value: 'b@x.io' }]);
 * // { name: null, email: 'b@x.io', phone: null }
 */
export function contactOf(facts: Iterable<{ kind: FactKind; value: string }>): Contact {
  const contact: Contact = { name: null, email: null, phone: null };
  for (const fact of facts) {
    if (CONTACT_KINDS.has(fact.kind)) contact[fact.kind as keyof Contact] = fact.value;
  }
  return contact;
}

/**
 * The contact in the lines of facts as they are remembered (oldest first, as `describeFact`
 * wrote them): the same as the turn reads them (see {@link currentFacts}).
 *
 * @example
 * contactOfLines(['Customer name: Ada', 'Customer phone: +44 20 7946 0958']);
 * // { name: 'Ada', email: null, phone: '+44 20 7946 0958' }
 */
export function contactOfLines(lines: readonly string[]): Contact {
  return contactOf(currentFacts(lines).flatMap((line) => readFact(line) ?? []));
}
