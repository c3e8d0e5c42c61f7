import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { HELP } from '../../src/cli/run.js';
import { lastValueFrom, toArray } from 'rxjs';
import { OllamaClient } from '../../src/client/client.js';
import type { StreamChunk } from '../../src/core/types.js';
import { type Har, type TestServer, loadRecording, replayChunks, replayFetch, startTestServer } from '../../src/testing/index.js';
import { ROOT, type Spawned, spawnNode } from '../integration/examples/spawn.js';
import { CONTROLS, HOSTILE, RAW_CONTROL } from './controls.js';

// The command as one bundled JavaScript file, built once: each case then starts a plain `node`, fast.
let bundle: string;
let server: TestServer;
let empty: TestServer;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ollama-rx-cli-'));
  bundle = join(dir, 'ollama-rx.mjs');
  const [started, emptyStarted] = await Promise.all([
    startTestServer({
      models: {
        tiny: { tokens: ['Hello', ' world'] },
        broken: { tokens: ['Half', ' an', ' answer'], faults: { errorAfterTokens: 2, errorMessage: 'the GPU caught fire' } },
        loading: { tokens: ['never'], loadDelayMs: 30_000 },
        long: { tokens: Array.from({ length: 400 }, (_, i) => ` word${i}`), tokenDelayMs: 5 },
        hostile: { tokens: ['safe\t', ...HOSTILE, '\nend'] },
        hostileError: { tokens: ['ok'], faults: { errorAfterTokens: 1, errorMessage: `bad \x1b]0;pwned\x07 ${CONTROLS.join('')}` } },
      },
      pullable: { 'new-model': {} },
    }),
    startTestServer(),
    build({
      entryPoints: [join(ROOT, 'src/cli/main.ts')],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'error',
      // Bundled CommonJS dependencies (undici) call require().
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    }),
  ]);
  server = started;
  empty = emptyStarted;
});

afterAll(async () => {
  await Promise.all([server?.close(), empty?.close(), bundle && rm(join(bundle, '..'), { recursive: true, force: true })]);
});

/** `ollama-rx <args>` against the test server (or `env`'s), stdout a pipe. */
const cli = (args: string[], env: Record<string, string> = { OLLAMA_HOST: server.url }): Spawned => spawnNode([bundle, ...args], env);

async function outcome(spawned: Spawned) {
  const code = await spawned.exit;
  return { code, stdout: spawned.stdout(), stderr: spawned.stderr() };
}

const bodyOf = (prompt: string) => server.requests.find((request) => request.body?.prompt === prompt)?.body;

describe('answers', () => {
  test.concurrent('streams the answer, ending with a newline; the model is the first installed one', async () => {
    expect(await outcome(cli(['Say', 'hi']))).toEqual({ code: 0, stdout: 'Hello world\n', stderr: '' });
    expect(bodyOf('Say hi')).toEqual({ prompt: 'Say hi', model: 'tiny', stream: true });
  });

  test.concurrent('--model and -s send the model and the system prompt; OLLAMA_MODEL is the default', async () => {
    expect((await outcome(cli(['--model', 'tiny', '-s', 'Be terse.', 'first']))).code).toBe(0);
    expect(bodyOf('first')).toMatchObject({ model: 'tiny', system: 'Be terse.' });
    expect(await outcome(cli(['second'], { OLLAMA_HOST: server.url, OLLAMA_MODEL: 'broken' }))).toMatchObject({ code: 1 });
    expect(bodyOf('second')).toMatchObject({ model: 'broken' });
  });

  test.concurrent('--host names the server', async () => {
    expect(await outcome(cli(['--host', server.url, 'via host'], {}))).toMatchObject({ code: 0, stdout: 'Hello world\n' });
  });

  test.concurrent('--json prints every chunk as one JSON line', async () => {
    const { code, stdout } = await outcome(cli(['--json', 'as json']));
    expect(code).toBe(0);
    const chunks = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { text: string; done: boolean });
    expect(chunks.map((chunk) => chunk.text)).toEqual(['Hello', ' world', '']);
    expect(chunks.map((chunk) => chunk.done)).toEqual([false, false, true]);
    expect(chunks[2]).toMatchObject({ doneReason: 'stop', metrics: { evalCount: 2 } });
  });

  test.concurrent('--timings adds the first-token latency, tokens and rate on stderr', async () => {
    const { code, stdout, stderr } = await outcome(cli(['--timings', 'timed']));
    expect([code, stdout]).toEqual([0, 'Hello world\n']);
    expect(stderr).toMatch(/^first token \d+ ms · 2 tokens · 50\.0 tokens\/s · \d+\.\d s total\n$/);
  });

  test.concurrent('when the reader of the pipe goes away, it stops quietly and so does the model', async () => {
    const spawned = cli(['--json', '-m', 'long', 'piped into head']);
    await new Promise<void>((resolve) => spawned.child.stdout!.once('data', () => resolve()));
    spawned.child.stdout!.destroy();
    expect(await spawned.exit).toBe(0);
    expect(spawned.stderr()).toBe('');
    const request = server.requests.find((r) => r.body?.prompt === 'piped into head')!;
    await server.until(() => request.disconnectedAt !== undefined);
  });
});

