import { describe, expect, it } from 'vitest';
import { evaluateEscalation, sentimentScore, type EscalationDecision } from './index.js';

function decide(message: string, history: string[] = []): EscalationDecision {
  return evaluateEscalation({
    message,
    history: history.map((text) => ({ role: 'user', text })),
    noKnowledgeStreak: 1,
    noKnowledgeNow: true,
  });
}

/** A 100 KB customer message that reads like prose, with a legal threat at the very end. */
function longMessage(): string {
  const sentence =
    'I ordered the blue jacket on Monday, the tracking page says it is still in transit, ' +
    'and the courier has not answered my emails. ';
  return (
    `${sentence.repeat(Math.ceil(100_000 / sentence.length))}`.slice(0, 99_970) +
    ' My lawyer will hear of this.'
  );
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

  it('decides on a 100 KB message in under 50 ms', () => {
    const message = longMessage();
    const history = [message, message, message];
    decide(message, history); // the first call compiles the hot loops
    const times: number[] = [];
    for (let run = 0; run < 5; run += 1) {
      const started = performance.now();
      decide(message, history);
      times.push(performance.now() - started);
    }
    expect(Math.min(...times)).toBeLessThan(50);
  });

  it('stays fast on 100 KB of a single repeated emoji', () => {
    const message = '😡'.repeat(50_000);
    decide(message);
    const times: number[] = [];
    for (let run = 0; run < 3; run += 1) {
      const started = performance.now();
      expect(decide(message).escalate).toBe(true);
      times.push(performance.now() - started);
    }
    expect(Math.min(...times)).toBeLessThan(50);
  });
});
