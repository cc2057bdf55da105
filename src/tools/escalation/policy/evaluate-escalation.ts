import { AppError } from '../../../errors/index.js';
import { comparableUnits } from './content-words.js';
import { readEarlierMessage } from './earlier-messages.js';
import { detectExplicitRequest } from './explicit-request.js';
import { saysStillOpen } from './follow-up.js';
import { detectLegal } from './legal.js';
import { acceptsOffer } from './short-replies.js';
import { detectNegativeSentiment, STRONG_NEGATIVE } from './negative-sentiment.js';
import { decideCategory, decidePriority } from './priority.js';
import { detectRepeatedQuestion, REPEAT_LOOKBACK } from './repeated-question.js';
import { detectSafety, type SafetyMatch } from './safety.js';
import { askedStaffAction } from './staff-action.js';
import { detectWorsening } from './sentiment-trend.js';
import { onlyFeels, scoreTokens } from './sentiment.js';
import type { SignalMatch } from './signal-match.js';
import { tokenize, type Token } from './tokenize.js';
import type {
  ConversationTurn,
  EscalationDecision,
  EscalationInput,
  EscalationPolicyOptions,
  EscalationReason,
  EscalationSignal,
} from './types.js';
import { detectUrgency } from './urgency.js';
import { detectVulnerable } from './vulnerable.js';
import { DEFAULT_ESCALATION_THRESHOLD, DEFAULT_ESCALATION_WEIGHTS } from './weights.js';

/**
 * Most times the no-knowledge weight counts (four questions in a row unanswered): 1.05 with the
 * default weight, so a run that long reaches any threshold.
 */
const MAX_NO_KNOWLEDGE_STRENGTH = 3;

/** How much of each earlier message is read. */
const EARLIER_MESSAGE_CHARS = 10_000;

/** The order reasons of equal weight are listed in: the more actionable first. */
const SIGNAL_ORDER: readonly EscalationSignal[] = [
  'safety',
  'explicit_request',
  'legal',
  'negative_sentiment',
  'urgency',
  'repeated_question',
  'worsening_sentiment',
  'no_knowledge',
];

/**
 * Decides whether a customer message should be handed to a person, why, how soon and to which
 * queue. Pure and deterministic: no I/O, no clock; total on any string (empty, emoji, control
 * characters, 100 KB) and linear in the length of the message and the last few turns.
 *
 * Each signal that fires adds its weight ({@link DEFAULT_ESCALATION_WEIGHTS}); the sum, capped
 * at 1, is the confidence; the conversation escalates when it reaches the threshold.
 *
 * @throws AppError `config_invalid` when `options` hold a threshold outside (0, 1] or a
 *   negative or non-finite weight: that is a bug in configuration, not a customer's doing.
 *
 * @example
 * const decision = evaluateEscalation({
 *   message: 'This is the third time I ask. Let me talk to a real person.',
 *   history: [{ role: 'user', text: 'Where is my refund?' }],
 *   noKnowledgeStreak: 0,
 *   noKnowledgeNow: false,
 * });
 * // decision.escalate === true, decision.category === 'human_request'
 */
export function evaluateEscalation(
  input: EscalationInput,
  options: EscalationPolicyOptions = {},
): EscalationDecision {
  const threshold = options.threshold ?? DEFAULT_ESCALATION_THRESHOLD;
  // The defaults are frozen and valid: only weights given are merged and checked, per call.
  const weights = options.weights
    ? { ...DEFAULT_ESCALATION_WEIGHTS, ...options.weights }
    : DEFAULT_ESCALATION_WEIGHTS;
  validate(threshold, options.weights ? weights : undefined);

  const text = input.message;
  const tokens = tokenize(text);
  const sentiment = scoreTokens(text, tokens);
  const memo = options.earlierMessages;
  const earlier = lastUserMessages(input.history, REPEAT_LOOKBACK).map((message) =>
    memo ? memo.read(message) : readEarlierMessage(message),
  );
  const reasons: EscalationReason[] = [];
  const add = (signal: EscalationSignal, match: SignalMatch | undefined): void => {
    const weight = match === undefined ? 0 : weights[signal] * (match.strength ?? 1);
    if (match !== undefined && weight > 0) {
      reasons.push({ signal, weight: round(weight), detail: match.detail });
    }
  };

  // A vulnerable customer goes to the team that takes safety incidents: a danger, no harm done.
  const incident = detectSafety(text, tokens);
  const vulnerable = incident === undefined ? detectVulnerable(text, tokens) : undefined;
  const safety = incident ?? withoutHarm(vulnerable);
  add('safety', safety);
  add(
    'explicit_request',
    detectExplicitRequest(text, tokens) ??
      detectAcceptedOffer(input) ??
      askedStaffAction(text, previousReply(input)),
  );
  add('legal', detectLegal(text, tokens));
  add('negative_sentiment', detectNegativeSentiment(sentiment));
  add('worsening_sentiment', detectWorsening([...earlier.map((m) => m.sentiment), sentiment]));
  add('urgency', detectUrgency(text, tokens, sentiment));
  const units = comparableUnits(tokens);
  add('repeated_question', detectRepeatedQuestion(text, tokens, earlier, units));
  add('no_knowledge', detectNoKnowledge(input, tokens));
  // Read whole, the message is read as it will be as an earlier one on the next turn.
  if (memo && text.length <= EARLIER_MESSAGE_CHARS) {
    memo.remember(text, { sentiment, units, stillOpen: saysStillOpen(tokens) });
  }

  reasons.sort(
    (a, b) =>
      b.weight - a.weight || SIGNAL_ORDER.indexOf(a.signal) - SIGNAL_ORDER.indexOf(b.signal),
  );
  const confidence = Math.min(1, round(reasons.reduce((sum, reason) => sum + reason.weight, 0)));
  const escalate = confidence >= threshold;
  const fired = new Set(reasons.map((reason) => reason.signal));
  const harmed = safety?.harmed === true && fired.has('safety');
  const onlyVulnerable = vulnerable?.crisis === false && fired.has('safety');
  return {
    escalate,
    confidence,
    reasons,
    priority: decidePriority({
      escalate,
      fired,
      strongAnger: sentiment <= STRONG_NEGATIVE && fired.has('negative_sentiment'),
      harmed,
    }),
    category: decideCategory(escalate, reasons),
    ...(harmed ? { harmed } : {}),
    ...(onlyVulnerable ? { vulnerable: true } : {}),
  };
}

