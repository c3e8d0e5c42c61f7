import { main as agent } from '../../../examples/agent.js';
import { main as basic } from '../../../examples/basic.js';
import { main as benchmark } from '../../../examples/benchmark.js';
import { main as collect } from '../../../examples/collect.js';
import { main as errors } from '../../../examples/errors.js';
import { main as finalNewline } from '../../../examples/final-newline.js';
import { main as handler } from '../../../examples/handler.js';
import { main as progress } from '../../../examples/progress.js';
import { ExampleError } from '../../../examples/support.js';
import { main as throttle } from '../../../examples/throttle.js';
import { main as tokens } from '../../../examples/tokens.js';
import { main as typewriter } from '../../../examples/typewriter.js';
import { DEMO_ANSWER } from '../../../src/testing/index.js';
import { FAST_SIMULATION, eventually, fakeIO, realOllama, useServer } from './harness.js';

const TWENTY_THREE =
  'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty a b c';
const words = (text: string) => text.match(/\s*\S+/g)!;

const server = useServer({
  tiny: { tokens: ['Hello', ' world'] },
  twentyThree: { tokens: words(TWENTY_THREE) },
  emoji: { tokens: ['Hi', ' there', ' 🌅'] },
  split: { tokens: ['Hello', ' wor', 'ld', ' again'] },
  endsWithNewline: { tokens: ['Done.', '\n'] },
  silent: { tokens: [] },
  failing: { tokens: ['Half', ' an', ' answer'], faults: { errorAfterTokens: 2, errorMessage: 'the GPU caught fire' } },
  slow: { tokens: ['never'], loadDelayMs: 30_000 },
});

const run = async (example: typeof basic, model: string, args: string[] = []) => {
  const io = fakeIO({ env: realOllama(server(), model), args });
  const code = await example(io);
  return Object.assign(io.stdout, { code: code ?? 0 });
};

describe('basic', () => {
  test('streams the embedded simulated model when OLLAMA_HOST is not set', async () => {
    const io = fakeIO({ env: FAST_SIMULATION });
    await basic(io);
    expect(io.stdout.text).toMatch(/^Simulated Ollama at http:\/\/127\.0\.0\.1:\d+, model simulated-llama/);
    expect(io.stdout.text).toContain('> Why is the sky blue?\n\n');
    expect(io.stdout.text.endsWith(`\n\n${DEMO_ANSWER}\n`)).toBe(true);
  });

  test('asks the Ollama of OLLAMA_HOST with OLLAMA_MODEL and the prompt of the command line', async () => {
    const stdout = await run(basic, 'tiny', ['Say', 'hi']);
    expect(stdout.text).toMatch(/^Ollama at http:\/\/127\.0\.0\.1:\d+, model tiny\n> Say hi\n\nHello world\n$/);
    expect(server().requests.at(-1)?.body).toMatchObject({ model: 'tiny', prompt: 'Say hi', stream: true });
  });

  test('without OLLAMA_MODEL it takes the first installed model', async () => {
    const io = fakeIO({ env: { OLLAMA_HOST: server().url } });
    await basic(io);
    expect(io.stdout.text).toContain(', model tiny\n');
  });

  test('an Ollama without models is explained, with the command that installs one', async () => {
    const { startTestServer } = await import('../../../src/testing/index.js');
    const empty = await startTestServer();
    try {
      const failure = basic(fakeIO({ env: { OLLAMA_HOST: empty.url } }));
      await expect(failure).rejects.toThrow(ExampleError);
      await expect(failure).rejects.toThrow(/has no models\. Install one first: ollama pull/);
    } finally {
      await empty.close();
    }
  });
});

test('progress: a dot every 5 tokens, then the whole answer', async () => {
  const stdout = await run(progress, 'twentyThree');
  expect(stdout.text).toContain(`\n\nGenerating....\n\n${TWENTY_THREE}\n`);
});

test('collect: chunk count, length in characters (an emoji is one) and words, then the text', async () => {
  const stdout = await run(collect, 'emoji');
  expect(stdout.text).toContain('\n\nChunks: 4\nCharacters: 10\nWords: 3\n\nHi there 🌅\n');
});

test('typewriter: the answer is written one character at a time', async () => {
  const stdout = await run(typewriter, 'emoji');
  expect(stdout.text.endsWith('\n\nHi there 🌅\n')).toBe(true);
  const typed = stdout.writes.slice(stdout.writes.indexOf('H'));
  expect(typed).toEqual([...'Hi there ', '🌅', '\n']);
});

test('errors: not installed, timeout and a bad option, each explained', async () => {
  const stdout = await run(errors, 'slow');
  expect(stdout.text).toContain(
    '\nA model that is not installed:\n  Model "no-such-model" is not installed. Install it first: ollama pull no-such-model\n',
  );
  expect(stdout.text).toMatch(
    /\nA first-token timeout of 1 ms:\n {2}Ollama took too long \(timeout: [^\n]*\(firstToken\)\)\. Try again[^\n]*\n/,
  );
  expect(stdout.text).toContain(
    '\nA request with a bad option:\n  Not sent: Invalid ollama-rx options: timeouts.idle: expected a positive number (ms), got -1\n',
  );
  // The timed-out request was aborted (if it got as far as the server), not left to load for 30 s.
  await server().until(() => server().requests.every((request) => request.finishedAt ?? request.disconnectedAt));
});

