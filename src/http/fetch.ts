import type { Dispatcher } from 'undici';
import { networkError } from './networkError.js';
import type { Transport, TransportRequest, TransportResponse } from './transport.js';
import type { FetchFunction, FetchResponse } from '../core/options.js';

/**
 * Transport over a `fetch`: the browser's, or any the client was given (`dispatcher`, when given,
 * goes along in the init, as Node's and undici's fetch read it). The fetch owns the connection
 * pool, so destroying only aborts the running requests.
 */
export function createFetchTransport(fetchImpl: FetchFunction = globalThis.fetch.bind(globalThis), dispatcher?: Dispatcher): Transport {
  const running = new Set<AbortController>();
  return {
    async request({ method, url, headers, body, signal }: TransportRequest): Promise<TransportResponse> {
      const controller = new AbortController();
      const release = () => {
        running.delete(controller);
        signal.removeEventListener('abort', forward);
      };
      // Releasing on abort too: a caller that aborts never reads the body it got.
      const forward = () => {
        controller.abort(signal.reason);
        release();
      };
      running.add(controller);
      signal.addEventListener('abort', forward, { once: true });
      if (signal.aborted) forward();
      try {
        // Never followed: a redirect could carry the Authorization header to another origin.
        const init: Parameters<FetchFunction>[1] = { method, headers, signal: controller.signal, redirect: 'manual' };
        if (body !== undefined) init.body = body;
        // fetch sends a streamed body only when told it may still be sending as the answer comes.
        if (body instanceof ReadableStream) init.duplex = 'half';
        if (dispatcher) init.dispatcher = dispatcher;
        const response = await fetchImpl(url, init);
        return {
          status: response.status,
          header: (name) => response.headers.get(name) ?? undefined,
          readBody: (onBytes) =>
            readStream(response, onBytes)
              .catch((error: unknown) => {
                throw signal.aborted ? error : networkError(error, new URL(url).origin);
              })
              .finally(release),
        };
      } catch (error) {
        release();
        throw signal.aborted ? error : networkError(error, new URL(url).origin);
      }
    },
    async destroy() {
      for (const controller of running) controller.abort();
      running.clear();
    },
  };
}

async function readStream(response: FetchResponse, onBytes: (bytes: Uint8Array) => void): Promise<void> {
  if (!response.body) return;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      onBytes(value);
    }
  } finally {
    reader.releaseLock();
  }
}
