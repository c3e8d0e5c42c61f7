#!/usr/bin/env node
/**
 * `node scripts/check-lockfile.mjs [dir]`: fails when `npm install` would rewrite dir's
 * package-lock.json, i.e. when the lock file is out of sync with package.json (a dependency, `bin`,
 * `engines`, the version…). It runs npm's own lock-file update on copies of the two files in a
 * temporary directory — nothing is installed, no script runs, and npm's cache answers when it can —
 * and compares the result with the lock file byte for byte. CI (.ci/run) runs it before `npm ci`.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const scratch = mkdtempSync(join(tmpdir(), 'ollama-rx-lockfile-'));
try {
  for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(dir, file), join(scratch, file));
  const update = spawnSync(
    npm,
    ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'],
    { cwd: scratch, encoding: 'utf8' },
  );
  if (update.status !== 0) {
    console.error(`package-lock.json could not be checked: npm install --package-lock-only failed\n${update.stderr}`);
    process.exit(1);
  }
  const committed = readFileSync(join(dir, 'package-lock.json'), 'utf8');
  const updated = readFileSync(join(scratch, 'package-lock.json'), 'utf8');
  if (committed !== updated) {
    console.error(
      `package-lock.json is out of sync with package.json: npm install would change ${changedEntries(committed, updated).join(', ')}.\n` +
        'Run `npm install` and commit package-lock.json.',
    );
    process.exit(1);
  }
  console.log('package-lock.json is in sync with package.json');
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

/** Which entries of the lock file differ: `packages[""]` is the project itself. */
function changedEntries(before, after) {
  const [a, b] = [JSON.parse(before), JSON.parse(after)];
  const changed = [];
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (key === 'packages') continue;
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) changed.push(key);
  }
  const packages = new Set([...Object.keys(a.packages ?? {}), ...Object.keys(b.packages ?? {})]);
  for (const name of packages) {
    if (JSON.stringify(a.packages?.[name]) !== JSON.stringify(b.packages?.[name])) changed.push(`packages[${JSON.stringify(name)}]`);
  }
  if (!changed.length) changed.push('its formatting');
  return changed.length > 8 ? [...changed.slice(0, 8), `${changed.length - 8} more`] : changed;
}
