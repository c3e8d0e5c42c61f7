// Every ```ts / ```js block of README.md runs as written, each as its own program (tsx, in a child
// process with a time limit), against one simulated Ollama — the models of `ollama-rx serve
// --simulated`, at full speed — named by OLLAMA_HOST, with OLLAMA_MODEL=llama3.2. `ollama-rx`,
// `ollama-rx/operators` and `ollama-rx/testing` resolve to this checkout's sources. A block passes
// when it exits with 0: an unhandled error, rejection or a crash fails it, with its output.
// A block that cannot run says why in its fence: ```ts no-run: <reason>.
// One block alone: npx jest test/readme -t 'line 120'
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestServer, startTestServer } from '../../src/testing/server/index.js';
import { simulatedModels } from '../../src/testing/simulated.js';
import { type Snippet, fileNameOf, snippets } from './snippets.js';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
/** Generous: the machine running the tests may be busy, and a block may type out a whole answer. */
const BLOCK_TIMEOUT_MS = 60_000;
/** Child processes at once: each is a Node process compiling TypeScript. */
const CONCURRENCY = 3;
const CAT_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

const blocks = snippets(join(ROOT, 'README.md'));
const runnable = blocks.filter((block) => !block.marked);

let server: TestServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ollama-rx-readme-'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  // The files the blocks read: a 1×1 PNG.
  writeFileSync(join(dir, 'cat.png'), Buffer.from(CAT_PNG, 'base64'));
  const source = (path: string) => [join(ROOT, 'src', path)];
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        paths: {
          'ollama-rx': source('index.ts'),
          'ollama-rx/operators': source('operators/index.ts'),
          'ollama-rx/testing': source('testing/index.ts'),
        },
      },
    }),
  );
  server = await startTestServer({ models: simulatedModels({ tokenDelayMs: 1, loadDelayMs: 0 }) });
});

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('README.md code blocks', () => {
  test('every ts/js block runs, or its fence says no-run with a reason', () => {
    expect(blocks.filter((block) => block.marked && !block.noRun).map((block) => `line ${block.line}`)).toEqual([]);
    expect(runnable.length).toBeGreaterThan(10);
  });

  test('JavaScript blocks do not use `await using`, which Node 20 cannot parse', () => {
    const using = blocks.filter((block) => block.language === 'js' && /\bawait\s+using\b/.test(block.code));
    expect(using.map((block) => `line ${block.line}`)).toEqual([]);
  });

  test.concurrent.each(runnable.map((block) => [`line ${block.line} (${block.heading})`, block] as const))(
    'runs: README.md %s',
    async (_, block) => {
      const { code, signal, stdout, stderr } = await limit(() => runBlock(block));
      if (code !== 0) {
        throw new Error(
          `README.md line ${block.line} (${block.heading}) ${signal ? `was stopped by ${signal} (over ${BLOCK_TIMEOUT_MS / 1000} s?)` : `exited with ${code}`}\n` +
            `--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`,
        );
      }
    },
    BLOCK_TIMEOUT_MS + 30_000,
  );
});

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runBlock(block: Snippet): Promise<Outcome> {
  const file = join(dir, fileNameOf(block));
  writeFileSync(file, block.code);
  const env: NodeJS.ProcessEnv = { ...process.env, OLLAMA_HOST: server.url, OLLAMA_MODEL: 'llama3.2', NO_COLOR: '1' };
  delete env.OLLAMA_API_KEY;
  const child: ChildProcess = spawn(process.execPath, [TSX, file], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