describe('errors: one line on stderr', () => {
  test.concurrent('an unknown model: exit 1, with the command that installs it', async () => {
    expect(await outcome(cli(['-m', 'nope', 'hi']))).toEqual({
      code: 1,
      stdout: '',
      stderr: "ollama-rx: model 'nope' not found. Install it with: ollama-rx pull nope\n",
    });
  });

  test.concurrent('--verbose adds the stack trace', async () => {
    const { code, stderr } = await outcome(cli(['--verbose', '-m', 'nope', 'hi']));
    expect(code).toBe(1);
    const [first, second, ...rest] = stderr.split('\n');
    expect(first).toBe("ollama-rx: model 'nope' not found. Install it with: ollama-rx pull nope");
    expect(second).toBe("OllamaError: model 'nope' not found");
    expect(rest[0]).toMatch(/^ {4}at /);
  });

  test.concurrent('a failure mid-answer: the text so far, its line ended, then the error; exit 1', async () => {
    expect(await outcome(cli(['-m', 'broken', 'hi']))).toEqual({
      code: 1,
      stdout: 'Half an\n',
      stderr: 'ollama-rx: the GPU caught fire\n',
    });
  });

  test.concurrent('no server at the address: exit 1', async () => {
    const port = await closedPort();
    const { code, stdout, stderr } = await outcome(cli(['hi'], { OLLAMA_HOST: `127.0.0.1:${port}` }));
    expect([code, stdout]).toEqual([1, '']);
    expect(stderr).toMatch(new RegExp(`^ollama-rx: connection refused by http://127\\.0\\.0\\.1:${port}[^\\n]*\\n$`));
  });

  test.concurrent('an Ollama without models, and no model named: exit 1, saying how to get one', async () => {
    expect(await outcome(cli(['hi'], { OLLAMA_HOST: empty.url }))).toEqual({
      code: 1,
      stdout: '',
      stderr: `ollama-rx: the Ollama at ${empty.url} has no models. Install one with: ollama-rx pull llama3.2\n`,
    });
  });

  test.concurrent.each([
    [['--bogus', 'hi'], "Unknown option '--bogus'"],
    [['--model'], "Option '-m, --model <value>' argument missing"],
    [[], 'no prompt given'],
    [['pull'], 'pull takes one model name, e.g. ollama-rx pull llama3.2'],
    [['pull', 'a', 'b'], 'pull takes one model name, e.g. ollama-rx pull llama3.2'],
    [['pull', '--json', 'a'], '--json does not apply to pull'],
    [
      ['serve'],
      'serve needs --simulated or --replay <file.har>: ollama-rx serves only a simulated or recorded Ollama (for a real one: ollama serve)',
    ],
    [['serve', '--simulated', '--replay', 'a.har'], 'serve takes --simulated or --replay, not both'],
    [['serve', '--simulated', '--speed', '2'], '--speed does not apply to serve --simulated'],
    [['serve', '--replay', 'a.har', '--speed', 'fast'], '--speed must be a number from 0 up, not "fast"'],
    [
      ['serve', '--replay', 'no-such-file.har'],
      "Cannot load the recording no-such-file.har: ENOENT: no such file or directory, open 'no-such-file.har'",
    ],
    [
      ['record', '--to', 'a.har'],
      'record needs --upstream <url> and --to <file.har>, e.g. ollama-rx record --upstream http://127.0.0.1:11434 --to session.har',
    ],
    [
      ['record', '--upstream', 'ftp://box', '--to', 'a.har'],
      'Invalid upstream "ftp://box": an http:// or https:// URL, e.g. http://127.0.0.1:11434',
    ],
    [['record', '--upstream', 'http://127.0.0.1:1', '--to', 'a.har', '-m', 'tiny'], '--model does not apply to record'],
    [['--to', 'a.har', 'hi'], '--to does not apply to a prompt'],
    [['serve', '--simulated', 'now'], 'serve takes no arguments, e.g. ollama-rx serve --simulated --port 11434'],
    [['serve', '--simulated', '--port', 'x'], '--port must be a number from 0 to 65535, not "x"'],
    [['serve', '--simulated', '-m', 'tiny'], '--model does not apply to serve'],
    [['--port', '1', 'hi'], '--port does not apply to a prompt'],
  ])('usage error %j: exit 2', async (args, message) => {
    const { code, stdout, stderr } = await outcome(cli(args));
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    // A usage mistake points to --help; a configuration one (a bad upstream, a missing file) says only what it is.
    expect([`ollama-rx: ${message}. Try: ollama-rx --help\n`, `ollama-rx: ${message}\n`]).toContain(stderr);
  });

  test.concurrent('a host Ollama could not use: exit 2', async () => {
    const { code, stderr } = await outcome(cli(['--host', 'ftp://box', 'hi']));
    expect([code, stderr]).toEqual([2, 'ollama-rx: Invalid ollama-rx host "ftp://box": scheme must be http or https, not "ftp"\n']);
  });
});

