/** What a source needs from HTTP: bytes in, the AbortSignal honoured in every phase. */
export interface Transport {
  request(request: TransportRequest): Promise<TransportResponse>;
  /** Aborts running requests and closes every connection. */
  destroy(): Promise<void>;
}

export interface TransportRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

export interface TransportResponse {
  status: number;
  /** A response header's value (the first, if repeated), e.g. `retry-after` or `location`. */
  header(name: string): string | undefined;
  /** Delivers the body as it arrives; settles when it ends or fails. Call once. */
  readBody(onBytes: (bytes: Uint8Array) => void): Promise<void>;
  /** The whole body as text: for error pages and small JSON answers. */
  text(): Promise<string>;
}

export interface TransportOptions {
  maxConnections?: number;
  connectTimeoutMs?: number;
}