test('benchmark: the non-streaming total against the streaming first token, total and rate', async () => {
  const before = server().requests.length;
  const stdout = await run(benchmark, 'twentyThree');
  const lines = stdout.text.split('\n');
  expect(lines).toContainEqual(expect.stringMatching(/^Non-streaming: the whole answer after \d+ ms$/));
  expect(lines).toContainEqual(expect.stringMatching(/^Streaming: {5}the first token after \d+ ms, the whole answer after \d+ ms$/));
  expect(lines).toContainEqual(expect.stringMatching(/^ {15}23 tokens in 24 chunks at [\d.]+ tokens\/s$/));
  // The model is loaded first, so that neither measurement includes the load.
  const bodies = server()
    .requests.slice(before)
    .map((request) => request.body);
  expect(bodies).toMatchObject([
    { prompt: '', stream: false },
    { prompt: 'Write a haiku about the sea.', stream: false },
    { prompt: 'Write a haiku about the sea.', stream: true },
  ]);
});

describe('handler', () => {
  test('onChunk prints each piece, onComplete sums up', async () => {
    const stdout = await run(handler, 'emoji');
    expect(stdout.text).toContain('\n\nHi there 🌅\n\n[complete: 10 characters in 4 chunks]\n');
    expect(stdout.code).toBe(0);
  });

  test('onError gets the error and the text received before it', async () => {
    const stdout = await run(handler, 'failing');
    expect(stdout.text).toContain('\n\nHalf an\n\n[error after 7 characters: the GPU caught fire]\n');
    expect(stdout.code).toBe(1);
  });
});

test("tokens: the word estimate next to the server's exact count", async () => {
  const stdout = await run(tokens, 'split');
  expect(stdout.text).toContain('\n\nHello world again\n\n≈ 3 tokens estimated from the words; the server counted 4\n');
});

test('throttle: fewer updates than chunks, and all the text', async () => {
  const stdout = await run(throttle, 'twentyThree');
  const [, arrived, shown] = /\n(\d+) chunks arrived, shown in (\d+) updates \(at most one per 100 ms\)\n$/.exec(stdout.text)!.map(Number);
  expect(arrived).toBe(24);
  // The test server sends an unpaced answer in one write: one update at once, the rest merged.
  expect(shown).toBeLessThan(arrived!);
  expect(stdout.text).toContain(`\n\n${TWENTY_THREE}\n\n`);
});

describe('final-newline', () => {
  test('adds the newline an answer lacks', async () => {
    const stdout = await run(finalNewline, 'tiny');
    expect(stdout.text.endsWith('\n\nHello world\n')).toBe(true);
  });

  test('adds none to an answer that ends with one', async () => {
    const stdout = await run(finalNewline, 'endsWithNewline');
    expect(stdout.text.endsWith('\n\nDone.\n')).toBe(true);
  });

  test('prints nothing for an empty answer', async () => {
    const stdout = await run(finalNewline, 'silent');
    expect(stdout.text.endsWith('> Name one planet.\n\n')).toBe(true);
  });
});

describe('agent', () => {
  test('the simulated model calls both tools, in parallel, then answers from their results', async () => {
    const io = fakeIO({ env: FAST_SIMULATION, args: ['Weather', 'in', 'Tokyo', 'and', 'the', 'time', 'in', 'London?'] });
    expect(await agent(io)).toBe(0);
    const text = io.stdout.text;
    expect(text).toContain('> Weather in Tokyo and the time in London?\n\n');
    expect(text).toContain('→ get_weather({"city":"Tokyo"})\n→ get_local_time({"city":"London"})\n');
    expect(text).toContain('← get_weather: {"city":"Tokyo","temperatureC":24,"conditions":"sunny"}\n');
    expect(text).toMatch(/← get_local_time: \d\d:\d\d\n/);
    expect(text).toMatch(
      /\nHere is what I found\. get_weather says \{"city":"Tokyo","temperatureC":24,"conditions":"sunny"\}; get_local_time says \d\d:\d\d\.\n$/,
    );
  });

  test("a tool's failure goes back to the model, which still answers", async () => {
    const io = fakeIO({ env: FAST_SIMULATION, args: ['Weather', 'in', 'Atlantis?'] });
    expect(await agent(io)).toBe(0);
    expect(io.stdout.text).toContain("✗ get_weather: tool 'get_weather' failed: no weather station in Atlantis\n");
    expect(io.stdout.text).toContain("get_weather says tool 'get_weather' failed: no weather station in Atlantis;");
  });

  test('Ctrl-C while the tools run stops the agent: exit code 130', async () => {
    const io = fakeIO({ env: FAST_SIMULATION });
    const exit = agent(io);
    await eventually(() => io.stdout.text.includes('→ get_local_time('), 'the tool calls');
    io.interrupt();
    expect(await exit).toBe(130);
    expect(io.stdout.text).not.toContain('← get_weather');
    expect(io.stdout.text.endsWith('\n(cancelled)\n')).toBe(true);
  });
});
