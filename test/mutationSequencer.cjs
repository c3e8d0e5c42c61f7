// The test sequencer under StrykerJS. Each mutant's run names the tests that reached the mutant (as
// jest's `testNamePattern`), but jest would still load every suite to look for them, which costs more
// than running them. The full first run records which suite holds which test; later runs keep only
// the suites holding a named test. The record is a file, since Stryker runs tests in several processes
// and only one of them makes the first run.
const LongFirst = require('./sequencer.cjs');
const { writeFileSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

class NamedSuitesOnly extends LongFirst {
  constructor(options) {
    super(options);
    this.pattern = options.globalConfig.testNamePattern;
    this.record = join(options.globalConfig.rootDir, '.suite-tests.json');
  }

  sort(tests) {
    if (!this.pattern) return super.sort(tests);
    const suites = JSON.parse(readFileSync(this.record, 'utf8'));
    const named = new RegExp(this.pattern, 'i');
    // A suite missing from the record is kept: it may hold a named test.
    return super.sort(tests.filter((test) => suites[test.path]?.some((name) => named.test(name)) ?? true));
  }

  cacheResults(tests, results) {
    super.cacheResults(tests, results);
    if (this.pattern) return;
    const suites = results.testResults.map((suite) => [suite.testFilePath, suite.testResults.map((test) => test.fullName)]);
    writeFileSync(this.record, JSON.stringify(Object.fromEntries(suites)));
  }
}

module.exports = NamedSuitesOnly;
