import { ENV_VARS } from './env-vars.js';
import type { Config } from './schema.js';

/** One row of the effective configuration, as `doctor` prints it. */
export interface ConfigRow {
  name: string;
  value: string;
  isDefault: boolean;
}

/**
 * Masks a secret so that it can be shown: that it is set, and its length (a key cut short in a
 * copy and paste shows), not one character of it. Even two characters help whoever guesses it,
 * and tell an attacker which of several keys a screenshot shows.
 */
export function maskSecret(value: string): string {
  return `**** (${value.length} chars)`;
}

/** Masks the password part of a URL such as `postgres://user:pass@host/db`. */
export function maskUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '****';
    return url.toString();
  } catch {
    return maskSecret(value);
  }
}

/**
 * The effective configuration as rows of variable name and value, secrets masked. Used by
 * `support-agent doctor`.
 */
export function describeConfig(config: Config): ConfigRow[] {
  return ENV_VARS.filter((spec) => spec.path.length > 0).map((spec) => {
    let node: unknown = config;
    for (const key of spec.path) node = (node as Record<string, unknown> | undefined)?.[key];
    const set = node !== undefined;
    const raw = set ? String(node) : '';
    // An empty value (a list with nothing in it, such as no CORS origins) is said, not blank.
    const text = !set ? '(not set)' : raw === '' ? '(none)' : raw;
    const mask = (secret: string) =>
      /^[a-z]+:\/\//i.test(secret) ? maskUrl(secret) : maskSecret(secret);
    // A list of secrets (the previous session keys) shows the length of each, not of them joined.
    const value =
      !set || !spec.secret
        ? text
        : Array.isArray(node)
          ? node.map(String).map(mask).join(', ')
          : mask(text);
    return {
      name: spec.name,
      value,
      isDefault: set && spec.default !== undefined && raw === spec.default,
    };
  });
}
