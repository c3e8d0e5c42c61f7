// The lock-file check CI runs before `npm ci` (scripts/check-lockfile.mjs): package-lock.json must be
// what `npm install` would write for package.json, root entry (`bin`, `engines`) included.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const check = (dir: string) => spawnSync(process.execPath, [join(root, 'scripts', 'check-lockfile.mjs'), dir], { encoding: 'utf8' });

test('package-lock.json is in sync with package.json', () => {
  const result = check(root);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
}, 120_000);

test('a lock file whose root entry lacks bin and the current engines fails the check, naming the entry', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ollama-rx-stale-lock-'));
  try {
    writeFileSync(join(dir, 'package.json'), readFileSync(join(root, 'package.json')));
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, Record<string, unknown>> };
    delete lock.packages['']!.bin;
    lock.packages['']!.engines = { node: '>=18' };
    writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
    const result = check(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('package-lock.json is out of sync with package.json: npm install would change packages[""]');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
