// A page script as a bundler with the `browser` export condition builds it: ollama-rx from the sources
// with the browser platform module (scripts/browser-source.cjs), ES module output.
import { type Plugin, build } from 'esbuild';

const { browserSource } = require('../../scripts/browser-source.cjs') as { browserSource: Plugin };

export async function bundleForBrowser(entry: string): Promise<string> {
  const bundle = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['browser'],
    target: 'es2022',
    plugins: [browserSource],
    logLevel: 'silent',
  });
  return bundle.outputFiles[0]!.text;
}
