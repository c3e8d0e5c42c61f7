// StrykerJS (`npm run test:mutation`, not part of `npm test`): mutates the code whose bugs the ordinary
// suite is most likely to miss (the wire protocol, the operators, the request with its timers, and
// redaction) and runs the tests of those layers against each mutant: only the suites that hold the
// tests reaching it, up to the first that fails. Later runs are incremental (see `incrementalFile`).
// The score report is reports/mutation/.

import { fileURLToPath } from 'node:url';

/**
 * The suites run against each mutant. `STRYKER_TESTS=test/core,test/http/timers.test.ts` narrows them for
 * a quick run: its score is a lower bound of the full one (a mutant these tests kill, all of them kill).
 */
const TESTS = process.env.STRYKER_TESTS?.split(',') ?? [
  'test/protocol',
  'test/operators',
  'test/http',
  'test/core',
  'test/integration/faults',
];

export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: {
    // Our own jest.config.cjs (ts-jest, the setup file, the sequencer), with only the suites of the
    // mutated layers: the rest (browser, package, CLI, docs) kills nothing here and costs minutes per run.
    projectType: 'custom',
    configFile: 'jest.config.cjs',
    // Jest's --findRelatedTests finds nothing in the sandbox (it does not follow the `.js` suffixes of
    // our imports); per-test coverage below picks each mutant's tests anyway.
    enableFindRelatedTests: false,
    config: {
      testMatch: TESTS.map((path) => (path.endsWith('.ts') ? `**/${path}` : `**/${path}/**/*.test.ts`)),
      // Runs only the suites that hold a mutant's tests, and stops at the first that fails. (Stryker reads
      // the environment's name before jest resolves `<rootDir>`, hence the path from here.)
      testSequencer: '<rootDir>/test/mutationSequencer.cjs',
      testEnvironment: fileURLToPath(new URL('test/mutationEnvironment.cjs', import.meta.url)),
    },
  },
  // Each mutant runs only the tests that reached it in the first, instrumented run.
  coverageAnalysis: 'perTest',
  // Survivors no test can kill: equivalent mutants, whose behaviour is the same (only work is saved or
  // spent), each with the reason it cannot differ.
  // - core/redact.ts `if (result.includes(secret))` → true: splitting on an absent secret changes nothing.
  // - core/errors.ts `if (!secrets.length) return this` → false: with no secret nothing is replaced and
  //   the unchanged error is returned anyway; `typeof value === 'string' && …includes…` → true: writing
  //   a cause's field back unchanged (a frozen one throws into the catch).
  // - http/timers.ts `ms !== undefined` → true in `limit` (`undefined > 0` is false too);
  //   `if (this.idle !== undefined)` → true in `chunk()` (a timestamp nobody reads without an idle limit);
  //   `gapsToo = false` → true: the done line's 100 ms grace then also ends at the idle or first-token
  //   deadline, so a finished answer completes a little sooner, with the same values.
  // - http/request.ts: `if (!subscriber.closed)` → true before `subscriber.error`, and before `complete()`
  //   in `completeAfterPendingReads` (RxJS ignores a closed subscriber's notifications); the two
  //   `if (this.subscriber.closed) return` → false in `read()` (every later step checks it again);
  //   `if (!this.sawLast)` → true before `parser.end` (values after the last are dropped in `onValue`);
  //   `delivered = false` → true (set before every read); `maxBytes !== undefined` → true (`n > undefined`
  //   is false); `!this.secrets.length` → false (redacting nothing decodes the same value again);
  //   `settleWithin(…, true)` → false for an error body: the same error, only later when a first-token
  //   or idle deadline is nearer than the error body's own limit.
  // - protocol/jsonLexicon.ts `open.key === '__proto__'` → true: defineProperty with every flag set is
  //   assignment, for any key of a plain object.
  // - protocol/partialJsonParser.ts `i < text.length` → true or `<=` in `readAtom` (`charCodeAt` past the
  //   end is NaN, not an atom character); a new container's `key: ''` (always set before it is read).
  // - protocol/ndjson.ts: the `secrets = []` default (no text holds Stryker's string); `catch {}` emptied
  //   (`values` is still undefined); a batch of exactly `maxLineBytes` → line by line (it cannot hold a
  //   longer line, and both paths give the same values); `start <= text.length` in `parseLines` (one more
  //   pass over an empty, so blank, line).
  // - protocol/lines.ts: the token-line fast path made stricter (`isOptionalString` → false, a `typeof`
  //   compared with '', `isPlainTokenLine(value) &&` → false) only sends a line to the io-ts codec, which
  //   decodes it the same; `result._tag === 'Left'` → true and its 'unexpected shape' fallback: a value
  //   the codec's `is` rejects, its `decode` rejects too.
  // - protocol/errorAnswer.ts: the `secrets ?? []` default; `if (!trimmed) return undefined` → false
  //   (an empty value is neither digits nor a date); `catch {}` emptied (the function returns undefined).
  // - protocol/images.ts `start <= bytes.length`: one more pass adds `String.fromCharCode()`, ''.
  // - operators/streamTimings.ts `counted > 1` → true or `>= 1`: with one token or none, `lastTokenAt >
  //   firstTokenAt` is false anyway.
  // - operators/typewriter.ts: `pace > 0` → `>= 0` in `burst` (4 / 0 is Infinity too) and `pace > 0` →
  //   true or `>= 0` before scheduling (an extra tick that finds nothing to type); the six mutants of the
  //   backlog's compaction (`head > queue.length / 2`), which only bounds memory.
  mutate: [
    'src/protocol/**/*.ts',
    'src/operators/**/*.ts',
    'src/http/request.ts',
    'src/http/timers.ts',
    'src/core/redact.ts',
    'src/core/errors.ts',
  ],
  // Kept under reports/, which is gitignored: the file records positions in today's source and tests, so
  // a committed copy would conflict on every merge of a branch that touches them, and would only save
  // the first run on a fresh clone. Locally it turns a rerun after a small change into a minute's work.
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  // Two cores, shared: one jest per core. The tests wait on loopback sockets and timers, and a loaded
  // machine stretches them, so a mutant counts as a timeout only well past the normal run's time.
  concurrency: 2,
  // A static mutant (a module-level constant: a limit, an error's wording, the redaction mark) is reached
  // by every test, so it costs a run of all the suites; the tests pin those values by name instead.
  ignoreStatic: true,
  timeoutFactor: 3,
  timeoutMS: 10000,
  // The sandbox copies the project: leave out what the tests never read.
  ignorePatterns: ['dist', 'coverage', 'docs/api', 'test-results', 'reports', 'bench', 'examples/angular'],
  thresholds: { high: 90, low: 80, break: null },
};
