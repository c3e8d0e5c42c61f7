import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// `npm run docs` without writing: typedoc.json treats warnings as errors, so this fails when a public
// signature mentions a type the entry points do not export, or a doc comment links to nothing.
// Type errors are not typedoc's to find here: `npm test` type-checks src/ before jest, and the build
// in pack.test.ts again with typedoc's tsconfig.build.json.
it('the API reference builds from the doc comments without warnings', () => {
  const root = join(__dirname, '..', '..');
  const typedoc = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--emit', 'none', '--skipErrorChecking'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  expect(typedoc.stdout + typedoc.stderr).not.toMatch(/\[(warning|error)\]/);
  expect(typedoc.status).toBe(0);
}, 60_000);
