import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ToolCall } from '../../core/requests.js';
import type { Har, MatchRule, Recording } from '../har/types.js';

// The one import from the library below: the rest of the server takes its types from here.
export type { ToolCall };

/** How a scripted model answers `/api/generate` and `/api/chat`. */
export interface ModelScript {
  /**
   * The answer, token by token. A function receives the request body. Default: a short greeting.
   * A request continuing the answer (chat's trailing assistant message, or a raw prompt ending with
   * the start of the answer, as `resumable` sends) gets only the rest of it, as from a real model.
   */
  tokens?: readonly string[] | ((request: RecordedRequest['body']) => readonly string[]);
  /** Reasoning tokens streamed before the answer. */
  thinking?: readonly string[];
  /**
   * Tool calls sent after the text: in the last line's `message` (chat) or as the last line's
   * `tool_calls` (generate, where Ollama's parsers set them only on the final line).
   * A function receives the request body, so a model can call tools first and answer from the
   * `tool` messages on the next request (none: `[]`).
   */
  toolCalls?: readonly ToolCall[] | ((request: RecordedRequest['body']) => readonly ToolCall[]);
  /**
   * A cloud model served through this Ollama: every line carries `remote_model` and `remote_host`,
   * and `list()`/`show()` report them.
   */
  remote?: { model: string; host: string };
  /** Pause before each token. */
  tokenDelayMs?: number;
  /** Model load: a pause before anything, headers included, is sent. */
  loadDelayMs?: number;
  doneReason?: string;
  context?: readonly number[];
  /**
   * Gathers the lines of an unpaced, uninterrupted answer into writes of up to this many bytes.
   * Off by default: like Ollama's Go server, this server writes and flushes each line on its own, so
   * each line is its own HTTP chunk. Batching (e.g. `64 * 1024`) puts many lines in one chunk.
   */
  batchBytes?: number;
  /** What goes wrong when the model answers. */
  faults?: ModelFaults;
  /** The script's `faults` hit only the first this-many requests; later ones are answered without them. */
  failuresBeforeSuccess?: number;
}

/**
 * A scripted model's failures, kept apart from its normal behaviour so that `failuresBeforeSuccess`
 * drops all of them at once, whatever is added here later.
 */
export interface ModelFaults {
  /** A load that hangs: this long before any header, after `loadDelayMs`. */
  loadStallMs?: number;
  /** Reset the connection once the request is read, before any header. */
  resetBeforeHeaders?: boolean;
  /** Answer with this status and body instead (an object is sent as JSON). */
  status?: number;
  body?: string | object;
  /** The content type of a `body` string (default `text/html`). */
  contentType?: string;
  /** Answer 200 with exactly these body pieces, each written separately (split lines, UTF-8). */
  raw?: ReadonlyArray<string | Uint8Array>;
  /** Pause between raw pieces. */
  rawDelayMs?: number;
  /** One long pause after this many tokens: a model that stalls mid-answer. */
  stall?: { afterTokens: number; ms: number };
  /** After this many tokens, send one `{"error": …}` line (HTTP 200 already sent) and end. */
  errorAfterTokens?: number;
  errorMessage?: string;
  /** After this many tokens, end the body cleanly without a `done: true` line. */
  endAfterTokens?: number;
  /** After this many tokens, reset the connection (TCP RST, after the tokens reached the client). */
  resetAfterTokens?: number;
}

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
