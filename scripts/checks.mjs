#!/usr/bin/env node
/**
 * The static checks of `npm test`, side by side: the type checks, the import graph, the format check,
 * ESLint and knip each wait mostly on one core, and two cores finish them in about half the time they
 * take one after another. Each check's output is shown when it fails; the exit code is 1 if any did.
 */
import { spawn } from 'node:child_process';

const CHECKS = {
  typecheck: 'npm run -s typecheck',
  'typecheck:angular': 'npm run -s typecheck:angular',
  'lint:imports': 'npm run -s lint:imports',
  'lint:format': 'npm run -s lint:format',
  'lint:eslint': 'npm run -s lint:eslint',
  knip: 'npm run -s knip',
};

const run = (name, command) =>
  new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, { shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (data) => (output += data));
    child.stderr.on('data', (data) => (output += data));
    child.on('close', (code) => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(`${code === 0 ? 'ok  ' : 'FAIL'} ${name} (${seconds} s)`);
      if (code !== 0) console.log(output.trimEnd());
      resolve(code === 0);
    });
  });

const results = await Promise.all(Object.entries(CHECKS).map(([name, command]) => run(name, command)));
process.exitCode = results.every(Boolean) ? 0 : 1;
