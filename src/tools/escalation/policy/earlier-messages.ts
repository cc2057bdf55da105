import { comparableUnits } from './content-words.js';
import { saysStillOpen } from './follow-up.js';
import { scoreTokens } from './sentiment.js';
import { tokenize } from './tokenize.js';

/** What the policy reads of an earlier customer message. */
export interface EarlierMessage {
  /** Its sentiment, for the trend of the conversation's mood. */
  readonly sentiment: number;
  /** Its content-word stems, whole and by sentence, to find a question asked again. */
  readonly units: ReadonlyArray<ReadonlySet<string>>;
  /** Whether it says a problem is still there ("still crashes"), to find one reported again. */
  readonly stillOpen: boolean;
}

/** Reads an earlier message: tokenized once for both its sentiment and its words. */
export function readEarlierMessage(text: string): EarlierMessage {
  const tokens = tokenize(text);
  return {
    sentiment: scoreTokens(text, tokens),
    units: comparableUnits(tokens),
    stillOpen: saysStillOpen(tokens),
  };
}

/**
 * Longest message kept: a conversation's messages are mostly short, and a long one (a pasted
 * e-mail, up to 20,000 characters) read again costs little next to the memory that keeping
 * thousands of them would hold.
 */
const MAX_KEPT_CHARS = 2_000;

/**
 * Earlier messages as read, by their text. A conversation's last messages come back as its
 * history on every turn, and what is read of a message depends on its text alone, so the
 * decision is the same with or without them. Holds at most `capacity` messages, forgetting the
 * least recently used first.
 *
 * @example
 * const earlier = new EarlierMessages();
 * evaluateEscalation(input, { earlierMessages: earlier });
 */
export class EarlierMessages {
  readonly #entries = new Map<string, EarlierMessage>();

  constructor(readonly capacity = 10_000) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a whole number >= 1, got ${capacity}`);
    }
  }

  /** The message as read now, or as read on an earlier turn. */
  read(text: string): EarlierMessage {
    if (text.length > MAX_KEPT_CHARS) return readEarlierMessage(text);
    let message = this.#entries.get(text);
    if (message !== undefined) {
      // A Map iterates in insertion order: re-inserting makes the entry the most recent.
      this.#entries.delete(text);
    } else {
      message = readEarlierMessage(text);
      if (this.#entries.size >= this.capacity) {
        const oldest = this.#entries.keys().next();
        if (!oldest.done) this.#entries.delete(oldest.value);
      }
    }
    this.#entries.set(text, message);
    return message;
  }

  /**
   * Keeps a message read on its own turn (`message` as {@link readEarlierMessage} reads `text`):
   * on the customer's next turn it is an earlier message, and is not read again.
   */
  remember(text: string, message: EarlierMessage): void {
    if (text.length > MAX_KEPT_CHARS) return;
    if (!this.#entries.delete(text) && this.#entries.size >= this.capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(text, message);
  }
}
