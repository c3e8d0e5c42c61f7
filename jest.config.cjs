/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      {
        tsconfig: { module: 'commonjs', moduleResolution: 'node', isolatedModules: true, verbatimModuleSyntax: false },
        diagnostics: false,
      },
    ],
  },
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  // The default output, then every skipped suite with its reason and how to run it.
  reporters: ['default', '<rootDir>/test/skipReasons.cjs'],
  testTimeout: 20000,
  // As many workers as cores (jest's default leaves one for itself): most suites wait on sockets and
  // child processes more than they compute.
  maxWorkers: '100%',
  testSequencer: '<rootDir>/test/sequencer.cjs',
};
