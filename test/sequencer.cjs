// Jest's order (failed first, then slowest first by the durations it recorded on the last run), with
// a guess for suites it has no duration of: a fresh clone or a CI machine would otherwise start them
// by file size, and a long suite started last keeps one worker busy after the others have finished.
// The long ones are named by file name, not path, so that moving a file keeps its place.
const Sequencer = require('@jest/test-sequencer').default;
const { basename } = require('node:path');

/** Suites of many seconds (builds, child processes, a browser, hundreds of loopback servers), longest first. */
const LONG = [
  'pack.test.ts',
  'snippets.test.ts',
  'webChat.test.ts',
  'noHang.property.test.ts',
  'soak.test.ts',
  'cli.test.ts',
  'run.test.ts',
  'docs.test.ts',
  'upload.test.ts',
  'chromium.test.ts',
];

class LongFirst extends Sequencer {
  /** The recorded duration; without one, a long suite counts as 10 s or more (by its place above), any other as 0.1 s per 10 kB. */
  time(test) {
    const recorded = super.time(test);
    if (recorded !== undefined) return recorded;
    const long = LONG.indexOf(basename(test.path));
    return long >= 0 ? 10_000 + (LONG.length - long) * 1_000 : (test.context.hasteFS.getSize(test.path) ?? 0) / 100;
  }
}

module.exports = LongFirst;
