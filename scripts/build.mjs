#!/usr/bin/env node
/**
 * `npm run build`: the published trees under dist/.
 *   dist/esm, dist/cjs          Node: ESM and CommonJS, with .d.ts (two tsc runs over src/)
 *   dist/browser/{esm,cjs}      the same code with the fetch transport in place of undici, for the
 *                               `browser` export condition (testing/ but its browser entry left out, no undici)
 * Each tree gets a package.json naming its module type, so Node reads dist/cjs as CommonJS although
 * the project is `"type": "module"`. No source maps: they would point at src/, which the package
 * does not ship.
 */
import { spawn } from 'node:child_process';
import { copyFile, cp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

// testing/'s browser entry (browser.js: scripted models, replays) is browser-safe; its server, recorder
// and HAR files are not. The angular entry needs the scripted models.
const NODE_ONLY =
  /^\/(testing\/(index\.js|server\/|har\/(file|headers|recorder|serverReplay)\.js)|cli(\/|$)|http\/undici\.js|uploads\/(files|blobs)\.js)/;

const trees = [
  { project: 'tsconfig.build.json', out: 'esm', type: 'module' },
  { project: 'tsconfig.build.cjs.json', out: 'cjs', type: 'commonjs' },
];

await rm(dist, { recursive: true, force: true });
await Promise.all(trees.map(({ project }) => run(process.execPath, [tsc, '-p', join(root, project)])));
for (const { out, type } of trees) {
  await writeModuleType(join(dist, out), type);
  await browserTree(join(dist, out), join(dist, 'browser', out), type);
}

/** A copy of a Node tree whose uploads/platform.js is the compiled platform.browser.js. */
async function browserTree(from, to, type) {
  await cp(from, to, {
    recursive: true,
    // Node-only modules stay out: testing/'s server and recorder, cli/, undici and the file uploads.
    filter: (path) => !path.endsWith('.d.ts') && !NODE_ONLY.test(path.slice(from.length).replaceAll('\\', '/')),
  });
  // The browser module imports nothing Node-only, so it works under platform.js's name.
  await copyFile(join(to, 'uploads', 'platform.browser.js'), join(to, 'uploads', 'platform.js'));
  await writeModuleType(to, type);
}

function writeModuleType(dir, type) {
  return writeFile(join(dir, 'package.json'), JSON.stringify({ type }) + '\n');
}

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited with ${code}`))));
  });
}