test.concurrent('--help: the usage, exit 0', async () => {
  expect(await outcome(cli(['--help']))).toEqual({ code: 0, stdout: HELP, stderr: '' });
});

describe('pull', () => {
  test.concurrent('piped: a line per status and per 10 points of progress; exit 0', async () => {
    const { code, stdout, stderr } = await outcome(cli(['pull', 'new-model']));
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout.split('\n')).toEqual([
      'pulling manifest',
      ...[0, 25, 50, 75, 100].map((percent) => `pulling abababababab ${percent}%`),
      'verifying sha256 digest',
      'writing manifest',
      'success',
      '',
    ]);
  });

  test.concurrent('a model the registry does not have: exit 1', async () => {
    expect(await outcome(cli(['pull', 'no-such-model']))).toEqual({
      code: 1,
      stdout: 'pulling manifest\n',
      stderr: 'ollama-rx: pull model manifest: file does not exist\n',
    });
  });
});

describe('a closed stdout (| head, | true): exit 0, nothing on stderr', () => {
  /** Runs the command with its stdout's reader gone before it writes anything. */
  const closedAtOnce = (args: string[]) => {
    const spawned = cli(args);
    spawned.child.stdout!.destroy();
    return spawned;
  };

  test.concurrent('--help', async () => {
    const spawned = closedAtOnce(['--help']);
    expect([await spawned.exit, spawned.stderr()]).toEqual([0, '']);
  });

  test.concurrent('a whole short answer', async () => {
    const spawned = closedAtOnce(['-m', 'tiny', 'closed at once']);
    expect([await spawned.exit, spawned.stderr()]).toEqual([0, '']);
  });

  test.concurrent('pull', async () => {
    const spawned = closedAtOnce(['pull', 'new-model']);
    expect([await spawned.exit, spawned.stderr()]).toEqual([0, '']);
  });
});

/** `ollama-rx <args>` (serve or record) and the URL it prints first. */
async function started(args: string[]) {
  const spawned = cli(args, {});
  await new Promise<void>((resolve, reject) => {
    const check = () => (spawned.stdout().includes('\n') ? resolve() : undefined);
    spawned.child.stdout!.on('data', check);
    spawned.exit.then((code) => reject(new Error(`${args[0]} exited with ${code}: ${spawned.stderr()}`)));
  });
  const [url] = spawned.stdout().split('\n');
  return { spawned, url: url! };
}

describe('record, then serve --replay', () => {
  test.concurrent(
    'records a session through the proxy, writes it on Ctrl-C, and replays it; a second identical request has no recording',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'ollama-rx-record-'));
      const file = join(dir, 'session.har');
      const recording = await started(['record', '--upstream', server.url, '--to', file]);
      expect(recording.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const live = await outcome(cli(['--json', '-m', 'tiny', 'recorded'], { OLLAMA_HOST: recording.url }));
      expect(live.code).toBe(0);
      recording.spawned.child.kill('SIGINT');
      expect(await recording.spawned.exit).toBe(0);
      expect(recording.spawned.stderr()).toContain(`Wrote 1 recorded exchange(s) to ${file}`);
      const har = JSON.parse(await readFile(file, 'utf8')) as Har;
      expect(har.log.entries[0]!.response._chunks).toHaveLength(3);

      const replaying = await started(['serve', '--replay', file, '--speed', '0']);
      expect(await outcome(cli(['--json', '-m', 'tiny', 'recorded'], { OLLAMA_HOST: replaying.url }))).toEqual(live);
      expect(await outcome(cli(['-m', 'tiny', 'recorded'], { OLLAMA_HOST: replaying.url }))).toEqual({
        code: 1,
        stdout: '',
        stderr: "ollama-rx: no recording for POST /api/generate (model 'tiny'): all 1 recording(s) of it were replayed already\n",
      });
      replaying.spawned.child.kill('SIGTERM');
      expect(await replaying.spawned.exit).toBe(0);
      // The same chunks from the file through replayFetch and replayChunks.
      const chunks = live.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as StreamChunk);
      const client = new OllamaClient({ host: 'http://127.0.0.1:9', fetch: replayFetch(loadRecording(file), { speed: 0 }) });
      expect(await lastValueFrom(client.generate$('recorded', { model: 'tiny' }).pipe(toArray()))).toEqual(chunks);
      await client.close();
      expect(await lastValueFrom(replayChunks(loadRecording(file)).pipe(toArray()))).toEqual(chunks);
      await rm(dir, { recursive: true, force: true });
    },
  );
});

