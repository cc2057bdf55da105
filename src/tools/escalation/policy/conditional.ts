import type { Token } from './tokenize.js';
import { words } from './word-list.js';

/** Words that open a condition: "if I don't like it", "unless it fits", "whether it failed". */
const MARKERS = new Set(words('if unless whether incase'));
/** Two-word markers, by their second word: "in case it doesn't fit". */
const PAIRED_MARKERS: ReadonlyMap<string, string> = new Map([['case', 'in']]);
/** "as if nobody cares" compares: it says how things are, not what might happen. */
const COMPARISON_BEFORE_IF = 'as';
/**
 * Words that start the main clause after a condition written without a comma ("if it breaks
 * I'll be furious"): what the customer says in the first person is said, not supposed.
 */
const MAIN_CLAUSE_STARTS = new Set(
  words(`
    i i'm im i'll ill i'd i've ive we we're we'll we'd we've then
  `),
);

/**
 * For each token, whether it lies in a conditional clause: from "if", "unless", "whether" or
 * "in case" to the end of the clause, or to a first-person subject that starts the main clause
 * ("if it doesn't fit I'd like to return it"). The first word after the marker is the
 * condition's own subject ("if I don't like it"), so it never ends the condition.
 *
 * What a condition supposes is not how the customer feels: "can I return it if I don't like
 * it" asks about a product the customer has not seen yet. Linear in the number of tokens.
 */
export function conditionalSpans(tokens: readonly Token[]): boolean[] {
  const inside = new Array<boolean>(tokens.length).fill(false);
  let clause = -1;
  let opened = -1;
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index];
    if (token === undefined) break;
    if (token.clause !== clause) opened = -1;
    if (opened >= 0 && index > opened + 1 && MAIN_CLAUSE_STARTS.has(token.word)) opened = -1;
    if (opened >= 0) inside[index] = true;
    if (opensCondition(tokens, index)) {
      opened = index;
      clause = token.clause;
    }
  }
  return inside;
}

function opensCondition(tokens: readonly Token[], index: number): boolean {
  const token = tokens[index];
  if (token === undefined) return false;
  const previous = tokens[index - 1];
  const sameClause = previous !== undefined && previous.clause === token.clause;
  if (MARKERS.has(token.word)) {
    return !(token.word === 'if' && sameClause && previous.word === COMPARISON_BEFORE_IF);
  }
  const first = PAIRED_MARKERS.get(token.word);
  return first !== undefined && sameClause && previous.word === first;
}
