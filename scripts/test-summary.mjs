#!/usr/bin/env node
// Sums every package's vitest JSON report (packages/*/test-results.json) into the one line CI reads:
// `N passed, N failed, N skipped`. Exits 1 when a package has no report or a test failed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

const root = new URL('..', import.meta.url).pathname;
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const name of readdirSync(join(root, 'packages')).sort()) {
  const file = join(root, 'packages', name, 'test-results.json');
  if (!existsSync(join(root, 'packages', name, 'package.json'))) continue;
  if (!existsSync(file)) {
    missing.push(name);
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  // vitest's JSON report once listed 4 of a package's 8 test files while its own summary showed
  // all 8 passing: a report with fewer files than the package has is not trusted on its own.
  const files = testFiles(join(root, 'packages', name, 'test'));
  if (report.testResults.length < files.length) {
    const counted = summaryFromLog(join(root, 'packages', name, '.turbo', 'turbo-test.log'));
    const listed = new Set(report.testResults.map((suite) => suite.name));
    const absent = files.filter((f) => !listed.has(f)).map((f) => f.slice(f.indexOf('/test/') + 1));
    console.error(
      `packages/${name}: test-results.json lists ${report.testResults.length} of ${files.length} test files (missing ${absent.join(', ')}); ` +
        (counted
          ? "counted from vitest's own summary in .turbo/turbo-test.log"
          : 'no vitest summary to count from: the missing files count as failed'),
    );
    if (counted) {
      passed += counted.passed;
      failed += counted.failed;
      skipped += counted.skipped;
      continue;
    }
    failed += absent.length;
  }
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  // A suite that failed to load has no tests in it but still fails the run.
  failed += report.testResults.filter(
    (suite) => suite.status === 'failed' && suite.assertionResults.length === 0,
  ).length;
}
for (const name of missing) console.error(`packages/${name}: no test-results.json (did its tests run?)`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || missing.length > 0 || passed === 0 ? 1 : 0);

/** The package's test files (vitest's default include under test/), as absolute paths. */
function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(test|spec)\.[cm]?[jt]sx?$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The last `Tests  N passed | N failed | N skipped (T)` line of a vitest run's output, or null. */
function summaryFromLog(log) {
  if (!existsSync(log)) return null;
  const lines = stripVTControlCharacters(readFileSync(log, 'utf8')).split('\n');
  const line = lines.findLast((l) => /^\s*Tests\s+\d+/.test(l));
  if (!line) return null;
  const count = (word) => Number(line.match(new RegExp(`(\\d+) ${word}`))?.[1] ?? 0);
  return { passed: count('passed'), failed: count('failed'), skipped: count('skipped') + count('todo') };
}
