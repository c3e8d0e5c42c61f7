// The published package, as users get it: build, `npm pack` once, lint that one tarball with publint
// and @arethetypeswrong/cli, install it into a fresh project, then use it from ESM and CommonJS
// (types and runtime) and bundle it for the browser.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { type Metafile, build } from 'esbuild';

// Compilers and npm in child processes: on a loaded machine a step takes tens of seconds.
jest.setTimeout(120_000);

const root = join(__dirname, '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let project: string;
/** The packed tarball: the one file every test here checks or installs. */
let tarball: string;
/** The tarball's files, as `npm pack` lists them. */
let packedFiles: string[];

/** Runs a command and resolves to its stdout; it rejects with stdout and stderr in the message. */
async function run(command: string, args: string[], cwd = project): Promise<string> {
  try {
    return (await promisify(execFile)(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${[command, ...args].join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`, { cause: error });
  }
}
const tsc = (configFile: string) =>
  run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(project, configFile)]);

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'ollama-rx-consumer-'));
  await run(process.execPath, [join(root, 'scripts', 'build.mjs')], root);
  const [packed] = JSON.parse(await run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', project], root)) as {
    filename: string;
    files: { path: string }[];
  }[];
  tarball = join(project, packed!.filename);
  packedFiles = packed!.files.map((file) => file.path);
  const rxjs = (JSON.parse(readFileSync(join(root, 'node_modules', 'rxjs', 'package.json'), 'utf8')) as { version: string }).version;
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  await run(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, `rxjs@${rxjs}`]);
});

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('the package linters, on the tarball', () => {
  it('publint and @arethetypeswrong/cli report nothing, not even a suggestion', async () => {
    const report = await run(process.execPath, [join(root, 'scripts', 'lint-package.mjs'), tarball], root);
    expect(report).toContain('publint: nothing to report\n');
    expect(report).toContain('\n No problems found\n');
    for (const entry of ['ollama-rx', 'ollama-rx/operators', 'ollama-rx/testing']) expect(report).toContain(`\n"${entry}"\n`);
  });
});

describe('the packed tarball', () => {
  it('type-checks and runs from ESM and CommonJS', async () => {
    for (const extension of ['mts', 'cts']) copyFileSync(join(__dirname, 'consumer.ts'), join(project, `consumer.${extension}`));
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          target: 'ES2022',
          strict: true,
          // The shipped .d.ts are checked, both trees; TypeScript's own lib files need no check of ours.
          skipLibCheck: false,
          skipDefaultLibCheck: true,
          typeRoots: [join(root, 'node_modules', '@types')],
          types: ['node'],
        },
        files: ['consumer.mts', 'consumer.cts'],
      }),
    );
    await tsc('tsconfig.json');

    for (const script of ['consumer.mjs', 'consumer.cjs']) {
      const result = JSON.parse(await run(process.execPath, [script])) as Record<string, unknown>;
      expect({ script, ...result }).toEqual({
        script,
        streamed: ['Hel', 'lo', '!', ''],
        response: 'Hello!',
        failure: 'model_not_found',
        operators: expect.any(Number),
        operatorsShared: true,
      });
      expect(result.operators).toBeGreaterThan(0);
    }
  });

  it('holds the LICENSE, and no source maps (they would point at src/, which is not shipped)', () => {
    expect(packedFiles).toEqual(
      expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/esm/index.js', 'dist/cjs/index.d.ts']),
    );
    expect(readFileSync(join(project, 'node_modules', 'ollama-rx', 'LICENSE'), 'utf8')).toMatch(
      /^MIT License\n\nCopyright \(c\) \d{4} the ollama-rx authors\n/,
    );
    expect(packedFiles.filter((path) => path.endsWith('.map'))).toEqual([]);
    const pointing = packedFiles.filter(
      (path) => path.endsWith('.js') && readFileSync(join(project, 'node_modules', 'ollama-rx', path), 'utf8').includes('sourceMappingURL'),
    );
    expect(pointing).toEqual([]);
  });

  it('type-checks with TypeScript\'s old moduleResolution "node" (typesVersions for the subpaths)', async () => {
    copyFileSync(join(__dirname, 'consumer.ts'), join(project, 'consumer-node10.ts'));
    writeFileSync(
      join(project, 'tsconfig.node10.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'CommonJS',
          moduleResolution: 'node',
          target: 'ES2022',
          strict: true,
          noEmit: true,
          // The consumer's code against the types it finds this way. The .d.ts files themselves are
          // checked by the NodeNext run above, and attw checks that their imports resolve under node10.
          skipLibCheck: true,
          typeRoots: [join(root, 'node_modules', '@types')],
          types: ['node'],
        },
        files: ['consumer-node10.ts'],
      }),
    );
    await tsc('tsconfig.node10.json');
  });

  it('resolves every entry to the ESM tree for import and to the CommonJS tree for require', async () => {
    const entries = ['ollama-rx', 'ollama-rx/operators', 'ollama-rx/testing', 'ollama-rx/angular'];
    const script = `
      import { createRequire } from 'node:module';
      import { fileURLToPath } from 'node:url';
      const require = createRequire(process.cwd() + '/');
      for (const entry of ${JSON.stringify(entries)}) console.log(fileURLToPath(import.meta.resolve(entry)), require.resolve(entry));`;
    const resolved = (await run(process.execPath, ['--input-type=module', '-e', script]))
      .trim()
      .split('\n')
      .map((line) => line.split(' ').map((path) => relative(join(project, 'node_modules', 'ollama-rx', 'dist'), path)));
    expect(resolved).toEqual([
      ['esm/index.js', 'cjs/index.js'],
      ['esm/operators/index.js', 'cjs/operators/index.js'],
      ['esm/testing/index.js', 'cjs/testing/index.js'],
      ['esm/angular/index.js', 'cjs/angular/index.js'],
    ]);
  });

  it.each(['esm', 'cjs'] as const)('bundles for the browser (%s) with fetch, one copy of each module and no undici', async (format) => {
    const statement = format === 'esm' ? (name: string) => `export * from '${name}';` : (name: string) => `require('${name}');`;
    const { metafile } = await build({
      stdin: {
        contents: ['ollama-rx', 'ollama-rx/operators', 'ollama-rx/angular', 'ollama-rx/testing'].map(statement).join('\n'),
        resolveDir: project,
      },
      // The metafile's paths are relative to this directory: the consumer's, wherever the checkout is.
      absWorkingDir: project,
      bundle: true,
      write: false,
      metafile: true,
      platform: 'browser',
      format,
      external: ['rxjs', '@angular/*'],
      logLevel: 'silent',
    });
    const inputs = packageInputs(metafile);
    // The angular entry's test double, browser-safe, from the browser tree like the rest.
    expect(inputs).toContain(`ollama-rx/dist/browser/${format}/testing/scripted/fetch.js`);
    // ollama-rx/testing in a browser: scripted models and replays, no server, no recorder, no node: module.
    expect(inputs).toContain(`ollama-rx/dist/browser/${format}/testing/browser.js`);
    expect(inputs).toContain(`ollama-rx/dist/browser/${format}/testing/har/replayFetch.js`);
    expect(inputs).toContain(`ollama-rx/dist/browser/${format}/http/fetch.js`);
    expect(inputs).toContain(`ollama-rx/dist/browser/${format}/core/errors.js`);
    expect(inputs.filter((path) => path.startsWith('ollama-rx/') && !path.startsWith(`ollama-rx/dist/browser/${format}/`))).toEqual([]);
    expect(inputs.filter((path) => path.startsWith('undici/'))).toEqual([]);
  });
});

/** The bundled files, as paths under node_modules. */
function packageInputs(metafile: Metafile): string[] {
  return Object.keys(metafile.inputs)
    .filter((path) => path.includes('node_modules/'))
    .map((path) => relative(join(project, 'node_modules'), join(project, path)).replaceAll('\\', '/'));
}
