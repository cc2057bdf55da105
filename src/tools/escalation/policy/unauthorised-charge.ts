import { isNegator } from './negation.js';
import { quote } from './phrases.js';
import type { SignalMatch } from './signal-match.js';
import type { Token } from './tokenize.js';
import { words } from './word-list.js';

const CHARGE_WORDS = new Set(words('charged charge charges billed bill debited payment invoiced'));
const CONSENT_WORDS = new Set(
  words(`
    order ordered place placed buy bought purchase purchased authorise authorised authorize
    authorized sign signed agree agreed subscribe subscribed approve approved
  `),
);

/**
 * Finds a charge the customer says they never agreed to ("charged for an order I never
 * placed", "billed for a plan I didn't sign up for"): a disputed, possibly fraudulent payment,
 * which goes to the same people as a chargeback. Both halves must be in one sentence.
 */
export function detectUnauthorisedCharge(
  text: string,
  tokens: readonly Token[],
): SignalMatch | undefined {
  let chargeAt = -1;
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index];
    if (token === undefined) break;
    if (chargeAt >= 0 && tokens[chargeAt]?.sentence !== token.sentence) chargeAt = -1;
    if (CHARGE_WORDS.has(token.word)) chargeAt = index;
    if (chargeAt < 0 || !CONSENT_WORDS.has(token.word)) continue;
    const negated = [1, 2].some((back) => {
      const before = tokens[index - back];
      return before !== undefined && before.clause === token.clause && isNegator(before.word);
    });
    if (negated) {
      return { detail: `disputes a charge: "${quote(text, tokens, chargeAt, index + 1)}"` };
    }
  }
  return undefined;
}
