import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

// 15 kB until the client that fromOllama carries gained push$, create$, load/unload, webSearch/webFetch
// and the fetch/dispatcher options (issue 11): 16.1 kB measured then. File uploads stay out of the browser build.
const BUDGET_BYTES = 17 * 1024;

it(`keeps fromOllama + collectText for browsers under ${BUDGET_BYTES / 1024} kB min+gzip, without rxjs and undici`, () => {
  const script = join(__dirname, '..', '..', 'scripts', 'bundle-size.mjs');
  const size = JSON.parse(execFileSync(process.execPath, [script, '--json'], { encoding: 'utf8' })) as {
    gzippedBytes: number;
    packages: string[];
  };
  expect(size.packages).toEqual(['fp-ts', 'io-ts', 'ollama-rx']);
  expect(size.gzippedBytes).toBeLessThan(BUDGET_BYTES);
});
