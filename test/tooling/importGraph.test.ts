// The import-graph check of `npm run lint` (.dependency-cruiser.cjs) on planted trees: it must fail on
// an import up the layers and on a circle made only of type imports, and pass on a tree without them.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = join(__dirname, '..', '..');

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
  cycle?: { name: string }[];
}

/** Writes `files` under a fresh directory and cruises its src/ with the project's rules. */
function cruise(files: Record<string, string>): { errors: number; violations: Violation[] } {
  const dir = mkdtempSync(join(tmpdir(), 'ollama-rx-import-graph-'));
  try {
    const tree = { 'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }), ...files };
    for (const [path, text] of Object.entries(tree)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const bin = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
    const result = spawnSync(process.execPath, [bin, 'src', '--config', join(root, '.dependency-cruiser.cjs'), '--output-type', 'json'], {
      cwd: dir,
      encoding: 'utf8',
    });
    if (!result.stdout) throw new Error(`dependency-cruiser printed nothing: ${result.stderr}`);
    const { summary } = JSON.parse(result.stdout) as { summary: { error: number; violations: Violation[] } };
    return { errors: summary.error, violations: summary.violations };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const entry = "export * from './core/a.js';\nexport * from './protocol/x.js';\nexport * from './http/p.js';\n";

test('an import up the layers and circles of type imports fail the check, each named', () => {
  const { errors, violations } = cruise({
    'src/index.ts': entry,
    'src/client/b.ts': 'export const b = 1;\n',
    'src/core/a.ts': "import { b } from '../client/b.js';\nexport const a = b;\n",
    'src/protocol/x.ts': "import type { Y } from './y.js';\nexport interface X { y?: Y }\n",
    'src/protocol/y.ts': "import type { X } from './x.js';\nexport interface Y { x?: X }\n",
    'src/http/p.ts': "import type { Q } from './q.js';\nexport interface P { q?: Q }\n",
    'src/http/q.ts': "export interface Q { p?: import('./p.js').P }\n",
  });
  expect(errors).toBe(3);
  const named = violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
  expect(named).toEqual([
    'layer-core: src/core/a.ts → src/client/b.ts',
    'no-circular: src/http/p.ts → src/http/q.ts',
    'no-circular: src/protocol/x.ts → src/protocol/y.ts',
  ]);
});

test('a tree whose folders import only downwards, without circles, passes', () => {
  const { errors, violations } = cruise({
    'src/index.ts': entry,
    'src/client/b.ts': "import { a } from '../core/a.js';\nexport const b = a;\n",
    'src/core/a.ts': 'export const a = 1;\n',
    'src/protocol/x.ts': "import type { Y } from './y.js';\nexport interface X { y?: Y }\n",
    'src/protocol/y.ts': 'export interface Y { n: number }\n',
    'src/http/p.ts': "export interface P { x?: import('../protocol/x.js').X }\n",
  });
  expect(violations).toEqual([]);
  expect(errors).toBe(0);
});
