import type { SignalMatch } from './signal-match.js';

/** The latest message must be at least this negative for a trend to count as worsening. */
const LATEST_NEGATIVE = -0.3;
/** And at least this much lower than the first message of the window. */
const MINIMUM_DROP = 0.4;
/**
 * A new message at least this negative is a turn for the worse by itself, after calm ones: a
 * word of anger ("Hopeless.", "Awful.", −0.61) rather than a sigh ("this is getting
 * frustrating", −0.46).
 */
const SHARP_TURN = -0.55;
/** At least three messages make a trend; the window holds the last four. */
const MINIMUM_MESSAGES = 3;
const WINDOW = 4;

/**
 * Finds a conversation going sour: over the customer's last three or four messages (oldest
 * first, the new one last) the new one is the most negative, is negative, and has dropped at
 * least 0.4 from the first; and either the slide began before it (a message in between is
 * already below zero and below the first: "Thanks, that's great!", "hmm, the link doesn't
 * work", "this is frustrating") or the turn is sharp ("hello?", "hello??", "Is anyone there?
 * I have been waiting 40 minutes. Awful."). One mildly negative message after calm ones is no
 * trend: it is that message's mood, which the negative-sentiment signal weighs already, and
 * counting it twice would hand a customer over after a single sigh. A customer who was angry
 * from the start is caught by the negative-sentiment signal instead.
 *
 * Or staying sour: the new message is negative and so was one of the three before it ("that's
 * stupid", then "still useless"). One complaint is the customer's mood; a second is frustration
 * the assistant is not relieving.
 */
export function detectWorsening(scores: readonly number[]): SignalMatch | undefined {
  const window = scores.slice(-WINDOW);
  const latest = window.at(-1);
  const first = window[0];
  if (latest !== undefined && latest <= LATEST_NEGATIVE) {
    const earlier = window.slice(0, -1).find((score) => score <= LATEST_NEGATIVE);
    if (earlier !== undefined) {
      return {
        detail: `negative again (${earlier.toFixed(2)}, then ${latest.toFixed(2)})`,
      };
    }
  }
  if (window.length < MINIMUM_MESSAGES || latest === undefined || first === undefined) {
    return undefined;
  }
  const lowestEarlier = Math.min(...window.slice(0, -1));
  if (latest > LATEST_NEGATIVE || latest >= lowestEarlier || first - latest < MINIMUM_DROP) {
    return undefined;
  }
  const slid = window.slice(1, -1).some((score) => score < 0 && score < first);
  if (!slid && latest > SHARP_TURN) return undefined;
  const trail = window.map((score) => score.toFixed(2)).join(' → ');
  return { detail: `sentiment worsening over the last ${window.length} messages (${trail})` };
}
