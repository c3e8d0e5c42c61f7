#!/usr/bin/env node
/**
 * `node scripts/lint-package.mjs <tarball>`: the package linters on a packed tarball (`npm pack`),
 * as test/package/pack.test.ts runs them on the one it packs.
 *   publint                 package.json against the files shipped: exports, types, module formats
 *   @arethetypeswrong/cli   every entry's types as TypeScript resolves them: node10 (typesVersions),
 *                           node16 from CommonJS and from ESM, bundlers (the strict profile)
 * Prints what each reports and exits 1 if either reports anything, a suggestion included.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const tarball = process.argv[2];
if (!tarball) {
  console.error('Usage: node scripts/lint-package.mjs <tarball>');
  process.exit(2);
}

const { messages, pkg } = await publint({
  pack: { tarball: new Uint8Array(await readFile(tarball)).buffer },
  level: 'suggestion',
  strict: true,
});
for (const message of messages) console.log(`publint ${message.type}: ${formatMessage(message, pkg, { color: false })}`);
if (messages.length === 0) console.log('publint: nothing to report');

// attw has no API of its own (the analysis is @arethetypeswrong/core's): its command, as a user runs it.
// Plain text, not --format json: on a problem attw exits before a long JSON has left the pipe.
const attwPackage = fileURLToPath(import.meta.resolve('@arethetypeswrong/cli/package.json'));
const attw = join(dirname(attwPackage), JSON.parse(await readFile(attwPackage, 'utf8')).bin.attw);
const args = [tarball, '--profile', 'strict', '--format', 'ascii', '--no-color', '--no-emoji'];
const attwFailed = await promisify(execFile)(process.execPath, [attw, ...args], { maxBuffer: 64 * 1024 * 1024 }).then(
  ({ stdout }) => (console.log(`attw:${stdout.trimEnd()}`), false),
  (error) => (console.log(`attw:${error.stdout ?? ''}${error.stderr ?? ''}`.trimEnd()), true),
);

process.exitCode = messages.length > 0 || attwFailed ? 1 : 0;
