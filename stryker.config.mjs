// StrykerJS (`npm run test:mutation`, not part of `npm test`): mutates the code whose bugs the ordinary
// suite is most likely to miss (the wire protocol, the operators, the request with its timers, and
// redaction) and runs the tests of those layers against each mutant. A full run takes hours on two
// loaded cores; later runs are incremental (see `incrementalFile`). The score report is reports/mutation/.

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
  // Survivors no test can kill (equivalent mutants: the behaviour is the same, only work is saved):
  // - core/redact.ts `if (result.includes(secret))` → true: splitting on an absent secret changes nothing.
  // - core/errors.ts `if (!secrets.length) return this` → false: with no secret nothing is replaced and
  //   the unchanged error is returned anyway; `typeof value === 'string' && …includes…` → true: writing
  //   a cause's field back unchanged (a frozen one throws into the catch).
  // - http/timers.ts `ms !== undefined` → true in `limit` (`undefined > 0` is false too), and
  //   `if (this.idle !== undefined)` → true in `chunk()` (a timestamp nobody reads without an idle limit).
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
