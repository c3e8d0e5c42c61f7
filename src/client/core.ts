import { type Observable, defer, lastValueFrom } from 'rxjs';
import { HeaderPolicy } from '../config/headers.js';
import { defaultModel, parseHost } from '../config/host.js';
import { DEFAULT_MAX_ANSWER_BYTES, requireModel, validateClientOptions, validateTimeouts } from '../config/options.js';
import type { OllamaClientOptions, RequestOptions, Timeouts } from '../core/options.js';
import { type Call, type RequestContext, expectNothing, readAnswer } from '../http/request.js';
import type { Transport, TransportOptions } from '../http/transport.js';
import { createPlatformTransport } from '../uploads/platform.js';
import type { ModelOf } from './calls.js';

/**
 * What every endpoint of `OllamaClient` rests on: the validated configuration, the pool (opened on
 * first use) and one request's settings — the client's, with the call's layered over them.
 */
export abstract class ClientCore implements AsyncDisposable {
  /** The resolved base URL, e.g. `http://127.0.0.1:11434`. */
  readonly host: string;
  /** The model used when a request names none. */
  readonly model: string | undefined;
  private readonly headers: HeaderPolicy;
  private readonly timeouts: Timeouts;
  private readonly maxAnswerBytes: number;
  private readonly transportOptions: TransportOptions;
  private readonly closing = new AbortController();
  private transport: Transport | undefined;

  constructor(options: OllamaClientOptions = {}) {
    const valid = validateClientOptions(options);
    this.host = parseHost(valid.host);
    this.model = valid.model ?? defaultModel();
    this.headers = new HeaderPolicy(this.host, valid.headers, valid.secretHeaders);
    this.timeouts = valid.timeouts ?? {};
    this.maxAnswerBytes = valid.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
    this.transportOptions = {
      maxConnections: valid.maxConnections,
      connectTimeoutMs: this.timeouts.connect,
      fetch: valid.fetch,
      dispatcher: valid.dispatcher,
    };
  }

  /**
   * Fails running requests with a `network` error (their partial text kept), refuses new ones and
   * closes the connections.
   */
  async close(): Promise<void> {
    this.closing.abort();
    await this.transport?.destroy();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
  /** A cold request: the call's settings are resolved (and a bad one fails) at subscription. */
  protected request<T>(options: RequestOptions, send: (context: RequestContext) => Observable<T>): Observable<T> {
    return defer(() => send(this.context(options)));
  }

  /** A one-answer endpoint as a promise that rejects with an `OllamaError` (or `OllamaConfigError`). */
  protected async answer<T>(options: RequestOptions, call: Call, decode: (value: unknown) => T): Promise<T> {
    return lastValueFrom(readAnswer(this.context(options), call, decode));
  }

  protected async nothing(options: RequestOptions, call: Call): Promise<void> {
    await lastValueFrom(expectNothing(this.context(options), call), { defaultValue: undefined });
  }

  /** The client's settings with the call's over them; throws `OllamaConfigError` for a bad one. */
  protected context(options: RequestOptions, clientTimeouts = this.timeouts): RequestContext {
    const timeouts = options.timeouts ? { ...clientTimeouts, ...validateTimeouts(options.timeouts) } : clientTimeouts;
    const { headers, secrets } = this.headers.forCall(options.headers);
    return {
      send: (request) => this.openTransport().request(request),
      baseUrl: this.host,
      headers,
      timeouts,
      closed: this.closing.signal,
      signal: options.signal,
      maxAnswerBytes: this.maxAnswerBytes,
      secrets,
    };
  }

  /** The pool, opened on the first request: a client that never sends holds no resources. */
  protected openTransport(): Transport {
    return (this.transport ??= createPlatformTransport(this.transportOptions));
  }

  /** The request's model, else the call's, else the client's. */
  protected modelOf(options: RequestOptions): ModelOf {
    return (request) => requireModel([request.model, options.model, this.model]);
  }
}
