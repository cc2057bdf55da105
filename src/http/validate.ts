import type { z } from 'zod';
import { AppError } from '../errors/index.js';

/**
 * Parses `value` with `schema`, or throws `invalid_input` with a message a person can act on:
 * where the problem is and what was expected, e.g. "text: expected a string, got a number",
 * "limit: must be at most 200" or "unknown field \"colour\"".
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = tightest(result.error.issues)
    .slice(0, 3)
    .map((issue) => describeIssue(issue, value));
  throw new AppError('invalid_input', `Invalid ${what}: ${problems.join('; ')}`);
}

type BoundIssue = z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall;

/**
 * The issues with one bound per place and side: a value over two maxima (a whole number over
 * both the safe-integer range and the schema's `max(200)`, say) is told the tighter only, once.
 */
function tightest(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const kept: z.core.$ZodIssue[] = [];
  const at = new Map<string, number>();
  for (const issue of issues) {
    if (issue.code !== 'too_big' && issue.code !== 'too_small') {
      kept.push(issue);
      continue;
    }
    const side = `${issue.code} ${unitOf(issue.origin)} ${JSON.stringify(issue.path.map(String))}`;
    const index = at.get(side);
    if (index === undefined) {
      at.set(side, kept.length);
      kept.push(issue);
    } else if (tighter(issue, kept[index] as BoundIssue)) {
      kept[index] = issue;
    }
  }
  return kept;
}

/** Whether bound `a` allows less than bound `b` (both maxima, or both minima). */
function tighter(a: BoundIssue, b: BoundIssue): boolean {
  const [x, y] =
    a.code === 'too_big' && b.code === 'too_big'
      ? [Number(a.maximum), Number(b.maximum)]
      : a.code === 'too_small' && b.code === 'too_small'
        ? [-Number(a.minimum), -Number(b.minimum)]
        : [0, 0];
  return x < y || (x === y && a.inclusive === false && b.inclusive !== false);
}

/** What a bound counts: characters of a text, items of a list, or a number's size. */
function unitOf(origin: string): string {
  if (origin === 'string') return ' characters';
  if (origin === 'array' || origin === 'set') return ' items';
  if (origin === 'file') return ' bytes';
  return '';
}

function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}`;
  }
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  // `?limit=` is read as 0, and "must be at least 1" would puzzle whoever sent no number at all.
  if (issue.code === 'too_small' && issue.origin === 'number') {
    const given = at(value, issue.path);
    if (!given.missing && typeof given.value === 'string' && given.value.trim() === '') {
      return `${where}is empty: give a number, or leave it out`;
    }
  }
  // A schema's own message is kept; zod's defaults ("Too big: expected number to be <=200",
  // "Invalid input: expected string, received undefined") are said more plainly.
  if (!/^(?:Too big|Too small|Invalid input)\b/.test(issue.message))
    return `${where}${issue.message}`;
  if (issue.code === 'invalid_type') {
    // Zod does not say what it got (it leaves the input out of its issues): it is read here.
    const given = at(value, issue.path);
    if (given.missing)
      return issue.path.length > 0 ? `${where}is required` : 'a JSON body is required';
    return `${where}expected ${article(issue.expected)}, got ${kindOf(given.value)}`;
  }
  if (issue.code === 'invalid_value') {
    // Zod's default names the values in its own notation ("Invalid input: expected \"true\"").
    const listed = issue.values.map((v) => JSON.stringify(v));
    const choices =
      listed.length === 1
        ? listed[0]
        : `one of ${listed.slice(0, -1).join(', ')} or ${listed.at(-1)}`;
    const given = at(value, issue.path);
    if (given.missing) return `${where}is required`;
    return `${where}must be ${String(choices)}, not ${kindOf(given.value)}`;
  }
  if (issue.code === 'too_big' || issue.code === 'too_small') {
    const big = issue.code === 'too_big';
    const bound = Number(big ? issue.maximum : issue.minimum);
    const unit = unitOf(issue.origin);
    // Only the safe-integer range of a whole number bounds it: a number that large is no count.
    if (unit === '' && Math.abs(bound) === Number.MAX_SAFE_INTEGER) {
      return `${where}is too ${big ? 'large' : 'small'} a number`;
    }
    if (!big && issue.origin === 'string' && bound === 1 && issue.inclusive !== false) {
      return `${where}must not be empty`;
    }
    const words =
      issue.inclusive === false ? (big ? 'less than' : 'more than') : big ? 'at most' : 'at least';
    const singular = bound === 1 ? unit.replace(/s$/, '') : unit;
    return `${where}must be ${words} ${String(bound)}${singular}`;
  }
  return `${where}${issue.message}`;
}

/** The value at `path` inside `value`, or that there is none. */
function at(value: unknown, path: readonly PropertyKey[]): { missing: boolean; value?: unknown } {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) {
      return { missing: true };
    }
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current === undefined ? { missing: true } : { missing: false, value: current };
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') {
    return value.length > 40 ? 'a text' : JSON.stringify(value);
  }
  if (typeof value === 'number') return Number.isNaN(value) ? 'not a number' : 'a number';
  if (typeof value === 'object') return 'an object';
  return article(typeof value);
}

function article(kind: string): string {
  if (kind === 'array') return 'a list';
  if (kind === 'int') return 'a whole number';
  return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks that a path parameter is an id (a UUID), or throws `invalid_input`. */
export function requireId(value: string, what: string): string {
  if (!UUID.test(value)) {
    throw new AppError('invalid_input', `"${value.slice(0, 80)}" is not a ${what} id`);
  }
  return value.toLowerCase();
}
