import { Readable } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import type { OllamaError } from '../core/errors.js';
import { networkError } from './networkError.js';
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
    request({ method, url, headers, body, signal }: TransportRequest): Promise<TransportResponse> {
      const { origin, pathname, search } = new URL(url);
      return new Promise((resolve, reject) => {
        if (signal.aborted) return reject(signal.reason);
        const handler = new ResponseHandler(signal, resolve, reject, (error) =>
          networkError(error, origin, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS),
        );
        dispatcher.dispatch(
          { origin, path: pathname + search, method, headers, body: toUndiciBody(body), headersTimeout: 0, bodyTimeout: 0 },
          handler,
        );
      });
    },
    // A caller's dispatcher is theirs to close; the client's close() still aborts every request
    // running through it, since each source aborts its own request when the client closes.
    destroy: async () => own?.destroy(),
  };
}

/**
 * One request as an undici dispatch handler — below `Dispatcher.request`, whose body stream costs a
 * push and a `'readable'` turn for every HTTP chunk, and Ollama flushes every token as a chunk.
 * Here the chunks of one socket read are gathered and handed over in one piece, a microtask after
 * the read, so the lines that arrived together are split and parsed in one pass.
 */
class ResponseHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private responded = false;
  private readonly pending: Buffer[] = [];
  private pendingBytes = 0;
  private onBytes: ((bytes: Uint8Array) => void) | undefined;
  private settleBody!: { resolve: () => void; reject: (error: unknown) => void };
  /** Settles when the body has ended or failed, whether or not `readBody` has been called yet. */
  private readonly bodyEnded = new Promise<void>((resolve, reject) => (this.settleBody = { resolve, reject }));

  constructor(
    private readonly signal: AbortSignal,
    private readonly resolve: (response: TransportResponse) => void,
    private readonly reject: (error: unknown) => void,
    private readonly mapError: (error: unknown) => OllamaError,
  ) {
    // A body that fails before anyone reads it (an aborted error page) is not an unhandled rejection.
    this.bodyEnded.catch(() => {});
    signal.addEventListener('abort', this.abort, { once: true });
  }

  private readonly abort = () => {
    if (this.controller) this.controller.abort(this.signal.reason as Error);
    // Still connecting: undici has no way to abort a request before it has a socket, and aborts it
    // as it gets one (onRequestStart), unsent. The caller need not wait for that.
    else this.reject(this.signal.reason);
  };

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.signal.aborted) controller.abort(this.signal.reason as Error);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    status: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    // 1xx answers (100 Continue) precede the real one.
    if (status < 200) return;
    this.responded = true;
    this.resolve({
      status,
      header: (name) => {
        const value = headers[name.toLowerCase()];
        return Array.isArray(value) ? value[0] : value;
      },
      readBody: (onBytes) => {
        this.onBytes = onBytes;
        this.flush();
        // undici hands a finished socket back to the pool only after a full event-loop turn;
        // settling after that turn lets a follow-up request (concat, retry) reuse it.
        return this.bodyEnded.then(nextTurn);
      },
    });
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.pending.push(chunk) === 1 && this.onBytes) queueMicrotask(this.flush);
    this.pendingBytes += chunk.length;
  }

  onResponseEnd(): void {
    this.flush();
    this.signal.removeEventListener('abort', this.abort);
    this.settleBody.resolve();
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    this.signal.removeEventListener('abort', this.abort);
    // An abort's own reason passes as it is; anything else is named here, where its code is known.
    const failure = this.signal.aborted ? error : this.mapError(error);
    if (this.responded) this.settleBody.reject(failure);
    else this.reject(failure);
  }

  private readonly flush = () => {
    if (!this.onBytes || this.pending.length === 0) return;
    const bytes = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending.length = 0;
    this.pendingBytes = 0;
    this.onBytes(bytes);
  };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** undici streams a `Readable` body with backpressure and destroys it on abort, which cancels the stream (closing its file). */
function toUndiciBody(body: RequestBody | undefined): string | Uint8Array | Readable | undefined {
  return body instanceof ReadableStream ? Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>) : body;
}
