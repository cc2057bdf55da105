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
  const problems = result.error.issues.slice(0, 3).map((issue) => describeIssue(issue, value));
  throw new AppError('invalid_input', `Invalid ${what}: ${problems.join('; ')}`);
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
  if (issue.code === 'too_big' || issue.code === 'too_small') {
    const bound = issue.code === 'too_big' ? issue.maximum : issue.minimum;
    const most = issue.code === 'too_big' ? 'at most' : 'at least';
    const unit =
      issue.origin === 'string'
        ? ' characters'
        : issue.origin === 'array' || issue.origin === 'set'
          ? ' items'
          : '';
    if (issue.code === 'too_small' && issue.origin === 'string' && Number(bound) === 1) {
      return `${where}must not be empty`;
    }
    const singular = Number(bound) === 1 ? unit.replace(/s$/, '') : unit;
    return `${where}must be ${most} ${String(bound)}${singular}`;
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
