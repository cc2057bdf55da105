/** What a detector found. */
export interface SignalMatch {
  /** Human-readable, quoting the customer's words: `asked for a person: "talk to a human"`. */
  readonly detail: string;
  /**
   * How much of the signal's weight it adds: 1 by default, ½ for mild, 2 for a third ask, one
   * more for each further question in a row the help center had no answer to.
   */
  readonly strength?: number;
}
