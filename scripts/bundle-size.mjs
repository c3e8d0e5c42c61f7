#!/usr/bin/env node
/**
 * `node scripts/bundle-size.mjs [--json]`: what ollama-rx adds to a browser app that streams an
 * answer and collects its text — `fromOllama` + `collectText`, bundled from the sources for the
 * `browser` condition, minified and gzipped, rxjs left out (the app has it anyway).
 */
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const { browserSource } = createRequire(import.meta.url)('./browser-source.cjs');

/** Minified and gzipped bytes of a browser bundle of `code`, and the packages it pulled in. */
export async function bundleSize(code = "export { fromOllama, collectText } from 'ollama-rx';") {
  const { outputFiles, metafile } = await build({
    stdin: { contents: code, resolveDir: fileURLToPath(new URL('..', import.meta.url)), loader: 'ts' },
    bundle: true,
    write: false,
    metafile: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: ['rxjs'],
    plugins: [browserSource],
    logLevel: 'silent',
  });
  const bytes = outputFiles[0].contents;
  const packages = new Set(Object.keys(metafile.inputs).map((path) => /node_modules\/((@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? 'ollama-rx'));
  return { minifiedBytes: bytes.length, gzippedBytes: gzipSync(bytes, { level: 9 }).length, packages: [...packages].sort() };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const size = await bundleSize();
  if (process.argv.includes('--json')) console.log(JSON.stringify(size));
  else {
    const kB = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
    console.log(
      `fromOllama + collectText for browsers, without rxjs: ${kB(size.gzippedBytes)} min+gzip (${kB(size.minifiedBytes)} minified)`,
    );
    console.log(`bundled packages: ${size.packages.join(', ')}`);
  }
}
