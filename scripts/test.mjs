#!/usr/bin/env node
// The test command: type-check, lint, format check, then every test, ending with one plain line
// "N passed, N failed" (", N skipped" when some were skipped). Each static check counts as one
// item; each test counts as one.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const REPORT = '.vitest-report.json';
let passed = 0;
let failed = 0;
let skipped = 0;

function step(name, command, args) {
  console.log(`\n▶ ${name}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: process.env });
  const ok = result.status === 0;
  console.log(ok ? `✔ ${name}` : `✘ ${name} (exit ${result.status ?? result.signal})`);
  return ok;
}

for (const [name, command, args] of [
  ['typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
  ['lint', 'npx', ['eslint', '.']],
  ['format', 'npx', ['prettier', '--check', '.']],
]) {
  if (step(name, command, args)) passed++;
  else failed++;
}

rmSync(REPORT, { force: true });
const extra = process.argv.slice(2);
step('tests', 'npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile=${REPORT}`,
  ...extra,
]);
try {
  const report = JSON.parse(readFileSync(REPORT, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  // A test file that fails to load has no tests to count but is a failure all the same.
  for (const suite of report.testResults) {
    if (suite.status === 'failed' && suite.assertionResults.length === 0) failed++;
  }
} catch {
  console.error('The test run left no report: counting it as one failure.');
  failed++;
}

console.log(`\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
