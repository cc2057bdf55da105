/** What a fact is about. */
export type FactKind =
  | 'email'
  | 'phone'
  | 'order_number'
  | 'account_number'
  | 'ticket_number'
  | 'reference_number'
  | 'name';

/** Something the customer told us about themselves, worth remembering for later turns. */
export interface Fact {
  kind: FactKind;
  /** The value, lightly normalised (a phone number keeps only `+`, digits and single spaces). */
  value: string;
  /** The text it was found in, for context: its sentence, whitespace collapsed, cut if long. */
  source: string;
  /**
   * The customer corrects a detail of this kind given before ("sorry, my email is actually
   * …"): this value replaces the earlier ones.
   */
  corrects?: true;
}

/** A fact before its context is attached: where it was found in the message. */
export interface Found {
  kind: FactKind;
  value: string;
  start: number;
  end: number;
}
