import type { EscalationDecision, EscalationReason, EscalationSignal } from './types.js';

type Priority = EscalationDecision['priority'];
type Category = EscalationDecision['category'];

/** What the priority depends on besides the fired signals. */
export interface PriorityFacts {
  readonly escalate: boolean;
  readonly fired: ReadonlySet<EscalationSignal>;
  /** Whether the message was strongly negative (full negative-sentiment weight). */
  readonly strongAnger: boolean;
  /** Whether a safety incident harmed someone (an injury, a burn, a shock…). */
  readonly harmed: boolean;
}

/**
 * `urgent` when someone was harmed, when two serious signals meet (a safety incident, a legal
 * matter, a request for a person, strong anger) or one meets urgency; `high` for one serious
 * signal; `normal` for an escalation built from softer signals; `low` when the conversation
 * stays with the assistant.
 */
export function decidePriority({ escalate, fired, strongAnger, harmed }: PriorityFacts): Priority {
  if (!escalate) return 'low';
  if (harmed) return 'urgent';
  const serious = [
    fired.has('safety'),
    fired.has('legal'),
    fired.has('explicit_request'),
    strongAnger,
  ].filter(Boolean);
  if (serious.length >= 2 || (serious.length === 1 && fired.has('urgency'))) return 'urgent';
  if (serious.length === 1) return 'high';
  return 'normal';
}

const CATEGORY_OF: Readonly<Record<EscalationSignal, Category>> = {
  explicit_request: 'human_request',
  legal: 'legal',
  safety: 'safety',
  negative_sentiment: 'complaint',
  worsening_sentiment: 'complaint',
  urgency: 'urgent',
  repeated_question: 'unresolved',
  no_knowledge: 'unresolved',
};

/**
 * The category of the strongest reason (reasons come strongest first). A conversation that is
 * not escalated has category `none`: a category names the queue a ticket goes to.
 */
export function decideCategory(escalate: boolean, reasons: readonly EscalationReason[]): Category {
  const strongest = reasons[0];
  if (!escalate || strongest === undefined) return 'none';
  return CATEGORY_OF[strongest.signal];
}
