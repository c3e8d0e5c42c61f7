import type { Dispatcher } from 'undici';

/** What a source needs from HTTP: bytes in, the AbortSignal honoured in every phase. */
export interface Transport {
  request(request: TransportRequest): Promise<TransportResponse>;
  /** Aborts running requests and closes every connection the transport owns. */
  destroy(): Promise<void>;
}

/** A request body: JSON text, bytes, or bytes streamed as they are read (an upload from disk). */
export type RequestBody = string | Uint8Array | ReadableStream<Uint8Array>;

export interface TransportRequest {
  method: 'GET' | 'POST' | 'DELETE' | 'HEAD';
  url: string;
  headers: Record<string, string>;
  body?: RequestBody;
  signal: AbortSignal;
}

export interface TransportResponse {
  status: number;
  /** A response header's value (the first, if repeated), e.g. `retry-after` or `location`. */
  header(name: string): string | undefined;
  /** Delivers the body as it arrives; settles when it ends or fails. Call once. */
  readBody(onBytes: (bytes: Uint8Array) => void): Promise<void>;
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

export interface TransportOptions {
  maxConnections?: number;
  connectTimeoutMs?: number;
  /** Used for every request instead of the platform's transport. */
  fetch?: FetchFunction;
  /** Node: the undici dispatcher every request goes through (a proxy agent), instead of the client's own pool. */
  dispatcher?: Dispatcher;
}
