/**
 * Names every test that failed and then passed on a retry (CI retries a failed test once: vitest.config.ts), so a
 * flaky test is reported, never silently absorbed: one `flaky: <file> > <test> (failed N time(s), then passed)` line
 * each, then a count. .ci/run copies these lines into its summary.
 */
import type { Reporter, TestCase } from 'vitest/node';

export default class FlakyReporter implements Reporter {
  private readonly flaky: string[] = [];

  onTestCaseResult(testCase: TestCase): void {
    const diagnostic = testCase.diagnostic();
    if (diagnostic?.flaky) {
      this.flaky.push(`flaky: ${testCase.module.relativeModuleId} > ${testCase.fullName} (failed ${diagnostic.retryCount} time(s), then passed)`);
    }
  }

  onTestRunEnd(): void {
    if (this.flaky.length === 0) return;
    process.stdout.write(`\n${this.flaky.join('\n')}\nflaky tests: ${this.flaky.length} (passed only on a retry)\n`);
  }
}
