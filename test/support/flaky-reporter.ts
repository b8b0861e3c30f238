import { appendFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Reporter, TestCase } from 'vitest/node';

/**
 * Records every test that failed and then passed when vitest retried it, one line each, in the
 * file named by REPOSYNC_FLAKY_REPORT (scripts/test.sh prints them beside the summary). A retry
 * keeps one unlucky scheduling on a loaded machine from failing the run; this keeps it visible.
 */
export default class FlakyReporter implements Reporter {
  onTestCaseResult(testCase: TestCase): void {
    const file = process.env.REPOSYNC_FLAKY_REPORT;
    const diagnostic = testCase.diagnostic();
    if (!file || !diagnostic?.flaky) return;
    const where = relative(process.cwd(), testCase.module.moduleId);
    // The failed attempts' errors stay on the result: the first says what went wrong.
    const firstError = testCase.result().errors?.[0]?.message.split('\n')[0] ?? 'no error recorded';
    appendFileSync(file, `${where} > ${testCase.fullName} (passed on attempt ${diagnostic.retryCount + 1}, ${Math.round(diagnostic.duration)} ms)\n    first failure: ${firstError}\n`);
  }
}
