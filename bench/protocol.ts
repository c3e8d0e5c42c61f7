/** What the benchmark process and its server process share: the scripted models, the IPC, the clock. */
import type { ModelScript } from '../src/testing/server/index.js';

const WORDS = [' the', ' quick', ' brown', ' fox', ' jumps', ' over', ' a', ' lazy', ' dog', '.', '\n', ' ü', ' 😀'];

export const BIG_TOKENS = 100_000;
export const BIG_TEXT_LENGTH = Array.from({ length: BIG_TOKENS }, (_, i) => WORDS[i % WORDS.length]!).join('').length;
/** Fan-out: a real model's pace, 50 tokens/s. */
export const FANOUT_TOKEN_DELAY_MS = 20;
/** A fan-out prompt names its stream and its length, e.g. `fan 17/500`. */
export const fanoutPrompt = (stream: number, tokens: number) => `fan ${stream}/${tokens}`;
/** The answer the `fanout` model streams for a prompt: distinct per stream, so crossed wires show. */
export function fanoutTokens(prompt: string): string[] {
  const count = Number(prompt.slice(prompt.indexOf('/') + 1));
  return Array.from({ length: count }, (_, i) => ` ${prompt}:${i}`);
}

export const BENCH_MODELS: Record<string, ModelScript> = {
  /** Throughput: 100k tokens as fast as the server can write them. */
  big: { tokens: Array.from({ length: BIG_TOKENS }, (_, i) => WORDS[i % WORDS.length]!) },
  /** The same answer in 64 kB writes: many lines to an HTTP chunk. */
  bigBatched: { tokens: Array.from({ length: BIG_TOKENS }, (_, i) => WORDS[i % WORDS.length]!), batchBytes: 64 * 1024 },
  /** Aborts mid-stream: a steady trickle that the server is idle between. */
  paced: { tokens: Array.from({ length: 10_000 }, () => ' tok'), tokenDelayMs: 2 },
  /** Aborts during model load: no headers for a minute. */
  loading: { tokens: ['late'], loadDelayMs: 60_000 },
  /** What a client that cannot abort before headers costs: the load ends, the answer is generated. */
  loadingBriefly: { tokens: Array.from({ length: 50 }, () => ' tok'), loadDelayMs: 300, tokenDelayMs: 2 },
  /** First-token latency: a tiny answer, at once. */
  first: { tokens: ['Hi', '!'] },
  /** Many concurrent streams at a real model's pace. */
  fanout: {
    tokens: (body) => fanoutTokens(String(body?.prompt)),
    tokenDelayMs: FANOUT_TOKEN_DELAY_MS,
  },
};

export type ServerCall =
  /** When the server received the request with this prompt. */
  | { id: number; op: 'received'; prompt: string; timeoutMs: number }
  /** When the server saw that request end: the client's disconnect, or the answer fully written. */
  | { id: number; op: 'ended'; prompt: string; timeoutMs: number };

export interface ServerReply {
  id: number;
  /** Monotonic ms; undefined when the awaited event did not happen in time. */
  at?: number;
  disconnected?: boolean;
  /** On start-up (id 0): the two servers' base URLs. */
  urls?: string[];
}

/**
 * Milliseconds on Linux's CLOCK_MONOTONIC (`process.hrtime`), which every process on the machine
 * shares, so the server's timestamps and the client's subtract exactly.
 */
export const monotonicMs = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * A `performance.now()` time (the test server's records) on the monotonic clock. The offset between
 * the two is constant, except that it moves by up to a millisecond around the process's first
 * `performance.now()`: so it is taken at each conversion, never once at start-up.
 */
export const performanceToMonotonic = (ms: number) => ms + (monotonicMs() - performance.now());
