import { main as chat } from '../../../examples/chat.js';
import { FAST_SIMULATION, type FakeIO, eventually, fakeIO, plain, realOllama, useServer } from './harness.js';

const questions = (body: Record<string, unknown> | undefined) =>
  (body?.messages as { role: string }[]).filter((message) => message.role === 'user').length;

const server = useServer({
  // The first answer is long and slow (to be stopped); later ones are short.
  chatty: {
    tokens: (body) => (questions(body) === 1 ? Array.from({ length: 400 }, (_, i) => ` word${i}`) : ['Sure', '.']),
    tokenDelayMs: 5,
  },
  missing: { faults: { status: 500, body: { error: 'out of memory' } } },
});

test('piped input: the simulated model answers each question, and from the whole history; exit ends the session', async () => {
  const io = fakeIO({ env: FAST_SIMULATION });
  io.stdin.end('What is RxJS?\n\nWhat is 6 x 7?\nWhat did I ask?\nexit\nnever asked\n');
  expect(await chat(io)).toBe(0);

  const transcript = io.stdout.text;
  expect(transcript).toContain('you> What is RxJS?\nassistant> RxJS is a library for composing asynchronous streams');
  expect(transcript).toContain('you> \nyou> What is 6 x 7?\nassistant> 6 x 7 = 42.\n');
  // The embedded model answers from the history it receives: the earlier questions came with the last one.
  expect(transcript).toContain('you> What did I ask?\nassistant> Before this you asked “What is RxJS?”, then “What is 6 x 7?”');
  expect(transcript).not.toContain('never asked');
  expect(transcript.endsWith('\nBye (6 messages in the history).\n')).toBe(true);
});

/**
 * Asks, stops the answer with a first Ctrl-C, asks again, and quits with a second Ctrl-C at the prompt;
 * `interrupt` sends the Ctrl-C, `ask` a line.
 */
async function stopThenQuit(io: FakeIO, { interrupt, ask }: { interrupt(): void; ask(line: string): void }) {
  // What a terminal would show: without control sequences, lines ending in \n.
  const screen = () => plain(io.stdout.text).replaceAll('\r\n', '\n');
  const session = chat(io);
  ask('Tell me everything.');
  await eventually(() => screen().includes(' word3'), 'the answer to start');

  interrupt();
  const first = server().requests.at(-1)!;
  await server().until(() => first.disconnectedAt !== undefined);
  await eventually(() => screen().includes(' [stopped]\n'), 'the stop notice');
  const shown = /assistant> ([^[]*) \[stopped\]/.exec(screen())![1]!;

  ask('Go on.');
  await eventually(() => screen().includes('you> Go on.\nassistant> Sure.\n'), 'the second answer');
  const history = server().requests.at(-1)!.body!.messages;
  expect(history).toEqual([
    { role: 'system', content: expect.any(String) },
    { role: 'user', content: 'Tell me everything.' },
    { role: 'assistant', content: shown },
    { role: 'user', content: 'Go on.' },
  ]);

  interrupt();
  expect(await session).toBe(0);
  expect(screen().endsWith('\nBye (4 messages in the history).\n')).toBe(true);
}

test('Ctrl-C stops the answer (the server sees the abort), the history keeps what was shown; Ctrl-C at the prompt quits', async () => {
  const io = fakeIO({ env: realOllama(server(), 'chatty') });
  await stopThenQuit(io, { interrupt: io.interrupt, ask: (line) => io.stdin.write(`${line}\n`) });
});

test('on a terminal, Ctrl-C reaches readline as a keystroke and works the same', async () => {
  const io = fakeIO({ env: realOllama(server(), 'chatty'), terminal: { rows: 24, columns: 80 } });
  await stopThenQuit(io, {
    interrupt: () => io.stdin.write('\x03'),
    ask: (line) => io.stdin.write(`${line}\r`),
  });
});

test('a failed turn is reported and the chat goes on; quit works like exit', async () => {
  const io = fakeIO({ env: realOllama(server(), 'missing') });
  io.stdin.end('Hello?\nQUIT\n');
  expect(await chat(io)).toBe(0);
  expect(io.stdout.text).toContain('Hello?\nassistant> \nError: out of memory\n');
  expect(io.stdout.text.endsWith('\nBye (0 messages in the history).\n')).toBe(true);
});
