import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configTable } from '../scripts/config-table.js';

describe('README', () => {
  const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');

  it('has the configuration table of the code (regenerate: node --import tsx scripts/config-table.ts)', () => {
    // Prettier pads the cells; compare rows with the padding taken out.
    const rows = (text: string) =>
      text
        .split('\n')
        .filter((line) => line.startsWith('|'))
        .map((line) => line.replace(/\s*\|\s*/g, '|').replace(/\|-+(?=\|)/g, '|-'));
    const documented = rows(readme);
    for (const row of rows(configTable())) expect(documented).toContain(row);
  });

  it('gives the two commands: install-and-run and install-and-test', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });
});
