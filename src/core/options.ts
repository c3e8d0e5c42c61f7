import type { Dispatcher } from 'undici';

/** Per-phase limits in milliseconds. An absent phase has no limit. */
export interface Timeouts {
  /** Establishing the TCP/TLS connection. Client-wide: its pool opens the connections, not a call. */
  connect?: number;
  /** From sending the request to the first chunk: covers model load, when Ollama sends no header. */
  firstToken?: number;
  /** The longest gap between two chunks. */
  idle?: number;
  /** The whole request, start to last chunk. */
  total?: number;
}

export interface OllamaClientOptions {
  /** Ollama's base URL, read like `OLLAMA_HOST`. Default: `OLLAMA_HOST`, else `http://127.0.0.1:11434`. */
  host?: string;
  /** Model used when a request names none. Default: `OLLAMA_MODEL`. */
  model?: string;
  /** Sent with every request, e.g. `{ Authorization: 'Bearer …' }` for ollama.com or a proxy. */
  headers?: Record<string, string>;
  timeouts?: Timeouts;
  /** Most sockets the client's pool opens to the host. Default: unlimited. */
  maxConnections?: number;
  /**
   * Largest one-document answer (`list()`, `show()`, `embed()`…) read, in bytes: a bigger one fails
   * as `protocol` instead of filling memory. Default 32 MiB. Streamed lines have their own 16 MiB cap.
   */
  maxAnswerBytes?: number;
  /**
   * Names of headers whose values are secrets (e.g. `['X-Api-Key']`): wherever a server echoes one,
   * errors show `***`. `Authorization` and `Proxy-Authorization` always are.
   */
  secretHeaders?: string[];
  /**
   * A fetch-compatible function used for every request instead of the platform's transport: for
   * tests, instrumentation, Deno or Bun. (`maxConnections` and `timeouts.connect` are then its own business.)
   */
  fetch?: FetchFunction;
  /**
   * Node: the undici `Dispatcher` every request goes through instead of the client's own pool, e.g.
   * `new ProxyAgent('http://proxy:3128')` or `new EnvHttpProxyAgent()`. The client never closes it.
   */
  dispatcher?: Dispatcher;
}

/** What `load()` sends: the model and how long it stays in memory (Ollama's spelling). */
export interface LoadRequest {
  model: string;
  /** A duration (`'10m'`, `'1h'`) or seconds; negative keeps the model loaded until `unload()`. */
  keep_alive?: string | number;
}

/** Per-call settings, layered over the client's. */
export interface RequestOptions {
  /** Model for this call when the request names none. */
  model?: string;
  /** Added to (and overriding) the client's headers. */
  headers?: Record<string, string>;
  /** Merged over the client's timeouts, phase by phase. */
  timeouts?: Omit<Timeouts, 'connect'>;
  /** Cancels the call; the stream errors with the signal's reason. Unsubscribing needs no signal. */
  signal?: AbortSignal;
}

/** `show()`'s per-call settings: Ollama's `verbose` and the usual request options. */
export interface ShowOptions extends RequestOptions {
  /** Full metadata: the tokenizer's arrays in `model_info`, which are sent empty otherwise. */
  verbose?: boolean;
}

export interface CollectOptions extends RequestOptions {
  /** Stream the answer (and keep the partial text on failure) or ask for it whole. Default false. */
  stream?: boolean;
}

/**
 * The `fetch` a client may be given: the platform's, undici's, Deno's or Bun's, or a wrapper that
 * records or rewrites requests. Only what the transport uses is required of it.
 */
export type FetchFunction = (
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    // A string, bytes or a ReadableStream; typed loosely because each fetch (the DOM's, undici's,
    // Deno's) declares a ReadableStream type of its own, and none is assignable to the others.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    body?: any;
    signal: AbortSignal;
    redirect?: 'manual';
    duplex?: 'half';
    dispatcher?: Dispatcher;
  },
) => Promise<FetchResponse>;

/** The part of a fetch `Response` the transport reads (structural, for the same reason as the body). */
export interface FetchResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body: { getReader(): FetchBodyReader } | null;
}

export interface FetchBodyReader {
  read(): Promise<{ done: false; value: Uint8Array } | { done: true; value?: Uint8Array }>;
  releaseLock(): void;
}
