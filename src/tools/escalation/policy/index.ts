export { EarlierMessages } from './earlier-messages.js';
export { evaluateEscalation } from './evaluate-escalation.js';
export { onlyFeels, sentimentScore } from './sentiment.js';
export { tokenize } from './tokenize.js';
export { detectUrgency } from './urgency.js';
export { personRequested } from './explicit-request.js';
export { acceptsOffer, announcedSubject, offersPerson, readShortReply } from './short-replies.js';
export type { ShortReply } from './short-replies.js';
export { DEFAULT_ESCALATION_THRESHOLD, DEFAULT_ESCALATION_WEIGHTS } from './weights.js';
export type {
  ConversationTurn,
  EscalationDecision,
  EscalationInput,
  EscalationPolicyOptions,
  EscalationReason,
  EscalationSignal,
} from './types.js';
