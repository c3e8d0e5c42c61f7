import { Readable } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import type { RequestBody, Transport, TransportOptions, TransportRequest, TransportResponse } from './transport.js';

const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/**
 * Node transport: one keep-alive undici `Agent` per client, or the caller's `dispatcher` (a proxy
 * agent). undici's own 300 s header and body timeouts are off, on every request, because Ollama
 * sends no header until the model is loaded; the sources apply their per-phase timeouts instead.
 */
export function createUndiciTransport(options: TransportOptions = {}): Transport {
  const own = options.dispatcher
    ? undefined
    : new Agent({
        connections: options.maxConnections ?? null,
        headersTimeout: 0,
        bodyTimeout: 0,
        connect: { timeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS },
      });
  const dispatcher: Dispatcher = own ?? options.dispatcher!;
  return {
    async request({ method, url, headers, body, signal }: TransportRequest): Promise<TransportResponse> {
      const { origin, pathname, search } = new URL(url);
      const response = await dispatcher.request({
        origin,
        path: pathname + search,
        method,
        headers,
        body: toUndiciBody(body),
        signal,
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      const stream = response.body;
      return {
        status: response.statusCode,
        header: (name) => {
          const value = response.headers[name.toLowerCase()];
          return Array.isArray(value) ? value[0] : value;
        },
        readBody: (onBytes) =>
          new Promise<void>((resolve, reject) => {
            // Paused mode: Ollama flushes every token as its own HTTP chunk, and a 'data' listener
            // would be called once per chunk. `read()` hands over everything buffered in one piece,
            // so the lines that arrived together are split and parsed in one pass.
            stream.on('readable', () => {
              for (let bytes = stream.read(); bytes !== null; bytes = stream.read()) onBytes(bytes);
            });
            // undici hands a finished socket back to the pool only after a full event-loop turn;
            // settling after that turn lets a follow-up request (concat, retry) reuse it.
            stream.once('end', () => setImmediate(resolve));
            stream.once('error', reject);
          }),
        text: () => stream.text(),
      };
    },
    // A caller's dispatcher is theirs to close; the client's close() still aborts every request
    // running through it, since each source aborts its own request when the client closes.
    destroy: async () => own?.destroy(),
  };
}

/** undici streams a `Readable` body with backpressure and destroys it on abort, which cancels the stream (closing its file). */
function toUndiciBody(body: RequestBody | undefined): string | Uint8Array | Readable | undefined {
  return body instanceof ReadableStream ? Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>) : body;
}
