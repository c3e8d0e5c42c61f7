/**
 * Fan-out: 1,000 concurrent streams at a real model's pace (50 tokens/s each), what a backend serving
 * many chat users pays. Every token arrives as its own socket read, so this is the per-read cost,
 * where the throughput rows measure the per-line cost of full buffers. The client's CPU time is
 * measured in this process alone (the server runs in its own), against the raw reader under the
 * same load, and the heap at its peak.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RawUndici, type Received, RxClient } from './contenders.js';
import { alternate } from './measure.js';
import { FANOUT_TOKEN_DELAY_MS, fanoutPrompt, fanoutTokens } from './protocol.js';
import { type Row, ms, times } from './table.js';

const STREAMS = 1_000;
/** `BENCH_FANOUT_SECONDS` shortens (or lengthens) every stream; 10 s by default. */
const SECONDS = Number(process.env.BENCH_FANOUT_SECONDS ?? 10);
const TOKENS = Math.round((SECONDS * 1000) / FANOUT_TOKEN_DELAY_MS);
const ROUNDS = 2;
const MB = 1024 * 1024;
const HEAP_SAMPLE_MS = 100;
/** Cheaper than `process.memoryUsage()`, which also reads the resident set size from the OS. */
const heapUsed = () => getHeapStatistics().used_heap_size;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface FanOut {
  cpuMs: number;
  wallMs: number;
  chunks: number;
  /** Peak heap over the heap before the streams started, after a full GC. */
  heapGrowth: number;
  heapPeak: number;
  /** Heap held with every stream open, after a full GC, over the heap before. */
  live: number;
}

/** Runs `STREAMS` streams at once through `read` and measures them; throws if any answer is wrong. */
async function fanOut(name: string, read: (prompt: string) => Promise<Received>): Promise<FanOut> {
  const prompts = Array.from({ length: STREAMS }, (_, i) => fanoutPrompt(i, TOKENS));
  gc();
  const before = heapUsed();
  let peak = before;
  let live = 0;
  const sample = setInterval(() => (peak = Math.max(peak, heapUsed())), HEAP_SAMPLE_MS);
  // Halfway through, every stream is open: a full GC there leaves what they hold, garbage aside.
  const halfway = setTimeout(
    () => {
      gc();
      live = heapUsed() - before;
    },
    (SECONDS * 1000) / 2,
  );
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const received = await Promise.all(prompts.map(read));
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sample);
  clearTimeout(halfway);
  peak = Math.max(peak, heapUsed());
  received.forEach((answer, i) => {
    const length = fanoutTokens(prompts[i]!).join('').length;
    if (answer.chunks !== TOKENS + 1 || answer.textLength !== length) {
      throw new Error(
        `${name}: stream ${i} got ${answer.chunks} chunks, ${answer.textLength} characters; expected ${TOKENS + 1}, ${length}`,
      );
    }
  });
  return { cpuMs: (cpu.user + cpu.system) / 1000, wallMs, chunks: STREAMS * (TOKENS + 1), heapGrowth: peak - before, heapPeak: peak, live };
}

export async function measureFanOut(host: string): Promise<Row[]> {
  const rx = new RxClient(host);
  const raw = new RawUndici(host);
  const results: Record<string, FanOut[]> = { rx: [], raw: [] };
  await alternate(ROUNDS, {
    rx: async () => void results.rx!.push(await fanOut('fromOllama', (prompt) => rx.generate('fanout', prompt))),
    raw: async () => void results.raw!.push(await fanOut('raw undici', (prompt) => raw.generate('fanout', prompt))),
  });
  await Promise.all([rx.close(), raw.close()]);
  if (process.env.BENCH_DEBUG) console.error('fan-out', JSON.stringify(results));

  // Best of the rounds: on a shared machine other jobs only ever add time.
  const best = (name: string) => results[name]!.reduce((a, b) => (b.cpuMs < a.cpuMs ? b : a));
  const mostHeap = (name: string) => Math.max(...results[name]!.map((run) => run.heapGrowth));
  const rxRun = best('rx');
  const rawRun = best('raw');
  const perChunk = (run: FanOut) => (run.cpuMs / run.chunks) * 1000;
  const describe = (run: FanOut) =>
    `${perChunk(run).toFixed(2)} µs CPU a chunk, ${(run.cpuMs / 1000).toFixed(1)} s CPU in ${(run.wallMs / 1000).toFixed(1)} s`;
  const cpuRatio = perChunk(rxRun) / perChunk(rawRun);
  const heap = mostHeap('rx') / MB;
  const load = `${STREAMS.toLocaleString('en')} concurrent streams, ${1000 / FANOUT_TOKEN_DELAY_MS} tokens/s each for ${SECONDS} s`;
  return [
    {
      figure: `fan-out: ${load}, client CPU`,
      measured: describe(rxRun),
      compare: `raw undici reader, same load: ${describe(rawRun)}`,
      ratio: `CPU ${times(cpuRatio)} the raw reader's`,
      target: '≤ 1.15×',
      pass: cpuRatio <= 1.15,
    },
    {
      figure: `fan-out: heap at peak, same ${STREAMS.toLocaleString('en')} streams`,
      measured: `+${heap.toFixed(1)} MB over the heap before they started`,
      compare: `held halfway (after a full GC) +${(Math.max(...results.rx!.map((run) => run.live)) / MB).toFixed(1)} MB; raw reader +${(mostHeap('raw') / MB).toFixed(1)} MB; process heap at peak ${(rxRun.heapPeak / MB).toFixed(0)} MB; all ${STREAMS} answers right in ${ms(rxRun.wallMs)}`,
      target: '≤ 48 MB',
      pass: heap <= 48,
    },
  ];
}
