import { describe, expect, it } from 'vitest';
import { LINEAR_GROWTH_LIMIT, tenfoldGrowth } from '../../../../test/helpers/growth.js';
import { evaluateEscalation, sentimentScore, type EscalationDecision } from './index.js';

function decide(message: string, history: string[] = []): EscalationDecision {
  return evaluateEscalation({
    message,
    history: history.map((text) => ({ role: 'user', text })),
    noKnowledgeStreak: 1,
    noKnowledgeNow: true,
  });
}

/** A customer message of `size` characters that reads like prose, with a legal threat at the very end. */
function longMessage(size = 100_000): string {
  const sentence =
    'I ordered the blue jacket on Monday, the tracking page says it is still in transit, ' +
    'and the courier has not answered my emails. ';
  const threat = ' My lawyer will hear of this.';
  return sentence.repeat(Math.ceil(size / sentence.length)).slice(0, size - threat.length) + threat;
}

describe('robustness', () => {
  it('never throws on odd strings', () => {
    const odd = [
      '',
      ' ',
      '\u0000\u0001\u0002\u001b[31m\u007f',
      '\ud800\udc00\ud800 lone surrogates \udfff',
      '😡🤬👎🏽❤️‍🔥👨‍👩‍👧',
      'İSTANBUL ǅ ß ŉ ΐ',
      'ａｇｅｎｔ',
      '\n\n\n...!!!???',
      "''''",
      'x'.repeat(100_000),
      '!'.repeat(100_000),
      '😡'.repeat(50_000),
      "don't ".repeat(20_000),
    ];
    for (const message of odd) {
      const decision = decide(message, [message, message]);
      expect(decision.confidence).toBeGreaterThanOrEqual(0);
      expect(decision.confidence).toBeLessThanOrEqual(1);
      expect(Number.isFinite(sentimentScore(message))).toBe(true);
    }
  });

  it('reads a whole 100 KB message, down to a threat in its last words', () => {
    const decision = decide(longMessage());
    expect(decision.reasons.map((reason) => reason.signal)).toContain('legal');
  });

  it('takes linear time on a long message with a long history', () => {
    const growth = tenfoldGrowth(
      longMessage,
      (message) => decide(message, [message, message, message]),
      100_000,
    );
    expect(growth).toBeLessThan(LINEAR_GROWTH_LIMIT);
  });

  it('takes linear time on one long clause full of time words asked about', () => {
    // Each "right away" is read in its clause, and each "today" against the words before it.
    const clause = (size: number): string =>
      'can I leave right away if I need to pay today '.repeat(Math.ceil(size / 45)).slice(0, size);
    expect(decide(clause(1000)).reasons.map((reason) => reason.signal)).not.toContain('urgency');
    const growth = tenfoldGrowth(clause, (message) => decide(message), 100_000);
    expect(growth).toBeLessThan(LINEAR_GROWTH_LIMIT);
  });

  it('takes linear time on one long sentence full of money words that dispute nothing', () => {
    // Every word of a cancellation, a double charge, a stolen card and a refund, each supposed.
    const sentence = (size: number): string =>
      'if I cancelled would I still be charged twice if my card was stolen or a refund 2 weeks late, '
        .repeat(Math.ceil(size / 90))
        .slice(0, size);
    expect(decide(sentence(1000)).reasons.map((reason) => reason.signal)).not.toContain('legal');
    const growth = tenfoldGrowth(sentence, (message) => decide(message), 100_000);
    expect(growth).toBeLessThan(LINEAR_GROWTH_LIMIT);
  });

  it('takes linear time on a single repeated emoji, and escalates it', () => {
    expect(decide('😡'.repeat(50_000)).escalate).toBe(true);
    const growth = tenfoldGrowth((size) => '😡'.repeat(size / 2), decide, 100_000);
    expect(growth).toBeLessThan(LINEAR_GROWTH_LIMIT);
  });
});
