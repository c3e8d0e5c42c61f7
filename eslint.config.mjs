// ESLint (flat config): the recommended sets of ESLint and typescript-eslint everywhere, and the
// type-aware set on src/ only, checked against the build's program (src/ alone), which keeps it
// affordable: the same rules over test/ would type-check the whole project a second time.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'docs/api/', 'test-results/', 'reports/', '.stryker-tmp/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Dropping fields by destructuring the rest (`const { context, ...chunk } = line`) is how the
      // code omits them; `_` names a value that must be bound but is not used.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { ignoreRestSiblings: true, argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      // Terminal output is matched with its ANSI escapes on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    extends: [tseslint.configs.recommendedTypeCheckedOnly],
    languageOptions: { parserOptions: { project: './tsconfig.build.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      // `async` is how a method keeps a Promise-returning contract and turns a throw into a rejection.
      '@typescript-eslint/require-await': 'off',
      // An abort is rejected with the signal's reason as the caller gave it, as fetch does.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
    },
  },
  {
    // CommonJS files, and tests that load a module after jest.mock or a freshly built bundle.
    files: ['**/*.cjs', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
  {
    files: ['examples/web/**', 'examples/angular/**', 'test/browser/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
