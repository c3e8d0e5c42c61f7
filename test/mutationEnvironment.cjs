// The test environment under StrykerJS. A mutant is killed by its first failing test, so once one of
// its tests failed the rest of its run is skipped: later tests do not run and later suites do not even
// set up (servers, browsers). Runs without a mutant (the first, which measures coverage) are untouched.
// Each suite has its own environment, so the failure is marked in a file, one per test process.
const { TestEnvironment } = require('jest-environment-node');
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

class FailFast extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.mark = join(config.projectConfig.rootDir, `.killed-mutant-${process.pid}`);
  }

  async handleTestEvent(event) {
    const mutant = process.env.__STRYKER_ACTIVE_MUTANT__;
    if (mutant === undefined) return;
    if (event.name === 'hook_failure' || (event.name === 'test_done' && event.test.errors.length)) {
      writeFileSync(this.mark, mutant);
    } else if (event.name === 'run_describe_start' || event.name === 'test_start') {
      if (this.killed(mutant)) (event.describeBlock ?? event.test).mode = 'skip';
    }
  }

  killed(mutant) {
    try {
      return readFileSync(this.mark, 'utf8') === mutant;
    } catch {
      return false;
    }
  }
}

module.exports = FailFast;
