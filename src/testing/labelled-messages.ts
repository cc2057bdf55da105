import { evaluateEscalation } from '../tools/escalation/policy/index.js';
import type { ConversationTurn, EscalationInput } from '../tools/escalation/policy/index.js';

/** A customer's message labelled as a support lead would: should it go to a person now? */
export interface LabelledMessage {
  message: string;
  escalate: boolean;
  /** The customer's earlier messages, oldest first (an assistant reply follows each). */
  earlier?: string[];
  noKnowledgeStreak?: number;
  noKnowledgeNow?: boolean;
}

/** The policy's input for a labelled message, its earlier messages each answered. */
function toInput(row: LabelledMessage): EscalationInput {
  const history: ConversationTurn[] = (row.earlier ?? []).flatMap((text) => [
    { role: 'user' as const, text },
    { role: 'assistant' as const, text: 'Thanks for your message. Here is what I found.' },
  ]);
  return {
    message: row.message,
    history,
    noKnowledgeStreak: row.noKnowledgeStreak ?? 0,
    noKnowledgeNow: row.noKnowledgeNow ?? false,
  };
}

/**
 * The messages of `table` the policy decides otherwise than labelled, each described with the
 * decision and its reasons; printed as a warning when there are any, to see what is left.
 */
export function escalationMistakes(table: readonly LabelledMessage[]): string[] {
  const mistakes = table.flatMap((row) => {
    const decision = evaluateEscalation(toInput(row));
    if (decision.escalate === row.escalate) return [];
    const why = decision.reasons.map((reason) => `${reason.signal}: ${reason.detail}`);
    return [
      `expected ${row.escalate}, got ${decision.escalate} (${decision.confidence}): ${JSON.stringify(row.message)} [${why.join('; ')}]`,
    ];
  });
  if (mistakes.length > 0) console.warn(`${mistakes.length} mistakes:\n${mistakes.join('\n')}`);
  return mistakes;
}
