import type { z } from 'zod';
import { AppError } from '../errors/index.js';

/**
 * Parses `value` with `schema`, or throws `invalid_input` with a message a person can act on:
 * where the problem is and what was expected, e.g. "text: expected a string" or
 * "unknown field \"colour\"".
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 3).map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}`;
    }
    const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    if (issue.code === 'invalid_type' && issue.input === undefined) return `${where}is required`;
    return `${where}${issue.message}`;
  });
  throw new AppError('invalid_input', `Invalid ${what}: ${problems.join('; ')}`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks that a path parameter is an id (a UUID), or throws `invalid_input`. */
export function requireId(value: string, what: string): string {
  if (!UUID.test(value)) {
    throw new AppError('invalid_input', `"${value.slice(0, 80)}" is not a ${what} id`);
  }
  return value.toLowerCase();
}
