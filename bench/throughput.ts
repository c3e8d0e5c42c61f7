/** Chunks per second of one 100k-token stream read to completion, every contender in every round. */
import type { OperatorFunction } from 'rxjs';
import { collectText } from '../src/operators/collectText.js';
import { countTokens } from '../src/operators/countTokens.js';
import { throttleChunks } from '../src/operators/throttleChunks.js';
import type { StreamChunk } from '../src/types.js';
import { OllamaPackage, RawUndici, type Received, RxClient } from './contenders.js';
import { alternate, cpuTime } from './measure.js';
import { BIG_TEXT_LENGTH, BIG_TOKENS } from './protocol.js';
import { type Row, rate, times } from './table.js';

const LINES = BIG_TOKENS + 1; // and the final `done` line
const ROUNDS = 25;

/** Fails the benchmark if a contender got the answer wrong: speed only counts for right answers. */
function check(name: string, received: Received, expected: Partial<Received>): void {
  for (const [key, value] of Object.entries(expected)) {
    const actual = received[key as keyof Received];
    if (actual !== value) throw new Error(`${name}: ${key} was ${String(actual)}, expected ${String(value)}`);
  }
}

const OPERATORS: Record<string, { operator: () => OperatorFunction<StreamChunk, unknown>; expect: Partial<Received> }> = {
  'collectText()': { operator: collectText, expect: { chunks: 1, textLength: BIG_TEXT_LENGTH } },
  'throttleChunks()': { operator: () => throttleChunks(), expect: { textLength: BIG_TEXT_LENGTH } },
  'countTokens()': { operator: () => countTokens(), expect: { last: BIG_TOKENS } },
};

export async function measureThroughput(host: string, proxyHost: string | undefined): Promise<Row[]> {
  const raw = new RawUndici(host);
  const rx = new RxClient(host);
  const ollama = new OllamaPackage(host);
  const rawProxied = proxyHost ? new RawUndici(proxyHost) : undefined;
  const rxProxied = proxyHost ? new RxClient(proxyHost) : undefined;
  const whole = { chunks: LINES, textLength: BIG_TEXT_LENGTH };

  const runs: Record<string, () => Promise<void>> = {
    limit: async () => check('raw undici', await raw.generate('big', 'limit'), whole),
    ollama: async () => check('ollama', await ollama.generate('big', 'ollama'), whole),
    fromOllama: async () => check('fromOllama', await rx.generate('big', 'fromOllama'), whole),
    drain: async () => void (await raw.drain('big')),
  };
  for (const [name, { operator, expect }] of Object.entries(OPERATORS)) {
    runs[name] = async () => check(name, await rx.generate('big', name, operator()), expect);
  }
  if (rawProxied && rxProxied) {
    runs.proxiedLimit = async () => check('raw undici via nginx', await rawProxied.generate('big', 'limit'), whole);
    runs.proxied = async () => check('fromOllama via nginx', await rxProxied.generate('big', 'fromOllama'), whole);
  }
  // Each run's wall-clock time is what `alternate` records; its CPU time is kept on the side.
  const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(runs).map((name) => [name, []]));
  let measuring = false;
  const contenders = Object.fromEntries(
    Object.entries(runs).map(([name, run]) => [
      name,
      async () => {
        const ms = await cpuTime(run);
        if (measuring) cpu[name]!.push(ms);
      },
    ]),
  );

  await alternate(2, contenders); // warm-up: JIT, connections
  measuring = true;
  const wall = await alternate(ROUNDS, contenders);
  await Promise.all([raw.close(), rx.close(), rawProxied?.close(), rxProxied?.close()]);
  if (process.env.BENCH_DEBUG) {
    for (const name of Object.keys(runs)) {
      console.error(name.padEnd(18), 'wall', wall[name]!.map((v) => v.toFixed(0)).join(' '), '| cpu', cpu[name]!.map((v) => v.toFixed(0)).join(' '));
    }
  }

  // Best of the rounds for both clocks: on a shared machine, other jobs only ever add time. Targets
  // are judged on the client's CPU time per stream, which other processes barely move; wall-clock
  // chunks/s, which includes waiting for the server and the scheduler, is shown beside it.
  const bestWall = (name: string) => Math.min(...wall[name]!);
  const cpuPerStream = (name: string) => Math.min(...cpu[name]!);
  const describe = (name: string) =>
    `${rate((LINES / bestWall(name)) * 1000)}, ${((cpuPerStream(name) / LINES) * 1000).toFixed(2)} µs CPU a chunk`;
  const versus = (name: string, other: string, label: string, target?: number): Row => {
    const ratio = cpuPerStream(other) / cpuPerStream(name);
    return {
      figure: '',
      measured: describe(name),
      compare: `${label}: ${describe(other)}`,
      ratio: `CPU ${times(ratio)}, wall ${times(bestWall(other) / bestWall(name))}`,
      ...(target === undefined ? {} : { target: `≥ ${target}×`, pass: ratio >= target }),
    };
  };

  const rows: Row[] = [
    { ...versus('fromOllama', 'limit', 'raw undici + split + JSON.parse (the limit)', 0.85), figure: `fromOllama, ${BIG_TOKENS / 1000}k-token stream to completion` },
    { ...versus('fromOllama', 'ollama', 'the `ollama` package', 1.8), figure: 'fromOllama vs the `ollama` package, same stream' },
  ];
  for (const name of Object.keys(OPERATORS)) {
    rows.push({ ...versus(name, 'fromOllama', 'fromOllama alone', 0.9), figure: `fromOllama + ${name}` });
  }
  const serverRatio = bestWall('limit') / bestWall('drain');
  rows.push({
    figure: 'server check: its bytes drained, not even split',
    measured: rate((LINES / bestWall('drain')) * 1000),
    compare: `the limit: ${rate((LINES / bestWall('limit')) * 1000)}`,
    ratio: `wall ${times(serverRatio)}`,
    target: 'faster than the limit',
    pass: serverRatio > 1,
  });
  if (proxyHost) {
    rows.push({ ...versus('proxied', 'proxiedLimit', 'raw undici via nginx'), figure: 'through nginx: fromOllama, same stream' });
  }
  return rows;
}
