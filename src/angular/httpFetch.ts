import { HttpClient, HttpErrorResponse, type HttpEvent, HttpEventType, HttpHeaders } from '@angular/common/http';
import type { FetchBodyReader, FetchFunction, FetchResponse } from '../core/options.js';

const utf8 = new TextEncoder();

/**
 * A `FetchFunction` that sends each request through Angular's `HttpClient`, so the app's interceptors
 * (auth, logging) apply. With the fetch backend and `reportProgress`, each download event carries the
 * text so far: its new part is handed to the client as it arrives, and the client's own transport
 * does the rest (NDJSON, timers, error mapping). An error status becomes a response, so the client
 * maps it as from any fetch (`model_not_found`, `http`…); a failure without one (status 0) rejects
 * with its cause, which the client maps to `network`. Aborting the init's signal unsubscribes,
 * which aborts the request.
 */
export function httpClientFetch(http: HttpClient): FetchFunction {
  return (url, init) =>
    new Promise<FetchResponse>((resolve, reject) => {
      if (init.signal.aborted) return reject(init.signal.reason);
      const body = new TextChunks(() => init.signal.removeEventListener('abort', abort));
      let answered = false;
      const respond = (status: number, headers: HttpHeaders) => {
        if (answered) return;
        answered = true;
        resolve({ status, headers: { get: (name) => headers.get(name) }, body });
      };
      const fail = (error: unknown) => {
        if (answered) body.fail(error);
        else reject(error);
        body.end();
      };
      const events = http.request(init.method, url, {
        body: init.body as unknown,
        headers: new HttpHeaders(init.headers),
        observe: 'events',
        reportProgress: true,
        responseType: 'text',
      });
      const subscription = events.subscribe({
        next: (event: HttpEvent<string>) => {
          if (event.type === HttpEventType.ResponseHeader) respond(event.status, event.headers);
          else if (event.type === HttpEventType.DownloadProgress) body.grow(event.partialText ?? '');
          else if (event.type === HttpEventType.Response) {
            // An interceptor may answer without headers first (a cache): the whole body at once.
            respond(event.status, event.headers);
            body.grow(event.body ?? '');
            body.end();
          }
        },
        error: (error: unknown) => {
          if (!(error instanceof HttpErrorResponse) || error.status === 0) {
            return fail(error instanceof HttpErrorResponse && error.error !== undefined ? error.error : error);
          }
          respond(error.status, error.headers);
          if (!body.received) body.grow(typeof error.error === 'string' ? error.error : (JSON.stringify(error.error) ?? ''));
          body.end();
        },
      });
      init.signal.addEventListener('abort', abort, { once: true });
      function abort() {
        subscription.unsubscribe();
        fail(init.signal.reason);
      }
    });
}

/**
 * The body as a reader, fed with the text received so far; hands out the new part as bytes. HttpClient
 * offers the body only as its whole text so far (`partialText`): taking the new part copies it, a cost
 * the default transport does not pay.
 */
class TextChunks implements FetchBodyReader {
  private readonly queue: Uint8Array[] = [];
  private seen = 0;
  private ended = false;
  private failure: { error: unknown } | undefined;
  private waiting: { resolve: () => void } | undefined;
  readonly getReader = () => this;

  /** `settled`: called once, when the body ended or failed. */
  constructor(private readonly settled: () => void) {}

  get received(): boolean {
    return this.seen > 0;
  }

  /** The whole text so far: its part not seen yet goes out. */
  grow(text: string): void {
    if (text.length <= this.seen) return;
    this.queue.push(utf8.encode(text.slice(this.seen)));
    this.seen = text.length;
    this.wake();
  }

  end(): void {
    if (!this.ended) this.settled();
    this.ended = true;
    this.wake();
  }

  fail(error: unknown): void {
    this.failure ??= { error };
    this.end();
  }

  async read(): Promise<{ done: false; value: Uint8Array } | { done: true }> {
    for (;;) {
      const value = this.queue.shift();
      if (value) return { done: false, value };
      if (this.failure) throw this.failure.error;
      if (this.ended) return { done: true };
      await new Promise<void>((resolve) => (this.waiting = { resolve }));
    }
  }

  releaseLock(): void {}

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve();
  }
}
