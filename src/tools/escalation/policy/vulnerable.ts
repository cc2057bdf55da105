import { governingNegator, isAbilityNegator, isNegator } from './negation.js';
import { matchPhraseAt, phraseSet, quote } from './phrases.js';
import { HYPOTHETICAL } from './safety-words.js';
import type { SignalMatch } from './signal-match.js';
import type { Token } from './tokenize.js';

/** Essentials a customer says they cannot pay for: a report only when negated. */
const AFFORD_ESSENTIALS = [
  'afford to eat',
  'afford food',
  'afford to feed',
  'afford heating',
  'afford to heat',
];
const NEEDS_NEGATION = phraseSet(AFFORD_ESSENTIALS);

/**
 * Circumstances that make a customer vulnerable, in the groups regulators ask support teams to
 * recognise (the UK FCA's health, life events, resilience and capability): an illness that takes
 * away the ability to decide, a life that depends on a supply, no money for food or heat, a
 * crisis, a death in the family. Each asks for a person's judgement and care, however calmly it
 * is written, so they go to the same team as a safety incident.
 */
const VULNERABLE_PHRASES = phraseSet([
  // Capability
  'dementia',
  "alzheimer's",
  'alzheimers',
  'learning disability',
  'learning disabilities',
  'terminally ill',
  'terminal illness',
  // A life that depends on power or care; not equipment one may buy ("do you sell oxygen masks")
  'on oxygen',
  'home oxygen',
  'oxygen concentrator',
  'dialysis',
  'life support',
  // No money for essentials: said only with a negation before it ("can't afford to eat")
  ...AFFORD_ESSENTIALS,
  // Living on help, or losing a home; not giving to those who do ("can I donate to a food bank")
  'use a food bank',
  'use food banks',
  'using a food bank',
  'using food banks',
  'rely on a food bank',
  "i'm homeless",
  'im homeless',
  'i am homeless',
  'be homeless',
  'made homeless',
  'become homeless',
  'being evicted',
  'bailiffs',
  // A death in the family
  'passed away',
  'bereavement',
  'bereaved',
]);

/** A customer in crisis, in danger from themselves: the emergency services come first. */
const CRISIS_PHRASES = phraseSet([
  'suicidal',
  'suicide',
  'kill myself',
  'end my life',
  'end it all',
  'self harm',
  'harm myself',
  'want to die',
  "don't see the point in anything",
  'dont see the point in anything',
  "don't see the point anymore",
  'dont see the point anymore',
  'no point in living',
  'no reason to live',
  "can't go on",
  'cant go on',
  'cannot go on',
]);

/** A vulnerable customer, and whether they are in crisis (a danger to themselves). */
export interface VulnerableMatch extends SignalMatch {
  readonly crisis: boolean;
}

/**
 * Finds a customer who says they are vulnerable ("my mum has dementia", "I rely on oxygen at
 * home", "I cannot afford to eat this week") or in crisis ("I don't see the point anymore").
 * Not when it is declined ("I'm not on oxygen") or supposed ("what if the account holder passed
 * away?"); a negation of ability is the report itself ("I can't afford food").
 */
export function detectVulnerable(
  text: string,
  tokens: readonly Token[],
): VulnerableMatch | undefined {
  for (let index = 0; index < tokens.length; index += 1) {
    const crisisLength = matchPhraseAt(CRISIS_PHRASES, tokens, index);
    const length = crisisLength || matchPhraseAt(VULNERABLE_PHRASES, tokens, index);
    if (length === 0) continue;
    if (matchPhraseAt(NEEDS_NEGATION, tokens, index) > 0) {
      // "can't afford to eat", "can no longer afford food", "unable to afford heating"
      if (!deniedBefore(tokens, index)) continue;
    } else {
      const negator = governingNegator(tokens, index, 3);
      if (negator >= 0 && !isAbilityNegator(tokens[negator]?.word ?? '')) continue;
    }
    if (supposed(tokens, index)) continue;
    const quoted = quote(text, tokens, index, index + length);
    return crisisLength > 0
      ? { detail: `customer in crisis: "${quoted}"`, crisis: true }
      : { detail: `vulnerable customer: "${quoted}"`, crisis: false };
  }
  return undefined;
}

/** A negation or "unable" up to three words before `index`, in its clause. */
function deniedBefore(tokens: readonly Token[], index: number): boolean {
  const clause = tokens[index]?.clause;
  for (let back = 1; back <= 3; back += 1) {
    const token = tokens[index - back];
    if (token === undefined || token.clause !== clause) return false;
    if (isNegator(token.word) || isAbilityNegator(token.word)) return true;
  }
  return false;
}

/** A word before `index` in its sentence that makes it a question about what might happen. */
function supposed(tokens: readonly Token[], index: number): boolean {
  const sentence = tokens[index]?.sentence;
  for (let back = index - 1; back >= 0 && tokens[back]?.sentence === sentence; back -= 1) {
    if (HYPOTHETICAL.has(tokens[back]?.word ?? '')) return true;
  }
  return false;
}