/** A yes to the agent's offer of a person, in the reply just before: that is asking for one. */
function detectAcceptedOffer(input: EscalationInput): SignalMatch | undefined {
  const previous = input.history.at(-1);
  if (previous?.role !== 'assistant' || !acceptsOffer(input.message, previous.text)) {
    return undefined;
  }
  // eslint-disable-next-line no-control-regex
  const said = input.message.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim();
  return { detail: `accepted the offer of a person: "${said.slice(0, 60)}"` };
}

function withoutHarm(match: SignalMatch | undefined): SafetyMatch | undefined {
  return match && { ...match, harmed: false };
}

/** The reply just before the message, when the turn before it is the assistant's. */
function previousReply(input: EscalationInput): string | undefined {
  const previous = input.history.at(-1);
  return previous?.role === 'assistant' ? previous.text : undefined;
}

/**
 * Questions in a row the help center had no answer to, this one the last. Two count the
 * signal's weight once: with another sign (a repeat, annoyance, urgency) that is a hand-over.
 * Each further one counts it again, up to {@link MAX_NO_KNOWLEDGE_STRENGTH} times: a third
 * question in a row left unanswered reaches the default threshold alone, so a customer the
 * assistant keeps failing is not left with "I couldn't find this" for ever; a raised threshold
 * is reached a question or so later. Messages that asked nothing (a greeting, thanks, small
 * talk) neither count nor break the run (`noKnowledgeStreak` skips them); an answer ends it,
 * and so does a hand-over: once staff resolve the ticket, a fresh run is needed to reopen it.
 *
 * A message that only says how the customer feels ("that's stupid") asks the knowledge base
 * nothing: that nothing was found for it is no further question the help center could not
 * answer (its mood counts on its own, and again if it stays sour: see `detectWorsening`).
 */
function detectNoKnowledge(
  input: EscalationInput,
  tokens: readonly Token[],
): SignalMatch | undefined {
  const streak = Number.isFinite(input.noKnowledgeStreak) ? input.noKnowledgeStreak : 0;
  if (!input.noKnowledgeNow || streak < 1 || onlyFeels(tokens)) return undefined;
  return {
    detail: `the assistant could not answer ${streak + 1} questions in a row from the help center`,
    strength: Math.min(streak, MAX_NO_KNOWLEDGE_STRENGTH),
  };
}

/**
 * The texts of the customer's last `count` messages, oldest first, each cut to its first
 * {@link EARLIER_MESSAGE_CHARS} characters: enough for their mood and their question, and it
 * keeps the cost of a turn bounded by the new message however long the earlier ones were.
 */
function lastUserMessages(history: readonly ConversationTurn[], count: number): string[] {
  const texts: string[] = [];
  for (let index = history.length - 1; index >= 0 && texts.length < count; index -= 1) {
    const turn = history[index];
    if (turn?.role === 'user') texts.unshift(turn.text.slice(0, EARLIER_MESSAGE_CHARS));
  }
  return texts;
}

// Sums of weights such as 0.35 + 0.35 must compare equal to a threshold of 0.7.
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function validate(
  threshold: number,
  weights: Readonly<Record<EscalationSignal, number>> | undefined,
): void {
  if (!Number.isFinite(threshold) || threshold <= 0 || threshold > 1) {
    throw new AppError(
      'config_invalid',
      `The escalation threshold must be in (0, 1], got ${threshold}`,
    );
  }
  for (const [signal, weight] of Object.entries(weights ?? {})) {
    if (!Number.isFinite(weight) || weight < 0) {
      throw new AppError(
        'config_invalid',
        `The escalation weight of ${signal} must be a finite number ≥ 0, got ${weight}`,
      );
    }
  }
}
