/**
 * Prints one block per failed test from a vitest JSON report: the run's label, the file, the
 * test's full name, its duration and the first lines of its first failure message. scripts/test.sh
 * gathers these next to the closing summary, since CI keeps only the end of a long output.
 *
 *   tsx scripts/list-failed-tests.ts <label> <report.json>
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

interface TestResult {
  fullName: string;
  status: string;
  duration?: number | null;
  failureMessages?: string[];
}

interface FileResult {
  name: string;
  status: string;
  message?: string;
  assertionResults?: TestResult[];
}

const messageLines = 8;
const [label, reportPath] = process.argv.slice(2);
if (!label || !reportPath) {
  console.error('usage: tsx scripts/list-failed-tests.ts <label> <report.json>');
  process.exit(2);
}
const report = JSON.parse(readFileSync(reportPath, 'utf8')) as { testResults?: FileResult[] };

for (const file of report.testResults ?? []) {
  const where = relative(process.cwd(), file.name);
  const failedTests = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
  if (failedTests.length === 0 && file.status === 'failed') {
    // A file that failed outside any test (a crashed hook or import) lists no failed test.
    console.log(`[${label}] ${where}\n${indent(firstLines(file.message))}`);
  }
  for (const test of failedTests) {
    const took = typeof test.duration === 'number' ? ` (${Math.round(test.duration)} ms)` : '';
    console.log(`[${label}] ${where} > ${test.fullName}${took}`);
    console.log(indent(firstLines(test.failureMessages?.[0])));
  }
}

function firstLines(text: string | undefined): string {
  return stripVTControlCharacters(text ?? 'no message').split('\n').slice(0, messageLines).join('\n');
}

function indent(text: string): string {
  return text.split('\n').map((line) => `    ${line}`).join('\n');
}
