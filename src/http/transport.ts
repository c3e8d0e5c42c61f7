import type { Dispatcher } from 'undici';
import type { FetchFunction } from '../core/options.js';

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

export interface TransportOptions {
  maxConnections?: number;
  connectTimeoutMs?: number;
  /** Used for every request instead of the platform's transport. */
  fetch?: FetchFunction;
  /** Node: the undici dispatcher every request goes through (a proxy agent), instead of the client's own pool. */
  dispatcher?: Dispatcher;
}
