import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLES } from '../../../examples/support.js';
import { FAST_SIMULATION, realOllama, useServer } from './harness.js';
import { ROOT, spawnExample } from './spawn.js';

const server = useServer({
  loading: { tokens: ['never'], loadDelayMs: 30_000 },
  long: { tokens: Array.from({ length: 2_000 }, (_, i) => ` word${i}`), tokenDelayMs: 5 },
});

test('every example file is registered, and each has a main and a summary', async () => {
  const files = readdirSync(join(ROOT, 'examples'))
    .filter((file) => file.endsWith('.ts') && !['run.ts', 'support.ts'].includes(file))
    .map((file) => file.slice(0, -'.ts'.length));
  expect([...EXAMPLES].sort()).toEqual(files.sort());
  for (const name of EXAMPLES) {
    const module = (await import(`../../../examples/${name}.js`)) as Record<string, unknown>;
    expect([name, typeof module.main, typeof module.summary]).toEqual([name, 'function', 'string']);
  }
});

// Processes: the runner as `npm run example` and `npm run demo` start it. They run in parallel.
test.concurrent('without a name it lists the examples and exits 0; an unknown name exits 2', async () => {
  const listing = spawnExample([]);
  const unknown = spawnExample(['nope']);
  expect(await listing.exit).toBe(0);
  for (const name of EXAMPLES) expect(listing.stdout()).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
  expect(await unknown.exit).toBe(2);
  expect(unknown.stderr()).toMatch(/^No example named "nope"\.\nUsage: npm run example -- <name>/);
});

test.concurrent('the demo, piped: plain text and exit code 0', async () => {
  const demo = spawnExample(['demo'], FAST_SIMULATION);
  expect(await demo.exit).toBe(0);
  expect(demo.stdout()).not.toContain('\x1b');
  expect(demo.stdout()).toMatch(/\n\n\d+ tokens · first token after \d+ ms · [\d.]+ tokens\/s · [\d.]+ s in all\n$/);
  expect(demo.stderr()).toBe('');
});

test.concurrent('the demo on SIGINT while the model loads: the server sees the abort, exit code 130', async () => {
  const demo = spawnExample(['demo'], realOllama(server(), 'loading'));
  await server().until(() => server().requests.some((request) => request.body?.model === 'loading'), 15_000);
  const request = server().requests.find((request) => request.body?.model === 'loading')!;
  demo.child.kill('SIGINT');
  expect(await demo.exit).toBe(130);
  expect(request.disconnectedAt).toBeDefined();
  expect(demo.stdout()).toContain('\n\n(cancelled)\n');
});

test.concurrent('a failure is one line on stderr, exit code 1', async () => {
  const failed = spawnExample(['basic'], { OLLAMA_HOST: server().url, OLLAMA_MODEL: 'not-installed' });
  expect(await failed.exit).toBe(1);
  expect(failed.stderr()).toBe("Error: model 'not-installed' not found\n");
});

test.concurrent('a closed stdout (| head -c 50) ends an example quietly with exit code 0', async () => {
  const basic = spawnExample(['basic'], FAST_SIMULATION);
  basic.child.stdout!.destroy();
  expect([await basic.exit, basic.stderr()]).toEqual([0, '']);
});

test.concurrent('the demo, its stdout closed mid-answer: the request is aborted (the server sees it), exit code 0', async () => {
  const demo = spawnExample(['demo'], realOllama(server(), 'long'));
  await new Promise<void>((resolve) => demo.child.stdout!.on('data', (text: Buffer) => String(text).includes(' word') && resolve()));
  const request = server().requests.find((request) => request.body?.model === 'long')!;
  demo.child.stdout!.destroy();
  expect([await demo.exit, demo.stderr()]).toEqual([0, '']);
  await server().until(() => request.disconnectedAt !== undefined);
  expect(request.finishedAt).toBeUndefined();
});
