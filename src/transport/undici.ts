import type { Socket } from 'node:net';
import { Agent, buildConnector } from 'undici';
import type { Transport, TransportOptions, TransportRequest, TransportResponse } from './transport.js';

const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/**
 * Node transport: one keep-alive undici `Agent` per client. undici's own 300 s header and body
 * timeouts are off, because Ollama sends no header until the model is loaded; the sources apply
 * their per-phase timeouts instead.
 */
export function createUndiciTransport(options: TransportOptions = {}): Transport {
  // undici goes on connecting after the request that wanted the socket is aborted, until the connect
  // timeout; a handshake no request waits for any more is cut at once, so the server sees the abort.
  const connecting = new Set<Socket>();
  let awaitingResponse = 0;
  const connector = buildConnector({ timeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS });
  const agent = new Agent({
    connections: options.maxConnections ?? null,
    headersTimeout: 0,
    bodyTimeout: 0,
    connect: (connectOptions, callback) => {
      // undici's connector returns the socket it is connecting, though its typings say void.
      const socket = connector(connectOptions, (...result) => {
        if (socket) connecting.delete(socket);
        callback(...result);
      }) as unknown as Socket | undefined;
      if (socket) connecting.add(socket);
    },
  });
  /**
   * Counts requests waiting for their response head. undici ignores an abort until a request has a
   * socket, so the abort itself, not the settled promise, ends the wait.
   */
  const awaitResponse = <T>(signal: AbortSignal, response: Promise<T>): Promise<T> => {
    awaitingResponse++;
    let waiting = true;
    const stopWaiting = () => {
      if (!waiting) return;
      waiting = false;
      signal.removeEventListener('abort', stopWaiting);
      // With an error: a plain destroy() never calls undici back, and its pool would wait forever.
      if (--awaitingResponse === 0 && signal.aborted) {
        for (const socket of connecting) socket.destroy(new Error('connection abandoned: its request was aborted'));
      }
    };
    signal.addEventListener('abort', stopWaiting);
    return response.finally(stopWaiting);
  };
  return {
    async request({ method, url, headers, body, signal }: TransportRequest): Promise<TransportResponse> {
      const { origin, pathname, search } = new URL(url);
      const response = await awaitResponse(signal, agent.request({ origin, path: pathname + search, method, headers, body, signal }));
      const stream = response.body;
      return {
        status: response.statusCode,
        statusText: '',
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
    close: () => agent.close(),
    destroy: () => agent.destroy(),
  };
}
