import { evaluateEscalation } from '../../src/tools/escalation/policy/evaluate-escalation.js';
import type { EscalationSignal } from '../../src/tools/escalation/policy/types.js';

/**
 * The signals the policy finds in one message alone (no history, no unanswered run): for tests
 * of what a wording does.
 */
export function signalsOf(message: string): EscalationSignal[] {
  const decision = evaluateEscalation({
    message,
    history: [],
    noKnowledgeStreak: 0,
    noKnowledgeNow: false,
  });
  return decision.reasons.map((reason) => reason.signal);
}
