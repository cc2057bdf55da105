import { stemmer } from 'stemmer';

// Letters and digits: the word boundaries of SQLite's unicode61 tokenizer, which the retriever's
// query terms follow too. PostgreSQL's own parser would keep "covid-19", e-mail addresses and
// paths as tokens of their own; cutting the text here first makes every index see one word list.
const WORD = /[\p{L}\p{N}]+/gu;
const ASCII_WORD = /[a-z0-9]+/g;
const MARKS = /\p{M}/gu;
const ASCII = /^[\p{ASCII}]*$/u;

/**
 * The words of a text as every index keeps them: NFKC-normalised, lowercased, diacritics
 * removed (as FTS5's `remove_diacritics 2`: "Café" and "cafe" are one word).
 */
export function searchWords(text: string): string[] {
  // Plain ASCII text (most help-center text) is its own NFKC form and has no marks.
  if (ASCII.test(text)) return text.toLowerCase().match(ASCII_WORD) ?? [];
  const words = text.normalize('NFKC').toLowerCase().match(WORD) ?? [];
  return words.flatMap((word) => {
    if (ASCII.test(word)) return [word];
    // Removing a mark can leave nothing (a lone combining mark) or join letters differently.
    return word.normalize('NFKD').replace(MARKS, '').normalize('NFKC').match(WORD) ?? [];
  });
}

/**
 * Words the Porter stemmer makes one though a help center means different things by them, each
 * with a stem of its own: "customer" and "customs" are both "custom" to Porter, and a question
 * about customer service found the passage on customs duties. So too "savings" (money put by,
 * a savings goal) and "save" (a button to press, saving a file): "whats the interest rate on
 * savings" was answered with "To open a Pot, tap Save > New Pot". And "evening(s)" (a time of
 * day) and "even": "anyone at the front desk in the evenings?" found "even if it seems minor".
 * And "allowance(s)" (a plan's data or baggage) and "allow": "can I use my own router, is that
 * allowed?" found the data-allowance page.
 * A stem here starts every word it stands for (a snippet finds a word by its stem: see
 * `TermMatcher`).
 */
const OWN_STEMS: ReadonlyMap<string, string> = new Map([
  ['customer', 'customer'],
  ['customers', 'customer'],
  ['customs', 'customs'],
  ['savings', 'savings'],
  ['evening', 'evening'],
  ['evenings', 'evening'],
  ['allowance', 'allowance'],
  ['allowances', 'allowance'],
]);

/**
 * Stems made, kept: one turn stems the same few words many times over (the search, the
 * snippets, the answer's question terms, the escalation check), and a help center's words come
 * back turn after turn. A stem depends on its word alone; looking it up costs a fraction of
 * Porter's rules.
 */
const stems = new Map<string, string>();
const MAX_KEPT_STEMS = 100_000;

/**
 * A word as FTS5's `porter` tokenizer indexes it: the Porter stem, except for words under 3 or
 * over 64 bytes, which FTS5 leaves as they are ("is" stays "is"; Snowball's Porter would make
 * it "i"), and for the few words Porter joins that mean different things ({@link OWN_STEMS}).
 * Measured on the CovidFAQ vocabulary (1,437 words, none of those few), every stem equals
 * FTS5's.
 */
export function stem(word: string): string {
  // A long "word" (a pasted token, a customer's flood) is not kept: the memory kept stays small.
  if (word.length > 64) return stemOf(word);
  let kept = stems.get(word);
  if (kept === undefined) {
    kept = stemOf(word);
    if (stems.size >= MAX_KEPT_STEMS) stems.clear();
    stems.set(word, kept);
  }
  return kept;
}

function stemOf(word: string): string {
  const own = OWN_STEMS.get(word);
  if (own !== undefined) return own;
  const bytes = Buffer.byteLength(word);
  return bytes < 3 || bytes > 64 ? word : stemmer(word);
}

/**
 * The revision of what {@link stem} and {@link searchTerms} give: raise it by one whenever a
 * change makes either give something else for some word (a stem of its own, another stemmer,
 * other word boundaries). PostgreSQL stores the chunks' stems and the revision they were made
 * at; a store that opens a database of another revision recomputes them from the chunks' text
 * (`recomputeTerms` in `postgres/recompute-terms.ts`), so queries stemmed now find what was
 * ingested before. SQLite builds its index from the text at start and needs nothing.
 *
 * 0, the original: Porter as FTS5's `porter` tokenizer. 1: "customer(s)" and "customs" apart
 * ({@link OWN_STEMS}). 2: "savings" and "save" apart. 3: "evening(s)" and "even" apart.
 * 4: "allowance(s)" and "allow" apart.
 */
export const STEMMING_REVISION = 4;

/** The indexed terms of a text: {@link searchWords}, stemmed. */
export function searchTerms(text: string): string[] {
  return searchWords(text).map(stem);
}

/**
 * How much a stop word's match in a title or heading counts when neither asks a question. In
 * "Signing In and Verifying Your Identity", "in", "and" and "your" say nothing of what the
 * article answers, yet in a small help center a title's words are rare enough to outweigh a
 * question's content words; in "How do I sign in?" the same words are what it answers.
 */
export const STATEMENT_TITLE_STOP_WEIGHT = 0.3;

// A question: it ends with "?" or opens with a question word. PostgreSQL's migration 6 tests
// stored rows with the same pattern (there `\y` is the word boundary).
const ASKS =
  /\?\s*$|^\s*(how|what|when|where|why|who|which|can|could|do|does|did|is|are|will|should|may)\b/i;

/**
 * Whether a chunk's title or one of its headings asks a question, so that its stop words are
 * what the passage answers (see {@link STATEMENT_TITLE_STOP_WEIGHT}).
 *
 * @example
 * titleAsks('Refunds', ['How long does a refund take?']); // true
 * titleAsks('Signing In and Verifying Your Identity', ['Two-step verification']); // false
 */
export function titleAsks(title: string, headingPath: readonly string[]): boolean {
  return ASKS.test(title) || headingPath.some((heading) => ASKS.test(heading));
}
