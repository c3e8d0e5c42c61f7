import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Har, MatchRule, Recording } from '../har/types.js';
import type { ModelScript } from '../scripted/script.js';

// The scripts are browser-safe (scriptedFetch runs them in-process): the rest of the server takes its types from here.
export type { ModelFaults, ModelScript } from '../scripted/script.js';

export interface RecordedRequest {
  id: number;
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown> | undefined;
  receivedAt: number;
  /** When the answer was fully written. */
  finishedAt?: number;
  /** When the client went away before the answer was fully written: the server saw the abort. */
  disconnectedAt?: number;
  /** Which TCP connection carried it (1-based, in accept order): equal ids mean a reused socket. */
  connection: number;
  /** A blob upload: the bytes received so far. */
  uploadedBytes?: number;
}

export interface TestServerOptions {
  models?: Record<string, ModelScript>;
  /** Models `/api/pull` can download (with progress lines); pulling any other name fails like Ollama. */
  pullable?: Record<string, ModelScript>;
  /** Pause between the progress lines of pull, push and create. */
  pullDelayMs?: number;
  /** Pause before answering `/api/show`: a slow disk or registry lookup. */
  showDelayMs?: number;
  /**
   * Answers `/api/web_search` and `/api/web_fetch` as ollama.com does, demanding
   * `Authorization: Bearer <apiKey>` (401 `unauthorized` otherwise). Without it those routes are absent, as in Ollama.
   */
  webApiKey?: string;
  /** Pause after each piece of a blob upload received: a slow link, for progress and cancellation tests. */
  blobDelayMs?: number;
  port?: number;
  /**
   * Answers every request from this recording (a `Recording`, or a HAR file's name) instead of the
   * scripted models: the recorded status, headers, body and chunking, each chunk at its recorded offset.
   */
  replay?: Recording | Har | string;
  /** With `replay`: 1 (the default) the recorded pace, 2 twice as fast, 0 as fast as possible. */
  speed?: number;
  /** With `replay`: replaces the matching rule (method, path and JSON body). */
  match?: MatchRule;
}

export interface TestServer {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  /** TCP connections accepted so far. */
  readonly connectionCount: number;
  /** TCP connections open now. */
  readonly openConnections: number;
  /** Blobs uploaded to `/api/blobs/<digest>` (their digests, verified, and sizes); a test may add its own. */
  readonly blobs: Map<string, number>;
  setModel(name: string, script: ModelScript): void;
  /** Resolves when `predicate` holds, re-checked on every server event; rejects after `timeoutMs`. */
  until(predicate: () => unknown, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** What the handlers of one server share: its options, models and blobs. */
export interface ServerState {
  readonly options: TestServerOptions;
  readonly models: Map<string, ModelScript>;
  /** Models loaded now, as `/api/ps` lists them. */
  readonly loaded: Set<string>;
  readonly blobs: Map<string, number>;
  /** Requests per model so far, against `failuresBeforeSuccess`. */
  readonly attempts: Map<string, number>;
  /** Tells `until` waiters that something happened. */
  changed(): void;
}

/** One request being answered. */
export interface Call {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly record: RecordedRequest;
  /** Aborted when the client went away. */
  readonly gone: AbortSignal;
}

/** A string field of a request body, the first of `names` that is one; '' when none is (Go would not decode it either). */
export function stringField(body: Record<string, unknown> | undefined, ...names: string[]): string {
  for (const name of names) {
    const value = body?.[name];
    if (typeof value === 'string' && value) return value;
  }
  return '';
}
