/**
 * Abort latency: from the unsubscribe (or `abort()`) to the moment the server process sees the
 * client gone, both read on the machine-wide monotonic clock.
 */
import type { Observable } from 'rxjs';
import type { BenchServer } from './child.js';
import { OllamaPackage, RxClient } from './contenders.js';
import { alternate, median, quantile } from './measure.js';
import { monotonicMs } from './protocol.js';
import { type Row, ms } from './table.js';

const ROUNDS = 100;
const CHUNKS_BEFORE_ABORT = 3;
let requestCount = 0;
const uniquePrompt = (label: string) => `${label} #${++requestCount}`;

/** When the server saw the request with `prompt` end, and whether the client had gone away. */
async function serverSawEnd(server: BenchServer, prompt: string, timeoutMs = 5_000) {
  const reply = await server.ask({ op: 'ended', prompt, timeoutMs });
  return { at: reply.at, disconnected: reply.disconnected === true };
}

async function latency(server: BenchServer, prompt: string, abortedAt: number): Promise<number> {
  const end = await serverSawEnd(server, prompt);
  if (end.at === undefined || !end.disconnected) throw new Error(`the server never saw "${prompt}" aborted`);
  return end.at - abortedAt;
}

/** Unsubscribes after a few chunks. */
function abortMidStream(server: BenchServer, source: (prompt: string) => Observable<unknown>) {
  return async () => {
    const prompt = uniquePrompt('mid-stream');
    const abortedAt = await new Promise<number>((resolve, reject) => {
      let chunks = 0;
      const subscription = source(prompt).subscribe({
        next: () => {
          if (++chunks < CHUNKS_BEFORE_ABORT) return;
          const at = monotonicMs();
          subscription.unsubscribe();
          resolve(at);
        },
        error: reject,
      });
    });
    return latency(server, prompt, abortedAt);
  };
}

/** Unsubscribes once the server holds the request and is still "loading the model": no header yet. */
function abortDuringLoad(server: BenchServer, source: (prompt: string) => Observable<unknown>) {
  return async () => {
    const prompt = uniquePrompt('loading');
    const subscription = source(prompt).subscribe();
    await server.ask({ op: 'received', prompt, timeoutMs: 5_000 });
    const abortedAt = monotonicMs();
    subscription.unsubscribe();
    return latency(server, prompt, abortedAt);
  };
}

/** The `ollama` package's documented way: `abort()` on the instance, here after a few parts. */
function ollamaAbortMidStream(server: BenchServer, ollama: OllamaPackage) {
  return async () => {
    const prompt = uniquePrompt('ollama mid-stream');
    let abortedAt = 0;
    let parts = 0;
    try {
      for await (const _ of await ollama.ollama.generate({ model: 'paced', prompt, stream: true })) {
        if (++parts < CHUNKS_BEFORE_ABORT) continue;
        abortedAt = monotonicMs();
        ollama.ollama.abort();
      }
    } catch (error) {
      if ((error as Error).name !== 'AbortError') throw error;
    }
    return latency(server, prompt, abortedAt);
  };
}

/**
 * `ollama`'s `abort()` during the model load: it only knows the requests whose headers arrived, so
 * it does nothing; the answer is then generated and read in full. Returns what the server saw.
 */
async function ollamaAbortDuringLoad(server: BenchServer, ollama: OllamaPackage) {
  const prompt = uniquePrompt('ollama loading');
  const answer = ollama.ollama.generate({ model: 'loadingBriefly', prompt, stream: true });
  await server.ask({ op: 'received', prompt, timeoutMs: 5_000 });
  const abortedAt = monotonicMs();
  ollama.ollama.abort();
  let parts = 0;
  for await (const _ of await answer) parts++;
  const end = await serverSawEnd(server, prompt);
  return { ...end, afterMs: end.at! - abortedAt, parts };
}

export async function measureAbort(server: BenchServer, proxyHost: string | undefined): Promise<Row[]> {
  const host = server.urls[0]!;
  const rx = new RxClient(host);
  const ollama = new OllamaPackage(host);
  const rxProxied = proxyHost ? new RxClient(proxyHost) : undefined;

  const contenders: Record<string, () => Promise<number>> = {
    midStream: abortMidStream(server, (prompt) => rx.source('paced', prompt)),
    duringLoad: abortDuringLoad(server, (prompt) => rx.source('loading', prompt)),
    ollamaMidStream: ollamaAbortMidStream(server, ollama),
  };
  if (rxProxied) {
    contenders.proxiedMidStream = abortMidStream(server, (prompt) => rxProxied.source('paced', prompt));
    contenders.proxiedDuringLoad = abortDuringLoad(server, (prompt) => rxProxied.source('loading', prompt));
  }
  await alternate(3, contenders);
  const samples = await alternate(ROUNDS, contenders);
  const ollamaDuringLoad = await ollamaAbortDuringLoad(server, ollama);
  await Promise.all([rx.close(), rxProxied?.close()]);

  const stats = (name: string) => `${ms(median(samples[name]!))} / ${ms(quantile(samples[name]!, 0.99))}`;
  const target = (name: string) => ({ target: 'median ≤ 5 ms', pass: median(samples[name]!) <= 5 });
  const what = `unsubscribe → server sees the disconnect, median / p99 of ${ROUNDS}`;
  const rows: Row[] = [
    {
      figure: `abort mid-stream (${what})`,
      measured: stats('midStream'),
      compare: `\`ollama\` abort() ${stats('ollamaMidStream')}`,
      ...target('midStream'),
    },
    {
      figure: 'abort while the model loads, no header yet (same)',
      measured: stats('duringLoad'),
      compare: ollamaDuringLoad.disconnected
        ? `\`ollama\` abort() reached the server after ${ms(ollamaDuringLoad.afterMs)}`
        : `\`ollama\` abort(): no effect; the server generated all ${ollamaDuringLoad.parts - 1} tokens, done ${ms(ollamaDuringLoad.afterMs)} after abort()`,
      ...target('duringLoad'),
    },
  ];
  if (rxProxied) {
    rows.push(
      { figure: 'through nginx: abort mid-stream (same)', measured: stats('proxiedMidStream') },
      { figure: 'through nginx: abort while the model loads (same)', measured: stats('proxiedDuringLoad') },
    );
  }
  return rows;
}
