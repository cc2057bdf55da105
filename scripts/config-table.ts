// Prints the README's configuration table from the table of environment variables in
// src/config/env-vars.ts; test/readme.test.ts fails when the README and the code disagree.
import { ENV_VARS } from '../src/config/index.js';

/** The README's configuration table, as Markdown. */
export function configTable(): string {
  const rows = ENV_VARS.map(
    (v) =>
      `| \`${v.name}\` | ${v.default === undefined ? '—' : `\`${v.default}\``} | ${v.description} |`,
  );
  return ['| Variable | Default | What it does |', '|---|---|---|', ...rows].join('\n');
}

if (process.argv[1]?.endsWith('config-table.ts')) console.log(configTable());
