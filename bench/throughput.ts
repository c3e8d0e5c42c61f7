/**
 * Chunks per second of one 100k-token stream read to completion, every contender in every round,
 * on two framings of the same bytes: Ollama's (each line its own HTTP chunk) and 64 kB batches.
 */
import type { OperatorFunction } from 'rxjs';
import { collectText } from '../src/operators/collectText.js';
import { countTokens } from '../src/operators/countTokens.js';
import { throttleChunks } from '../src/operators/throttleChunks.js';
import type { StreamChunk } from '../src/core/types.js';
import { OllamaPackage, RawUndici, type ReadMode, type Received, RxClient } from './contenders.js';
import { alternate, cpuTime } from './measure.js';
import { BIG_TEXT_LENGTH, BIG_TOKENS } from './protocol.js';
import { type Row, rate, times } from './table.js';

const LINES = BIG_TOKENS + 1; // and the final `done` line
const ROUNDS = 15;

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

/** The raw readers, fastest expected first; the limit is whichever is fastest in this run. */
const READ_MODES: Record<ReadMode, string> = {
  paused: "paused mode ('readable' + read())",
  dispatch: 'dispatch handler (onResponseData)',
  'for-await': 'for await',
  flowing: "flowing mode ('data' events)",
};
/** The ones tried on the batched framing too. */
const BATCHED_READ_MODES: ReadMode[] = ['paused', 'dispatch'];

export async function measureThroughput(host: string, proxyHost: string | undefined): Promise<Row[]> {
  const raws = Object.fromEntries(Object.keys(READ_MODES).map((mode) => [mode, new RawUndici(host, mode as ReadMode)])) as Record<
    ReadMode,
    RawUndici
  >;
  const rx = new RxClient(host);
  const rxFetch = new RxClient(host, 'fetch');
  const ollama = new OllamaPackage(host);
  const rawProxied = proxyHost ? new RawUndici(proxyHost) : undefined;
  const rxProxied = proxyHost ? new RxClient(proxyHost) : undefined;
  const whole = { chunks: LINES, textLength: BIG_TEXT_LENGTH };

  const runs: Record<string, () => Promise<void>> = {
    ollama: async () => check('ollama', await ollama.generate('big', 'ollama'), whole),
    fromOllama: async () => check('fromOllama', await rx.generate('big', 'fromOllama'), whole),
    fetchFromOllama: async () => check('fromOllama over fetch', await rxFetch.generate('big', 'fromOllama'), whole),
    batchedFromOllama: async () => check('fromOllama, batched', await rx.generate('bigBatched', 'fromOllama'), whole),
    drain: async () => void (await raws.paused.drain('big')),
  };
  for (const mode of Object.keys(READ_MODES) as ReadMode[]) {
    runs[`raw ${mode}`] = async () => check(`raw ${mode}`, await raws[mode].generate('big', 'limit'), whole);
  }
  for (const mode of BATCHED_READ_MODES) {
    runs[`batched raw ${mode}`] = async () => check(`raw ${mode}, batched`, await raws[mode].generate('bigBatched', 'limit'), whole);
  }
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
  await Promise.all([
    ...Object.values(raws).map((raw) => raw.close()),
    rx.close(),
    rxFetch.close(),
    rawProxied?.close(),
    rxProxied?.close(),
  ]);
  if (process.env.BENCH_DEBUG) {
    for (const name of Object.keys(runs)) {
      console.error(
        name.padEnd(22),
        'wall',
        wall[name]!.map((v) => v.toFixed(0)).join(' '),
        '| cpu',
        cpu[name]!.map((v) => v.toFixed(0)).join(' '),
      );
    }
  }

  // Best of the rounds for both clocks: on a shared machine, other jobs only ever add time. The
  // client's CPU time per stream, which other processes barely move, is the steadier figure;
  // wall-clock chunks/s includes waiting for the server and the scheduler.
  const bestWall = (name: string) => Math.min(...wall[name]!);
  const bestCpu = (name: string) => Math.min(...cpu[name]!);
  const fastest = (names: string[]) => names.reduce((best, name) => (bestCpu(name) < bestCpu(best) ? name : best));
  const describe = (name: string) =>
    `${rate((LINES / bestWall(name)) * 1000)}, ${((bestCpu(name) / LINES) * 1000).toFixed(2)} µs CPU a chunk`;
  /** `target` on CPU alone, or on CPU and wall. */
  const versus = (name: string, other: string, label: string, target?: { ratio: number; wallToo?: boolean }): Row => {
    const cpuRatio = bestCpu(other) / bestCpu(name);
    const wallRatio = bestWall(other) / bestWall(name);
    return {
      figure: '',
      measured: describe(name),
      compare: `${label}: ${describe(other)}`,
      ratio: `CPU ${times(cpuRatio)}, wall ${times(wallRatio)}`,
      ...(target && {
        target: `≥ ${target.ratio}×${target.wallToo ? ' CPU and wall' : ' CPU'}`,
        pass: cpuRatio >= target.ratio && (!target.wallToo || wallRatio >= target.ratio),
      }),
    };
  };

  const modes = Object.keys(READ_MODES) as ReadMode[];
  const limit = fastest(modes.map((mode) => `raw ${mode}`));
  const limitLabel = `the limit, raw undici ${READ_MODES[limit.slice(4) as ReadMode]} + split + JSON.parse`;
  const batchedLimit = fastest(BATCHED_READ_MODES.map((mode) => `batched raw ${mode}`));
  const batchedLabel = `the limit, raw undici ${READ_MODES[batchedLimit.slice(12) as ReadMode]}, same bytes`;
  const size = `${BIG_TOKENS / 1000}k-token stream`;
  const rows: Row[] = [
    {
      ...versus('fromOllama', limit, limitLabel, { ratio: 0.9, wallToo: true }),
      figure: `fromOllama, ${size}, one HTTP chunk per line (Ollama's framing)`,
    },
    {
      ...versus('fromOllama', 'ollama', 'the `ollama` package', { ratio: 2, wallToo: true }),
      figure: 'fromOllama vs the `ollama` package, same stream',
    },
    {
      ...versus('batchedFromOllama', batchedLimit, batchedLabel, { ratio: 0.9, wallToo: true }),
      figure: `fromOllama, ${size} in 64 kB chunks`,
    },
  ];
  rows.push({
    ...versus('fetchFromOllama', 'ollama', 'the `ollama` package (also over fetch)'),
    figure: "fromOllama with the fetch transport (Node's fetch), one chunk per line",
  });
  for (const name of Object.keys(OPERATORS)) {
    rows.push({ ...versus(name, 'fromOllama', 'fromOllama alone', { ratio: 0.9 }), figure: `fromOllama + ${name}, one chunk per line` });
  }
  for (const mode of modes) {
    const name = `raw ${mode}`;
    if (name !== limit) rows.push({ ...versus(name, limit, 'the limit'), figure: `raw reader, ${READ_MODES[mode]}, one chunk per line` });
  }
  const serverRatio = bestWall(limit) / bestWall('drain');
  rows.push({
    figure: 'server check: its bytes drained, not even split',
    measured: rate((LINES / bestWall('drain')) * 1000),
    compare: `the limit: ${rate((LINES / bestWall(limit)) * 1000)}`,
    ratio: `wall ${times(serverRatio)}`,
    target: 'faster than the limit',
    pass: serverRatio > 1,
  });
  if (proxyHost) {
    rows.push({ ...versus('proxied', 'proxiedLimit', 'raw undici via nginx'), figure: 'through nginx: fromOllama, same stream' });
  }
  return rows;
}
