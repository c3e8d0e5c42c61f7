const { availableParallelism } = require('node:os');

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
  // Half again as many workers as cores (jest's default is one fewer than cores, which is one on two):
  // the long suites wait on sockets, timers, child processes and a browser more than they compute.
  // A number, because jest reads a percentage over 100% as that many workers.
  maxWorkers: Math.ceil(availableParallelism() * 1.5),
  testSequencer: '<rootDir>/test/sequencer.cjs',
};
