import { Agent } from 'undici';
import type { Transport, TransportOptions, TransportRequest, TransportResponse } from './transport.js';

const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/**
 * Node transport: one keep-alive undici `Agent` per client. undici's own 300 s header and body
 * timeouts are off, because Ollama sends no header until the model is loaded; the sources apply
 * their per-phase timeouts instead.
 */
export function createUndiciTransport(options: TransportOptions = {}): Transport {
  const agent = new Agent({
    connections: options.maxConnections ?? null,
    headersTimeout: 0,
    bodyTimeout: 0,
    connect: { timeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS },
  });
  return {
    async request({ method, url, headers, body, signal }: TransportRequest): Promise<TransportResponse> {
      const { origin, pathname, search } = new URL(url);
      const response = await agent.request({ origin, path: pathname + search, method, headers, body, signal });
      const stream = response.body;
      return {
        status: response.statusCode,
        header: (name) => {
          const value = response.headers[name.toLowerCase()];
          return Array.isArray(value) ? value[0] : value;
        },
        readBody: (onBytes) =>
          new Promise<void>((resolve, reject) => {
            stream.on('data', onBytes);
            // undici hands a finished socket back to the pool only after a full event-loop turn;
            // settling after that turn lets a follow-up request (concat, retry) reuse it.
            stream.once('end', () => setImmediate(resolve));
            stream.once('error', reject);
          }),
        text: () => stream.text(),
      };
    },
    destroy: () => agent.destroy(),
  };
}
