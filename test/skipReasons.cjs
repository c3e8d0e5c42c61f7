// Jest reporter: after the run, one line per skipped suite (or test) with the reason its title gives
// (test/skips.ts puts it there), so that `npm test` says what did not run and how to run it. Jest's
// own summary says only "N skipped", and it drops what an all-skipped suite prints.
const { relative } = require('node:path');

/** The lines to print for a run's results: `file: N skipped — title [SKIPPED: reason]`. */
function skipLines(results, rootDir) {
  const lines = [];
  for (const suite of results.testResults) {
    const counts = new Map();
    for (const test of suite.testResults) {
      if (test.status !== 'pending' && test.status !== 'skipped' && test.status !== 'todo') continue;
      // A skipped suite is named by its outermost describe; a test skipped alone by its full name.
      const name = test.ancestorTitles[0] ?? test.title;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    for (const [name, count] of counts) {
      const reason = /\[SKIPPED: .*\]$/.test(name) ? '' : ' [no reason given: use describeUnless from test/skips.ts]';
      lines.push(`${relative(rootDir, suite.testFilePath)}: ${count} skipped — ${name}${reason}`);
    }
  }
  return lines;
}

class SkipReasons {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const lines = skipLines(results, this.rootDir);
    if (lines.length) process.stderr.write(`\nSkipped, and why:\n${lines.map((line) => `  ${line}\n`).join('')}\n`);
  }
}

module.exports = SkipReasons;
module.exports.skipLines = skipLines;
