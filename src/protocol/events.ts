/**
 * The events of one turn, identical over SSE and WebSocket and in `runTurn`'s stream. A stream is
 * `start`, then any of `status`, `tool`, `sources`, `escalation` and `text`, then `complete` — or
 * `error` in place of `complete`.
 */

/** A passage the answer may cite as [n], n being its 1-based place in `items`. */
export interface SourceItem {
  id: number;
  title: string;
  url?: string;
  source: string;
  snippet: string;
  score: number;
}

/** What the escalation check decided for this turn. */
export interface EscalationInfo {
  escalate: boolean;
  confidence: number;
  reasons: string[];
  priority: string;
  category: string;
  ticketId?: string;
}

/** The agent's reply as stored and returned. */
export interface ReplyMessage {
  id: string;
  text: string;
  sources: SourceItem[];
  escalation: EscalationInfo;
  /** 0..1: how well the reply is supported. */
  confidence: number;
  toolsUsed: string[];
  /** Tools that failed this turn, with the outcome; the reply was degraded, not failed. */
  toolsFailed: Array<{ name: string; outcome: string }>;
  answeredBy: 'extractive' | 'llm';
  /** Set when the LLM was configured but the extractive responder answered instead. */
  fallback?: string;
  timings: Record<string, number>;
}

export type TurnEvent =
  | { type: 'start'; turnId: string; requestId: string; sessionId: string }
  | {
      type: 'status';
      stage: 'context' | 'attachments' | 'search' | 'escalation' | 'answer' | 'memory';
    }
  | { type: 'tool'; name: string; outcome: string; ms: number }
  | { type: 'sources'; items: SourceItem[] }
  | {
      type: 'escalation';
      escalate: boolean;
      reasons: string[];
      priority: string;
      ticketId?: string;
    }
  | { type: 'text'; delta: string }
  | { type: 'complete'; message: ReplyMessage }
  | { type: 'error'; code: string; message: string; retryable: boolean };
