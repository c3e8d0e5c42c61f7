// The import graph of src/ (`npm run lint:imports`). Each folder is a layer and imports only from the
// folders below it; src/index.ts, the package's entry, may import anything. Tests are not cruised:
// they may import anything. Type-only imports (`import type`, `import('…').T`) count like any other.

/** src/'s folders, bottom to top. */
const layers = ['core', 'config', 'protocol', 'http', 'uploads', 'operators', 'agents', 'client', 'sources', 'testing', 'angular', 'cli'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A circle of imports, type-only ones included: cut it by moving the shared part down a layer.',
      from: {},
      to: { circular: true },
    },
    ...layers.slice(0, -1).map((layer, i) => ({
      name: `layer-${layer}`,
      severity: 'error',
      comment: `src/${layer}/ may import only from ${layers.slice(0, i).join(', ') || 'no other folder'} (the folders below it).`,
      from: { path: `^src/${layer}/` },
      to: { path: [`^src/(${layers.slice(i + 1).join('|')})/`, '^src/index\\.ts$'] },
    })),
    {
      name: 'in-a-layer',
      severity: 'error',
      comment: 'Every module of src/ lives in a layer folder; only src/index.ts sits at the top, and no module imports it.',
      from: { path: '^src/' },
      to: { path: '^src/[^/]+$' },
    },
    {
      name: 'src-stands-alone',
      severity: 'error',
      comment: 'The package ships src/ alone: it cannot import tests, examples, benchmarks or scripts.',
      from: { path: '^src/' },
      to: { path: '^(test|examples|bench|scripts)/' },
    },
    {
      name: 'not-to-dev-dep',
      severity: 'error',
      comment: "A package src/ imports must be a dependency or peer dependency: a devDependency is not installed for the package's users.",
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['npm', 'npm-peer', 'type-only'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to no file or package.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
