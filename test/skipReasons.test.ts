// Every skip says why, in npm test's own output: suites skip through describeUnless (test/skips.ts),
// whose title carries the reason, and the reporter test/skipReasons.cjs prints those titles.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const { skipLines } = require('./skipReasons.cjs') as {
  skipLines(results: unknown, rootDir: string): string[];
};

const root = join(__dirname, '..');
const result = (title: string, ancestorTitles: string[], status: string) => ({ title, ancestorTitles, status });

test('the reporter names each skipped suite with its reason, and flags a skip that gives none', () => {
  const results = {
    testResults: [
      {
        testFilePath: join(root, 'test', 'integration', 'nginx', 'proxy.test.ts'),
        testResults: [
          result('streams', ['through nginx [SKIPPED: needs nginx at /usr/sbin/nginx (apt-get install nginx)]'], 'pending'),
          result('aborts', ['through nginx [SKIPPED: needs nginx at /usr/sbin/nginx (apt-get install nginx)]'], 'pending'),
        ],
      },
      { testFilePath: join(root, 'test', 'a.test.ts'), testResults: [result('runs', ['a'], 'passed'), result('later', [], 'skipped')] },
    ],
  };
  expect(skipLines(results, root)).toEqual([
    'test/integration/nginx/proxy.test.ts: 2 skipped — through nginx [SKIPPED: needs nginx at /usr/sbin/nginx (apt-get install nginx)]',
    'test/a.test.ts: 1 skipped — later [no reason given: use describeUnless from test/skips.ts]',
  ]);
});

test('no test skips without a reason: .skip is used only by describeUnless', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
    );
  const skipping = files(join(root, 'test'))
    .filter((file) => !file.endsWith('skips.ts') && !file.endsWith('skipReasons.test.ts'))
    .filter((file) => /\b(describe|it|test)(\.concurrent)?\.(skip|todo)\b|\bx(describe|it|test)\(/.test(readFileSync(file, 'utf8')))
    .map((file) => relative(root, file));
  expect(skipping).toEqual([]);
});
