// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/**
 * A value from the customer (a fact, a file name, a ticket id) made safe to put in a template:
 * one line, no control characters, no square brackets (they would read as a citation), bounded.
 * `''` for anything that is not a string.
 */
export function cleanValue(value: unknown, maxChars: number): string {
  if (typeof value !== 'string') return '';
  const one = value.replace(CONTROL, ' ').replace(/[[\]]/g, '').replace(/\s+/g, ' ').trim();
  return one.length > maxChars ? `${one.slice(0, maxChars - 1).trimEnd()}…` : one;
}

/** The first name of a customer, for a greeting: letters only, else none. */
export function firstName(name: unknown): string | undefined {
  const clean = cleanValue(name, 60);
  // A name is letters, marks, apostrophes, hyphens, dots and spaces; anything else (digits,
  // "<", "@") is not one to greet someone with.
  if (!/^[\p{L}\p{M}'’.\- ]+$/u.test(clean)) return undefined;
  const parts = clean.split(' ').filter((p) => !/^(?:dr|mr|mrs|ms|mx|miss|prof)\.?$/i.test(p));
  const first = parts[0];
  return first && /\p{L}/u.test(first) ? first : undefined;
}
