import { main as demo } from '../../../examples/demo.js';
import { DEMO_ANSWER } from '../../../src/testing/index.js';
import { FAST_SIMULATION, fakeIO, plain, realOllama, useServer } from './harness.js';

const TERMINAL = { rows: 24, columns: 80 };
/** A status line drawn on the last row of a 24-row terminal. */
const STATUS = /^\x1b7\x1b\[24;1H\x1b\[2K\x1b\[2m(.*)\x1b\[0m\x1b8$/;
const TIMINGS = /\n\n(\d+) tokens · first token after \d+ ms · [\d.]+ tokens\/s · [\d.]+ s in all\n$/;

const server = useServer({
  short: { tokens: ['Blue', ' light', ' scatters', ' most.'], tokenDelayMs: 20, loadDelayMs: 250 },
  loading: { tokens: ['never'], loadDelayMs: 30_000 },
  failing: { tokens: ['Half', ' an', ' answer'], faults: { errorAfterTokens: 2, errorMessage: 'the GPU caught fire' } },
});

test('piped: plain text, no control codes, the timings, exit code 0', async () => {
  const io = fakeIO({ env: FAST_SIMULATION });
  expect(await demo(io)).toBe(0);
  const output = io.stdout.text;
  expect(output).not.toContain('\x1b');
  expect(output).toMatch(/^Simulated Ollama at http:\/\/127\.0\.0\.1:\d+, model simulated-llama/);
  expect(output).toContain(`\n> Why is the sky blue?\n\n${DEMO_ANSWER}\n\n`);
  expect(TIMINGS.exec(output)?.[1]).toBe(String(DEMO_ANSWER.split(' ').length));
});

test('on a terminal: the answer types in under a status line pinned to the last row', async () => {
  const io = fakeIO({ env: realOllama(server(), 'short'), terminal: TERMINAL });
  expect(await demo(io)).toBe(0);
  const { writes, text } = io.stdout;

  // The rows above the last scroll; the status is drawn on the last row, the cursor put back.
  expect(text).toContain('\x1b[1;23r');
  const statuses = writes.flatMap((write) => STATUS.exec(write)?.[1] ?? []);
  expect(statuses[0]).toMatch(/^waiting for the model… \d\.\d s$/);
  expect(statuses).toContainEqual(expect.stringMatching(/^\d tokens · first token after \d+ ms/));
  // One write per character, then the timings; the terminal is given back as it was.
  expect(writes).toEqual(expect.arrayContaining([...'Blue light scatters most.']));
  const screen = plain(writes.filter((write) => !STATUS.test(write)).join(''));
  expect(screen).toMatch(new RegExp(`\n> Why is the sky blue\\?\n\n\n?Blue light scatters most\\.${TIMINGS.source}`));
  expect(text.endsWith('\x1b7\x1b[24;1H\x1b[2K\x1b[r\x1b8\x1b[?25h')).toBe(true);
});

test('Ctrl-C while the model loads: the request is aborted, the terminal restored, exit code 130', async () => {
  const io = fakeIO({ env: realOllama(server(), 'loading'), terminal: TERMINAL });
  const exitCode = demo(io);
  await server().until(() => server().requests.some((request) => request.body?.model === 'loading'));
  const request = server().requests.at(-1)!;
  io.interrupt();
  expect(await exitCode).toBe(130);
  await server().until(() => request.disconnectedAt !== undefined);
  expect(plain(io.stdout.text)).toContain('\n\n(cancelled)\n');
  expect(io.stdout.text.endsWith('\x1b[r\x1b8\x1b[?25h')).toBe(true);
});

test('a failure mid-answer: the text received, then the error (for the runner to print)', async () => {
  const io = fakeIO({ env: realOllama(server(), 'failing') });
  await expect(demo(io)).rejects.toThrow('the GPU caught fire');
  expect(io.stdout.text.endsWith('\n\nHalf an\n')).toBe(true);
});

test('status lines stop when the typing ends', async () => {
  const io = fakeIO({ env: realOllama(server(), 'short'), terminal: TERMINAL });
  await demo(io);
  const written = io.stdout.writes.length;
  await new Promise((resolve) => setTimeout(resolve, 250));
  expect(io.stdout.writes.length).toBe(written);
});
