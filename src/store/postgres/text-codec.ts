// PostgreSQL `text` and `jsonb` cannot hold the NUL character; SQLite can, and customers' messages
// and extracted PDF text do contain it now and then. Text that may come from outside is stored
// with NUL written as two characters — U+FFFF (a noncharacter, never in real text) and '0' —
// and U+FFFF itself as U+FFFF '1'. Any other text is stored unchanged.

const ESCAPE = '\uFFFF';
const NUL = String.fromCharCode(0);
const ESCAPED = /\uFFFF([01])/g;

/** Text as PostgreSQL can store it; {@link fromDbText} gives it back exactly. */
export function toDbText(text: string): string {
  if (!text.includes(NUL) && !text.includes(ESCAPE)) return text;
  return text.replaceAll(ESCAPE, `${ESCAPE}1`).replaceAll(NUL, `${ESCAPE}0`);
}

/** The text {@link toDbText} stored. */
export function fromDbText(text: string): string {
  if (!text.includes(ESCAPE)) return text;
  return text.replace(ESCAPED, (_, digit: string) => (digit === '0' ? NUL : ESCAPE));
}

/** A value as a `jsonb` parameter: JSON, its strings stored as {@link toDbText} stores text. */
export function toDbJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, item: unknown) =>
    typeof item === 'string' ? toDbText(item) : item,
  );
}

/** A `json` or `jsonb` value read back, its strings as they were given to {@link toDbJson}. */
export function parseDbJson(text: string): unknown {
  if (!text.includes(ESCAPE)) return JSON.parse(text);
  return JSON.parse(text, (_key, item: unknown) =>
    typeof item === 'string' ? fromDbText(item) : item,
  );
}
