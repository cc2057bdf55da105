import type { SignalMatch } from './signal-match.js';

/** At or below this sentiment a message is strongly negative: the signal's full weight. */
export const STRONG_NEGATIVE = -0.7;
/** At or below this (and above {@link STRONG_NEGATIVE}) it is negative: half the weight. */
const MODERATE_NEGATIVE = -0.45;

/**
 * Turns a message's sentiment into the negative-sentiment signal. Strong anger ("worst
 * service ever, I'm furious", −0.89; one angry word said with emphasis, "absolutely
 * ridiculous", −0.76, or "I'm furious!!!", −0.71) escalates by itself; plain negativity ("I am
 * disappointed", −0.46; "this is ridiculous", −0.61) counts half and escalates only with
 * another signal; mild annoyance ("a bit disappointed", −0.25) does not count.
 */
export function detectNegativeSentiment(sentiment: number): SignalMatch | undefined {
  if (sentiment <= STRONG_NEGATIVE) {
    return { detail: `strongly negative sentiment (${sentiment.toFixed(2)})`, strength: 1 };
  }
  if (sentiment <= MODERATE_NEGATIVE) {
    return { detail: `negative sentiment (${sentiment.toFixed(2)})`, strength: 0.5 };
  }
  return undefined;
}
