import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const BUDGET_BYTES = 15 * 1024;

it(`keeps fromOllama + collectText for browsers under ${BUDGET_BYTES / 1024} kB min+gzip, without rxjs and undici`, () => {
  const script = join(__dirname, '..', '..', 'scripts', 'bundle-size.mjs');
  const size = JSON.parse(execFileSync(process.execPath, [script, '--json'], { encoding: 'utf8' })) as {
    gzippedBytes: number;
    packages: string[];
  };
  expect(size.packages).toEqual(['fp-ts', 'io-ts', 'ollama-rx']);
  expect(size.gzippedBytes).toBeLessThan(BUDGET_BYTES);
});
