import type { Fact, FactKind } from './types.js';

const LABELS: Record<FactKind, string> = {
  email: 'Customer e-mail',
  phone: 'Customer phone',
  order_number: 'Order number',
  account_number: 'Account number',
  ticket_number: 'Ticket number',
  reference_number: 'Reference number',
  name: 'Customer name',
};

/**
 * One line that states a fact, as it is stored in memory and shown to a model or a person.
 *
 * @example
 * describeFact({ kind: 'order_number', value: '4417-22', source: '…' }) // 'Order number: 4417-22'
 */
export function describeFact(fact: Fact): string {
  return `${LABELS[fact.kind] ?? 'Fact'}: ${fact.value}`;
}

const KIND_OF_LABEL = new Map(
  Object.entries(LABELS).map(([kind, label]) => [label.toLowerCase(), kind as FactKind]),
);

/**
 * A fact read back from the line {@link describeFact} made of it, or undefined for a line it did
 * not make.
 *
 * @example
 * readFact('Order number: 4417-22') // { kind: 'order_number', value: '4417-22' }
 */
export function readFact(line: string): { kind: FactKind; value: string } | undefined {
  const index = line.indexOf(': ');
  if (index < 0) return undefined;
  const kind = KIND_OF_LABEL.get(line.slice(0, index).toLowerCase());
  const value = line.slice(index + 2);
  return kind && value !== '' ? { kind, value } : undefined;
}
