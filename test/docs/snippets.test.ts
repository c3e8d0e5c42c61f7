// Every ```ts / ```js block of the documentation — README.md, CHANGELOG.md and each guide under docs/ —
// runs as written, each as its own program (a `node` child process with a time limit), against one
// simulated Ollama — the models of `ollama-rx serve --simulated`, at full speed — named by
// OLLAMA_HOST, with OLLAMA_MODEL=llama3.2. `ollama-rx`, `ollama-rx/operators`, `ollama-rx/testing` and `ollama-rx/angular`
// resolve to this checkout's sources (compile.ts builds all blocks in one esbuild call). A block
// passes when it exits with 0: an unhandled error, rejection or a crash fails it, with its output.
// A block that cannot run says why in its fence: ```ts no-run: <reason>.
// One block alone: npx jest test/docs -t 'docs/operators.md line 27'
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestServer, startTestServer } from '../../src/testing/server/index.js';
import { simulatedModels } from '../../src/testing/simulated.js';
import { type Program, compile } from './compile.js';
import { type Snippet, documents, snippets } from './snippets.js';

const ROOT = join(__dirname, '..', '..');
/** Generous: the machine running the tests may be busy, and a block may type out a whole answer. */
const BLOCK_TIMEOUT_MS = 60_000;
/** Child processes at once: most of a block's time is spent waiting for the simulated model. */
const CONCURRENCY = 4;
const CAT_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

const docs = documents(ROOT);
const blocks = docs.flatMap((doc) => snippets(ROOT, doc));
const runnable = blocks.filter((block) => !block.marked);

let server: TestServer;
let dir: string;
let programs: Promise<Map<Snippet, Program>>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ollama-rx-docs-'));
  // The blocks import rxjs, io-ts and undici as an application would.
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  // The files the blocks read: a 1×1 PNG.
  writeFileSync(join(dir, 'cat.png'), Buffer.from(CAT_PNG, 'base64'));
  programs = compile(ROOT, dir, runnable);
  server = await startTestServer({ models: simulatedModels({ tokenDelayMs: 1, loadDelayMs: 0 }) });
  await programs;
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('documentation code blocks', () => {
  test('the documents include README.md and the guides under docs/', () => {
    expect(docs).toEqual(expect.arrayContaining(['README.md', 'docs/api.md', 'docs/operators.md']));
  });

  test('every ts/js block runs, or its fence says no-run with a reason', () => {
    expect(blocks.filter((block) => block.marked && !block.noRun).map(nameOf)).toEqual([]);
    expect(runnable.length).toBeGreaterThan(10);
  });

  test('JavaScript blocks do not use `await using`, which Node 20 cannot parse', () => {
    const using = blocks.filter((block) => block.language === 'js' && /\bawait\s+using\b/.test(block.code));
    expect(using.map(nameOf)).toEqual([]);
  });

  test.concurrent.each(runnable.map((block) => [`${nameOf(block)} (${block.heading})`, block] as const))(
    'runs: %s',
    async (_, block) => {
      const program = (await programs).get(block)!;
      if ('error' in program) throw new Error(`${nameOf(block)} (${block.heading}) does not compile\n${program.error}`);
      const { code, signal, stdout, stderr } = await limit(() => run(program.file));
      if (code !== 0) {
        throw new Error(
          `${nameOf(block)} (${block.heading}) ${signal ? `was stopped by ${signal} (over ${BLOCK_TIMEOUT_MS / 1000} s?)` : `exited with ${code}`}\n` +
            `--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`,
        );
      }
    },
    BLOCK_TIMEOUT_MS + 30_000,
  );
});

function nameOf(block: Snippet): string {
  return `${block.doc} line ${block.line}`;
}

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(file: string): Promise<Outcome> {
  const env: NodeJS.ProcessEnv = { ...process.env, OLLAMA_HOST: server.url, OLLAMA_MODEL: 'llama3.2', NO_COLOR: '1' };
  delete env.OLLAMA_API_KEY;
  const child: ChildProcess = spawn(process.execPath, [file], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const timer = setTimeout(() => child.kill('SIGKILL'), BLOCK_TIMEOUT_MS);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** At most CONCURRENCY blocks at once; the rest wait their turn. */
let running = 0;
const waiting: (() => void)[] = [];
async function limit<T>(task: () => Promise<T>): Promise<T> {
  if (running >= CONCURRENCY) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await task();
  } finally {
    running--;
    waiting.shift()?.();
  }
}
