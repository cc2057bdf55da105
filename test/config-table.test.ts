/**
 * The README's configuration table tells the form a secret must have: a secret has no default
 * to show it, and a value of the wrong form stops the server.
 */
import { describe, expect, it } from 'vitest';
import { configTable } from '../scripts/config-table.js';
import { ENV_VARS } from '../src/config/index.js';

describe('configuration table', () => {
  const row = (name: string) =>
    configTable()
      .split('\n')
      .find((line) => line.startsWith(`| \`${name}\` |`)) ?? '';

  it('gives the least length of every setting that has one', () => {
    const bounded = ENV_VARS.filter((v) => /at least \d+ characters/.test(v.expected));
    expect(bounded.map((v) => v.name)).toContain('METRICS_TOKEN');
    for (const v of bounded) {
      const least = /at least (\d+) characters/.exec(v.expected)?.[1];
      expect(row(v.name), v.name).toMatch(new RegExp(`at least ${least} characters`, 'i'));
    }
  });

  it('gives the form of SESSION_ENCRYPTION_KEY', () => {
    expect(row('SESSION_ENCRYPTION_KEY')).toContain('64 hexadecimal characters or base64');
  });
});
