/**
 * Abort latency: from the unsubscribe (or `abort()`) to the moment the server process sees the
 * client gone, both read on the machine-wide monotonic clock.
 */
import type { Observable } from 'rxjs';
import { Agent, buildConnector } from 'undici';
import { createUndiciTransport } from '../src/http/undici.js';
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

/** How long the connector of the "while connecting" rounds holds each connection back. */
const CONNECT_DELAY_MS = 100;

/**
 * Aborts while the TCP connection is being made, held back by a slow connector (loopback connects at
 * once). Nothing has reached the server in that phase, so there is no disconnect for it to see: what
 * counts is that the request is released at once — the time from `abort()` to the transport's
 * rejection — and that it is never sent once the connection is made. Through the transport the
 * sources use, a fresh pool per round so that every request has to connect.
 */
async function abortWhileConnecting(server: BenchServer, rounds: number) {
  const connect = buildConnector({});
  const released: number[] = [];
  const prompts: string[] = [];
  const agents: Agent[] = [];
  for (let round = 0; round < rounds; round++) {
    const agent = new Agent({ connect: (options, callback) => void setTimeout(() => connect(options, callback), CONNECT_DELAY_MS) });
    agents.push(agent);
    const transport = createUndiciTransport({ dispatcher: agent });
    const prompt = uniquePrompt('connecting');
    prompts.push(prompt);
    const abort = new AbortController();
    const body = JSON.stringify({ model: 'paced', prompt, stream: true });
    const request = transport.request({ method: 'POST', url: `${server.urls[0]}/api/generate`, headers: {}, body, signal: abort.signal });
    const rejected = request.then(
      () => Promise.reject(new Error('a request aborted while connecting got an answer')),
      () => monotonicMs(),
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    const abortedAt = monotonicMs();
    abort.abort();
    released.push((await rejected) - abortedAt);
  }
  // Every held connection is made by now: none of them may have carried its request.
  await new Promise((resolve) => setTimeout(resolve, CONNECT_DELAY_MS * 2));
  let sent = 0;
  for (const prompt of prompts) if ((await server.ask({ op: 'received', prompt, timeoutMs: 1 })).at !== undefined) sent++;
  await Promise.all(agents.map((agent) => agent.destroy()));
  return { released, sent };
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
  const connecting = await abortWhileConnecting(server, ROUNDS);
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
    {
      figure: `abort while connecting (connect held ${CONNECT_DELAY_MS} ms): abort → the transport releases the request, median / p99 of ${ROUNDS}`,
      measured: `${ms(median(connecting.released))} / ${ms(quantile(connecting.released, 0.99))}`,
      compare: `requests sent once their connection was made: ${connecting.sent} of ${ROUNDS}`,
      target: 'median ≤ 5 ms, none sent',
      pass: median(connecting.released) <= 5 && connecting.sent === 0,
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
