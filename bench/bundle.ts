/** Bundle size, measured by the project's own script (`scripts/bundle-size.mjs`). */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Row } from './table.js';

export async function measureBundle(): Promise<Row[]> {
  const script = fileURLToPath(new URL('../scripts/bundle-size.mjs', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, [script, '--json']);
  const size = JSON.parse(stdout) as { gzippedBytes: number; minifiedBytes: number; packages: string[] };
  const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
  return [
    {
      figure: 'bundle: fromOllama + collectText for browsers, rxjs excluded',
      measured: `${kB(size.gzippedBytes)} min+gzip`,
      compare: `${kB(size.minifiedBytes)} minified; ${size.packages.join(', ')}`,
      target: '≤ 17 kB',
      pass: size.gzippedBytes <= 17 * 1024,
    },
  ];
}
