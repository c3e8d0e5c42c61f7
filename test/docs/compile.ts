/**
 * Turns the documentation's code blocks into programs plain `node` runs. Running each block with tsx
 * compiled the library's sources again in every process, which cost most of the suite's time; esbuild
 * compiles all the blocks at once, and each block still runs as its own process.
 *
 * `ollama-rx`, `ollama-rx/operators`, `ollama-rx/testing` and `ollama-rx/angular` resolve to this checkout's sources. The
 * sources and the dependencies are bundled (the ES-module blocks share one chunk of them), so that a
 * process loads one file instead of resolving hundreds of modules. Annotations (`sideEffects: false`,
 * `@__PURE__`) are ignored so that an import runs its module, as it does under Node.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BuildOptions, type Message, type Plugin, build } from 'esbuild';
import { type Snippet, fileNameOf, isCommonJs } from './snippets.js';

/** The program of a block, or why it could not be built. */
export type Program = { file: string } | { error: string };

const PUBLIC_ENTRY = /^ollama-rx(?:\/(operators|testing|angular))?$/;

/**
 * Angular's packages ship partially compiled: an app's build (the Angular CLI) links them. Under plain
 * node nothing does, so a block that uses Angular loads the JIT compiler first, which links them at run time.
 */
const ANGULAR_LINKER = "import '@angular/compiler';\n";

/** Writes every block under `dir`, builds them, and says where each one's program is. */
export async function compile(root: string, dir: string, blocks: readonly Snippet[]): Promise<Map<Snippet, Program>> {
  mkdirSync(join(dir, 'blocks'), { recursive: true });
  const entryOf = (block: Snippet) => `blocks/${fileNameOf(block)}`;
  for (const block of blocks) {
    const linked = /from '(@angular\/|ollama-rx\/angular')/.test(block.code) && !isCommonJs(block);
    writeFileSync(join(dir, entryOf(block)), linked ? ANGULAR_LINKER + block.code : block.code);
  }
  const options = sharedOptions(root, dir);
  const [modules, scripts] = await Promise.all([
    buildEach(blocks.filter((block) => !isCommonJs(block)).map(entryOf), (entryPoints) =>
      build({ ...options, ...ES_MODULES, entryPoints }),
    ),
    buildEach(blocks.filter(isCommonJs).map(entryOf), (entryPoints) => build({ ...options, ...COMMON_JS, entryPoints })),
  ]);
  return new Map(
    blocks.map((block): [Snippet, Program] => {
      const error = modules.get(entryOf(block)) ?? scripts.get(entryOf(block));
      // blocks/x.mts is built to out/x.mjs, blocks/x.cts to out/x.cjs.
      return [block, error ? { error } : { file: join(dir, 'out', fileNameOf(block).replace(/\.([mc])[jt]s$/, '.$1js')) }];
    }),
  );
}

function sharedOptions(root: string, dir: string): BuildOptions {
  const sources: Plugin = {
    name: 'ollama-rx-sources',
    setup(plugin) {
      plugin.onResolve({ filter: PUBLIC_ENTRY }, ({ path }) => ({
        path: join(root, 'src', PUBLIC_ENTRY.exec(path)![1] ?? '', 'index.ts'),
      }));
    },
  };
  return {
    absWorkingDir: dir,
    outdir: 'out',
    outbase: 'blocks',
    bundle: true,
    platform: 'node',
    target: 'node20',
    ignoreAnnotations: true,
    plugins: [sources],
    logLevel: 'silent',
  };
}

const ES_MODULES: BuildOptions = {
  format: 'esm',
  splitting: true,
  outExtension: { '.js': '.mjs' },
  // The CommonJS dependencies (undici) require Node's built-in modules, which an ES module has no
  // `require` for.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
};

const COMMON_JS: BuildOptions = { format: 'cjs', outExtension: { '.js': '.cjs' } };

/**
 * Builds the entries in one call. When some of them do not compile, the others are built again
 * without them, so a broken block fails alone; an error outside the blocks (in the sources) fails all.
 */
async function buildEach(entries: string[], run: (entries: string[]) => Promise<unknown>): Promise<Map<string, string>> {
  const failed = new Map<string, string>();
  let remaining = entries;
  while (remaining.length > 0) {
    try {
      await run(remaining);
      return failed;
    } catch (error) {
      const messages: Message[] = (error as { errors?: Message[] }).errors ?? [];
      const broken = remaining.filter((entry) => messages.some((message) => message.location?.file === entry));
      const text = (only?: string) =>
        messages
          .filter((message) => !only || message.location?.file === only)
          .map(({ text, location }) =>
            location ? `${location.file}:${location.line}:${location.column}: ${text}\n  ${location.lineText}` : text,
          )
          .join('\n') || String(error);
      if (broken.length === 0) {
        for (const entry of remaining) failed.set(entry, `esbuild could not build the blocks:\n${text()}`);
        return failed;
      }
      for (const entry of broken) failed.set(entry, `esbuild: ${text(entry)}`);
      remaining = remaining.filter((entry) => !broken.includes(entry));
    }
  }
  return failed;
}
