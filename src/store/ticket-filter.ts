import type { TicketFilter } from './conversation-repository.js';

const COLUMNS = ['status', 'priority', 'category', 'assignee'] as const;

/** A column of `tickets` the list filters on; the field of {@link TicketFilter} of the same name. */
export type TicketFilterColumn = (typeof COLUMNS)[number];

/**
 * The filter's fields that are set, as column and value, always in the same order: the SQL built
 * from them is one text per combination of fields (one prepared statement each), and a column is
 * only ever a name from this list, never text from the request.
 */
export function ticketConditions(filter: TicketFilter): Array<[TicketFilterColumn, string | null]> {
  const conditions: Array<[TicketFilterColumn, string | null]> = [];
  for (const column of COLUMNS) {
    const value = filter[column];
    if (value !== undefined) conditions.push([column, value]);
  }
  return conditions;
}
