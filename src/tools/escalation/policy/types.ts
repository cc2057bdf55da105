import type { EarlierMessages } from './earlier-messages.js';

/** One earlier message of the conversation. */
export interface ConversationTurn {
  role: 'user' | 'assistant';
  text: string;
}

/** What the policy looks at for one customer message. */
export interface EscalationInput {
  /** The new customer message. */
  message: string;
  /** Earlier turns of this session, oldest first (may be empty). */
  history: ConversationTurn[];
  /**
   * How many consecutive earlier turns found nothing relevant in the knowledge base (0 if the
   * last one found something), counted since the last reply that handed the conversation over.
   */
  noKnowledgeStreak: number;
  /** Whether this turn's knowledge-base search found nothing relevant. */
  noKnowledgeNow: boolean;
}

/** A reason to hand the conversation to a person. */
export type EscalationSignal =
  | 'explicit_request'
  | 'legal'
  | 'safety'
  | 'negative_sentiment'
  | 'worsening_sentiment'
  | 'urgency'
  | 'repeated_question'
  | 'no_knowledge';

/** A signal that fired, with the weight it added and why, in words an agent can read. */
export interface EscalationReason {
  signal: EscalationSignal;
  weight: number;
  /** Human-readable, quoting the customer: `asked for a person: "talk to a human"`. */
  detail: string;
}

/** The policy's verdict on one customer message. */
export interface EscalationDecision {
  escalate: boolean;
  /** 0..1: the sum of the fired signals' weights, capped at 1. */
  confidence: number;
  /** The signals that fired, strongest first. */
  reasons: EscalationReason[];
  priority: 'low' | 'normal' | 'high' | 'urgent';
  /** The queue a ticket goes to; `none` when the conversation stays with the assistant. */
  category: 'human_request' | 'legal' | 'safety' | 'complaint' | 'urgent' | 'unresolved' | 'none';
  /** The message reported a safety incident that hurt someone (absent when it did not). */
  harmed?: boolean;
  /**
   * The message went to the safety team because the customer is vulnerable (dementia, a life on
   * oxygen, no money for food, a death in the family), with no danger to anyone reported: the
   * reply needs care, not the emergency services (absent otherwise).
   */
  vulnerable?: boolean;
}

/** Tuning of {@link EscalationDecision}s; every field is optional. */
export interface EscalationPolicyOptions {
  /** Confidence at which to escalate, in (0, 1]. Default 0.7. */
  threshold?: number;
  /** Weights per signal, merged over the defaults; 0 turns a signal off. */
  weights?: Partial<Record<EscalationSignal, number>>;
  /** Earlier messages read on earlier turns, kept by the caller: the same decision, sooner. */
  earlierMessages?: EarlierMessages;
}
