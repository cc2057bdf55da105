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

/** Said after the label of a detail that corrects the ones given before it. */
const CORRECTED = ' (corrected)';

/**
 * One line that states a fact, as it is stored in memory and shown to a model or a person. A
 * correction says so ("Customer e-mail (corrected): …"): it replaces the earlier values of its
 * kind (see {@link currentFacts}).
 *
 * @example
 * describeFact({ kind: 'order_number', value: '4417-22', source: '…' }) // 'Order number: 4417-22'
 */
export function describeFact(fact: Fact): string {
  return `${LABELS[fact.kind] ?? 'Fact'}${fact.corrects ? CORRECTED : ''}: ${fact.value}`;
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
  const read = readLine(line);
  return read && { kind: read.kind, value: read.value };
}

function readLine(line: string): { kind: FactKind; value: string; corrects: boolean } | undefined {
  const index = line.indexOf(': ');
  if (index < 0) return undefined;
  const label = line.slice(0, index).toLowerCase();
  const corrects = label.endsWith(CORRECTED);
  const kind = KIND_OF_LABEL.get(corrects ? label.slice(0, -CORRECTED.length) : label);
  const value = line.slice(index + 2);
  return kind && value !== '' ? { kind, value, corrects } : undefined;
}

/**
 * The lines of facts (oldest first, as {@link describeFact} made them) that still hold: a
 * correction drops every earlier line of its kind ("Customer e-mail: john@example.com" before
 * "Customer e-mail (corrected): jane@example.org"). Lines it did not make are kept.
 *
 * @example
 * currentFacts(['Customer e-mail: a@x.io', 'Order number: 1', 'Customer e-mail (corrected): b@x.io']);
 * // ['Order number: 1', 'Customer e-mail (corrected): b@x.io']
 */
export function currentFacts(lines: readonly string[]): string[] {
  const kinds = lines.map((line) => readLine(line));
  const correctedAt = new Map<FactKind, number>();
  kinds.forEach((read, i) => {
    if (read?.corrects) correctedAt.set(read.kind, i);
  });
  if (correctedAt.size === 0) return [...lines];
  return lines.filter((_, i) => {
    const read = kinds[i];
    return read === undefined || i >= (correctedAt.get(read.kind) ?? -1);
  });
}
