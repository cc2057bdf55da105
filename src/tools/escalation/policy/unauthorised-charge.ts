import { isNegator } from './negation.js';
import { quote } from './phrases.js';
import type { SignalMatch } from './signal-match.js';
import type { Token } from './tokenize.js';
import { words } from './word-list.js';

/** Money that left the customer: a charge, a payment, a transaction, money taken. */
const CHARGE_WORDS = new Set(
  words(`
    charged charge charges billed bill debit debits debited payment payments invoiced
    transaction transactions purchase purchases money took taken
  `),
);
/**
 * What a customer does or gives to agree to a payment: ordering it, making it, asking for it,
 * giving permission, or knowing it as theirs ("I don't recognise these payments").
 */
const CONSENT_WORDS = new Set(
  words(`
    order ordered place placed buy bought purchase purchased authorise authorised authorize
    authorized sign signed agree agreed subscribe subscribed approve approved make made ask
    asked request requested recognise recognize permission consent authorisation authorization
  `),
);
const NOT_YET = 'yet';

/**
 * How far after a refusal its object may be: "never authorised *this direct debit*", "did not
 * agree to *the charge*"; further on, a charge word belongs to something else ("I haven't
 * ordered yet so can I pay by debit card?").
 */
const REFUSED_REACH = 4;

/**
 * Finds a charge the customer says they never agreed to ("charged for an order I never
 * placed", "billed for a plan I didn't sign up for", "I never authorised this payment", "payments
 * I didn't make", "money taken without my permission", "I don't recognise these transactions"): a
 * disputed, possibly fraudulent payment, which goes to the same people as a chargeback. Both
 * halves must be in one sentence; a charge after the refusal must be what was refused, in its
 * clause and a few words on.
 */
export function detectUnauthorisedCharge(
  text: string,
  tokens: readonly Token[],
): SignalMatch | undefined {
  const notYet = clausesSayingYet(tokens);
  let chargeAt = -1;
  let refusedAt = -1;
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index];
    if (token === undefined) break;
    if (chargeAt >= 0 && tokens[chargeAt]?.sentence !== token.sentence) chargeAt = -1;
    if (
      refusedAt >= 0 &&
      (tokens[refusedAt]?.clause !== token.clause || index - refusedAt > REFUSED_REACH)
    ) {
      refusedAt = -1;
    }
    if (CHARGE_WORDS.has(token.word)) {
      chargeAt = index;
      if (refusedAt >= 0) {
        return { detail: `disputes a charge: "${quote(text, tokens, refusedAt, index + 1)}"` };
      }
    }
    if (!CONSENT_WORDS.has(token.word) || !negated(tokens, index) || notYet.has(token.clause)) {
      continue;
    }
    if (chargeAt >= 0) {
      return { detail: `disputes a charge: "${quote(text, tokens, chargeAt, index + 1)}"` };
    }
    refusedAt = index;
  }
  return undefined;
}

/** A negator one or two words before the word, in its clause: "never placed", "didn't sign". */
function negated(tokens: readonly Token[], index: number): boolean {
  const token = tokens[index];
  return [1, 2].some((back) => {
    const before = tokens[index - back];
    return before !== undefined && before.clause === token?.clause && isNegator(before.word);
  });
}

/**
 * The clauses that say "yet": "I haven't made the payment yet" is still to be done, not refused.
 * Gathered once, so a long message costs one pass.
 */
function clausesSayingYet(tokens: readonly Token[]): Set<number> {
  return new Set(tokens.filter((token) => token.word === NOT_YET).map((token) => token.clause));
}
