import type { Transport, TransportRequest, TransportResponse } from './transport.js';

/**
 * Browser transport over the platform's `fetch`. The browser owns the connection pool, so
 * destroying only aborts the running requests.
 */
export function createFetchTransport(fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis)): Transport {
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
        const response = await fetchImpl(url, { method, headers, body, signal: controller.signal, redirect: 'manual' });
        return {
          status: response.status,
          header: (name) => response.headers.get(name) ?? undefined,
          readBody: (onBytes) => readStream(response, onBytes).finally(release),
          text: () => response.text().finally(release),
        };
      } catch (error) {
        release();
        throw error;
      }
    },
    async destroy() {
      for (const controller of running) controller.abort();
      running.clear();
    },
  };
}

async function readStream(response: Response, onBytes: (bytes: Uint8Array) => void): Promise<void> {
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
