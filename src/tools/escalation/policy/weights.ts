import type { EscalationSignal } from './types.js';

/** Confidence at which a conversation is handed to a person. */
export const DEFAULT_ESCALATION_THRESHOLD = 0.7;

/**
 * How much each signal adds to the confidence. With the default threshold of 0.7:
 *
 * - alone enough: a safety incident (0.95: a fire, an injury, an electric shock…, or a
 *   vulnerable customer: dementia, a life on oxygen, no money for food), asking for a
 *   person (0.9), a legal matter (0.85), strong anger (0.75);
 * - not alone, but any two together are: moderate negativity (half of 0.75, so 0.375),
 *   a worsening trend (0.35), urgency (0.35), a repeated question (0.4), and two questions in
 *   a row with nothing in the knowledge base (0.35). "Urgent" from a calm customer is answered;
 *   "urgent" from an upset one, or a question asked again that the knowledge base cannot
 *   answer, goes to a person;
 * - a question asked a third time counts its weight twice (0.8), and a third question in a row
 *   with nothing in the knowledge base counts its weight twice (0.7), so each escalates alone.
 */
export const DEFAULT_ESCALATION_WEIGHTS: Readonly<Record<EscalationSignal, number>> = Object.freeze(
  {
    explicit_request: 0.9,
    legal: 0.85,
    safety: 0.95,
    negative_sentiment: 0.75,
    worsening_sentiment: 0.35,
    urgency: 0.35,
    repeated_question: 0.4,
    no_knowledge: 0.35,
  },
);
