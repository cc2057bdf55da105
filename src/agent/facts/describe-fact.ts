import type { Fact, FactKind } from './types.js';

const LABELS: Record<FactKind, string> = {
  email: 'Customer e-mail',
  phone: 'Customer phone',
  order_number: 'Order number',
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