describe('serve --simulated', () => {
  /** `ollama-rx serve --simulated <args>` and the URL it prints first. */
  const serving = (args: string[] = []) => started(['serve', '--simulated', ...args]);

  test.concurrent('prints its URL first, serves the demo model and the scripted ones by name, stops on SIGTERM with 0', async () => {
    const { spawned, url } = await serving();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The first installed model is the demo's; it answers by the question.
    expect(await outcome(cli(['What is 6 x 7?'], { OLLAMA_HOST: url }))).toEqual({ code: 0, stdout: '6 x 7 = 42.\n', stderr: '' });
    expect(await outcome(cli(['-m', 'tiny', 'hi'], { OLLAMA_HOST: url }))).toMatchObject({
      code: 0,
      stdout: 'Hello! I am a test model.\n',
    });
    expect(await outcome(cli(['-m', 'flaky', 'Tell me a story'], { OLLAMA_HOST: url }))).toMatchObject({
      code: 1,
      stderr: 'ollama-rx: the simulated GPU ran out of memory\n',
    });
    const tags = (await (await fetch(`${url}/api/tags`)).json()) as { models: { name: string }[] };
    expect(tags.models.map((model) => model.name)).toEqual(
      expect.arrayContaining(['simulated-llama', 'llama3.2', 'qwen3', 'tiny', 'flaky', 'loading']),
    );
    spawned.child.kill('SIGTERM');
    expect(await spawned.exit).toBe(0);
    expect(spawned.stdout()).toBe(`${url}\n`);
  });

  test.concurrent('--port names the port; Ctrl-C stops it with 0, and the port is free again', async () => {
    const port = await closedPort();
    const { spawned, url } = await serving(['--port', String(port)]);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    spawned.child.kill('SIGINT');
    expect(await spawned.exit).toBe(0);
    const again = await serving(['--port', String(port)]);
    again.spawned.child.kill('SIGTERM');
    expect(await again.spawned.exit).toBe(0);
  });

  test.concurrent('a port in use: exit 1, saying so', async () => {
    const { spawned, url } = await serving();
    const port = new URL(url).port;
    expect(await outcome(cli(['serve', '--simulated', '--port', port], {}))).toEqual({
      code: 1,
      stdout: '',
      stderr: `ollama-rx: port ${port} is already in use; choose another with --port, or leave it out for any free one\n`,
    });
    spawned.child.kill('SIGTERM');
    expect(await spawned.exit).toBe(0);
  });
});

test.concurrent('SIGINT while the model loads: the request is aborted (the server sees it), exit 130', async () => {
  const spawned = cli(['-m', 'loading', 'interrupted']);
  await server.until(() => bodyOf('interrupted') !== undefined, 15_000);
  const request = server.requests.find((r) => r.body?.prompt === 'interrupted')!;
  spawned.child.kill('SIGINT');
  expect(await outcome(spawned)).toEqual({ code: 130, stdout: '', stderr: '' });
  await server.until(() => request.disconnectedAt !== undefined);
});

/** A port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('under a real pseudo-terminal (util-linux script): no raw control sequence reaches it', () => {
  /** The command run by `script` in a pseudo-terminal: what the terminal was sent, CRLF made LF again. */
  async function onTerminal(args: string[]) {
    const command = [process.execPath, bundle, ...args].map((arg) => `'${arg}'`).join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: { PATH: process.env.PATH, OLLAMA_HOST: server.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (data: string) => (output += data));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    return { code, output: output.replaceAll('\r\n', '\n') };
  }

  test.concurrent("the model's text and the server's error", async () => {
    const answer = await onTerminal(['-m', 'hostile', 'hi']);
    expect(answer.code).toBe(0);
    expect(answer.output).not.toMatch(RAW_CONTROL);
    expect(answer.output).toContain('title\\x1b]0;pwned\\x07\\x1b[2J');
    const failure = await onTerminal(['-m', 'hostileError', 'hi']);
    expect(failure.code).toBe(1);
    expect(failure.output).not.toMatch(RAW_CONTROL);
    expect(failure.output).toContain('ollama-rx: bad \\x1b]0;pwned\\x07');
  });

  test.concurrent('--json stays byte-exact on the terminal', async () => {
    const { code, output } = await onTerminal(['--json', '-m', 'hostile', 'hi']);
    expect(code).toBe(0);
    const texts = output
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { text: string }).text);
    expect(texts.join('')).toBe(`safe\t${HOSTILE.join('')}\nend`);
  });
});
