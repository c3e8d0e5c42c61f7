// CommonJS so that both the .mjs scripts and the jest tests (which run as CommonJS) can load it.
const { join, resolve } = require('node:path');

const src = join(__dirname, '..', 'src');
const entries = {
  'ollama-rx': 'index.ts',
  'ollama-rx/operators': 'operators/index.ts',
  'ollama-rx/angular': 'angular/index.ts',
  'ollama-rx/testing': 'testing/browser.ts',
};
const platform = join(src, 'uploads', 'platform.js');

/**
 * esbuild plugin: `ollama-rx` and its `operators`, `angular` and `testing` entries from the sources, as the `browser` export
 * condition sees them — uploads/platform.js replaced by platform.browser.ts, the fetch transport,
 * exactly as scripts/build.mjs does for dist/browser. No build needed.
 * @type {import('esbuild').Plugin}
 */
const browserSource = {
  name: 'ollama-rx-browser-source',
  setup(build) {
    build.onResolve({ filter: /^ollama-rx(\/operators|\/angular|\/testing)?$/ }, ({ path }) => ({ path: join(src, entries[path]) }));
    build.onResolve({ filter: /\/platform\.js$/ }, ({ path, resolveDir }) =>
      resolve(resolveDir, path) === platform ? { path: join(src, 'uploads', 'platform.browser.ts') } : undefined,
    );
  },
};

module.exports = { browserSource };
