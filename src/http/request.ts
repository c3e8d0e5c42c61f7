import { Observable, ignoreElements } from 'rxjs';
import { onAbort } from '../core/abort.js';
import { OllamaConfigError, OllamaError, toOllamaError } from '../core/errors.js';
import { redactValue } from '../core/redact.js';
import type { Timeouts } from '../core/options.js';
import { TextBuffer } from '../core/textBuffer.js';
import { errorFromResponse } from '../protocol/errorAnswer.js';
import { DEFAULT_MAX_LINE_BYTES, NdjsonParser } from '../protocol/ndjson.js';
import { decodeNothing } from '../protocol/responses.js';
import { readErrorBody, withRoute } from './errorBody.js';
import { PhaseTimers } from './timers.js';
import type { RequestBody, TransportRequest, TransportResponse } from './transport.js';
import { messageOf } from '../core/describe.js';

/** What to send: a route and its body, JSON unless a content type says otherwise. */
export interface Call {
  method: TransportRequest['method'];
  path: string;
  /** JSON text (see `jsonBody`), or bytes made anew for each subscription (an upload). */
  body?: string | (() => RequestBody);
  contentType?: string;
}

/** Everything a request needs from its client, resolved at subscription. */
export interface RequestContext {
  /** Sends through the client's transport, created on first use. */
  send(request: TransportRequest): Promise<TransportResponse>;
  baseUrl: string;
  headers: Record<string, string>;
  timeouts: Timeouts;
  /** Aborted when the client is closed: running requests fail instead of hanging. */
  closed: AbortSignal;
  /** The caller's own cancellation: the stream errors with its reason. */
  signal?: AbortSignal;
  /** Largest one-document answer read, in bytes. */
  maxAnswerBytes: number;
  /** Values of the request's secret headers: shown as `***` in every error. */
  secrets: readonly string[];
}

/** How one kind of answer is read: the only part of an exchange that differs between kinds. */
interface Reading<T> {
  decode(value: unknown): T;
  /** The item after which the answer is whole; a body ending before it fails. */
  isLast(item: T): boolean;
  /** The text an item adds, kept as `partialText` if the answer fails. */
  textOf?(item: T): string;
  maxLineBytes: number;
  /** A cap on the whole body (one JSON document), or none (a stream of lines, capped per line). */
  maxBytes?: number;
  /** Whether an empty body is a whole answer (DELETE, copy, blob uploads). */
  emptyIsAnswer?: boolean;
  /** What a body that ends too early is called. */
  unfinished: string;
}

export interface LineReading<T> {
  decode(value: unknown): T;
  isLast(item: T): boolean;
  textOf?(item: T): string;
}

/**
 * How long a body may go on after its done line before the request is aborted. The answer is whole
 * and the stream completes at the latest then; waiting briefly for the body's end keeps the socket
 * for the next request, which an abort would destroy.
 */
const DONE_GRACE_MS = 100;

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/x-ndjson, application/json' };

/** A streamed answer (generate, chat, progress): NDJSON lines until the last one. */
export function streamLines<T>(context: RequestContext, call: Call, lines: LineReading<T>): Observable<T> {
  return exchange(context, call, {
    ...lines,
    maxLineBytes: DEFAULT_MAX_LINE_BYTES,
    unfinished: `Ollama's answer to ${call.path} ended before its final line (no "done": true)`,
  });
}

/** A one-document answer (list, show, embed, …), bounded by the client's `maxAnswerBytes`. */
export function readAnswer<T>(context: RequestContext, call: Call, decode: (value: unknown) => T): Observable<T> {
  return exchange(context, call, oneDocument(context, call, decode));
}

/** An answer whose body says nothing (delete, copy, blobs): it completes once the answer is a success. */
export function expectNothing(context: RequestContext, call: Call): Observable<never> {
  return exchange(context, call, { ...oneDocument(context, call, decodeNothing), emptyIsAnswer: true }).pipe(ignoreElements());
}

function oneDocument<T>(context: RequestContext, call: Call, decode: (value: unknown) => T): Reading<T> {
  return {
    decode,
    isLast: () => true,
    maxLineBytes: context.maxAnswerBytes,
    maxBytes: context.maxAnswerBytes,
    unfinished: `Ollama's answer to ${call.path} was empty`,
  };
}

/** The body as JSON; a value JSON cannot carry (a BigInt, a cycle) is the caller's bug, not a network failure. */
export function jsonBody(body: unknown): string {
  try {
    return JSON.stringify(body);
  } catch (error) {
    throw new OllamaConfigError(`Invalid ollama-rx request: ${messageOf(error)}`);
  }
}

/**
 * A cold Observable of one HTTP exchange with Ollama. Nothing is sent before subscription;
 * unsubscribing aborts the request in whatever phase it is — connecting, waiting for the model to
 * load, or reading the body — and is never reported as an error.
 */
function exchange<T>(context: RequestContext, call: Call, reading: Reading<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const abort = new AbortController();
    const fail = (error: unknown) => {
      if (!subscriber.closed) subscriber.error(toOllamaError(error, body.text()).redacted(context.secrets));
    };
    const body = new BodyReader(reading, call.path, subscriber, fail, context.secrets);
    const timers = new PhaseTimers(context.timeouts, fail);
    body.onLast = () => timers.settleWithin(DONE_GRACE_MS, body.completeAfterPendingReads);
    body.onRead = () => timers.chunk();
    const clientClosed = (when: string) => new OllamaError('network', `The OllamaClient ${when}`, { cause: context.closed.reason });
    const onCallerAbort = () => subscriber.error(context.signal!.reason);

    const stopWatchingClose = onAbort(context.closed, () => fail(clientClosed('was closed while this request was running')));
    const stopWatchingSignal = context.signal ? onAbort(context.signal, onCallerAbort) : undefined;
    if (context.closed.aborted) fail(clientClosed('is closed'));
    else if (context.signal?.aborted) onCallerAbort();
    else {
      timers.start();
      send(context, call, abort.signal)
        .then(async (response) => {
          if (subscriber.closed) return;
          if (response.status < 200 || response.status >= 300) throw await statusError(response, call, timers, context.secrets);
          await body.read(response);
        })
        .catch(fail);
    }

    return () => {
      timers.stop();
      stopWatchingClose();
      stopWatchingSignal?.();
      // Unconditional, like Angular's FetchBackend: a no-op once the body is read, and otherwise
      // the only way to stop the server generating.
      abort.abort();
    };
  });
}

function send(context: RequestContext, call: Call, signal: AbortSignal): Promise<TransportResponse> {
  const body = typeof call.body === 'function' ? call.body() : call.body;
  const bodyHeaders = call.contentType ? { 'content-type': call.contentType, accept: 'application/json' } : JSON_HEADERS;
  return context.send({
    method: call.method,
    url: context.baseUrl + call.path,
    headers: body === undefined ? context.headers : { ...bodyHeaders, ...context.headers },
    body,
    signal,
  });
}

async function statusError(response: TransportResponse, call: Call, timers: PhaseTimers, secrets: readonly string[]): Promise<OllamaError> {
  const text = await readErrorBody(response, (ms, onSettle) => timers.settleWithin(ms, onSettle, true));
  const error = errorFromResponse(response.status, text, {
    retryAfter: response.header('retry-after'),
    location: response.header('location'),
    secrets,
  });
  return withRoute(error, response.status, text, call);
}

/** The body of a 2xx answer, read as its kind says, into the subscriber. */
class BodyReader<T> {
  private readonly parser: NdjsonParser;
  private readonly received = new TextBuffer();
  private sawLast = false;
  private delivered = false;
  private bytes = 0;
  onLast = (): void => {};
  onRead = (): void => {};

  constructor(
    private readonly reading: Reading<T>,
    private readonly path: string,
    private readonly subscriber: { closed: boolean; next(item: T): void; complete(): void },
    private readonly fail: (error: unknown) => void,
    private readonly secrets: readonly string[],
  ) {
    this.parser = new NdjsonParser(reading.maxLineBytes, secrets);
  }

  text(): string {
    return this.received.text();
  }

  // The grace may expire only because this process was paused (a loaded machine) while the body's
  // end already waits in the socket: a zero timer lets one more I/O phase read it first, so the
  // socket stays pooled. (Not setImmediate: the browser build shares this code.)
  readonly completeAfterPendingReads = (): void =>
    void setTimeout(() => {
      if (!this.subscriber.closed) this.subscriber.complete();
    }, 0);

  async read(response: TransportResponse): Promise<void> {
    let gotBytes = false;
    try {
      await response.readBody((bytes) => {
        gotBytes = true;
        this.onBytes(bytes);
      });
    } catch (error) {
      // A connection dropped after the last line loses nothing: the answer is complete.
      if (!this.sawLast) throw error;
    }
    if (this.subscriber.closed) return;
    if (!this.sawLast) this.parser.end(this.onValue);
    if (this.subscriber.closed) return;
    if (!this.sawLast && !(this.reading.emptyIsAnswer && !gotBytes)) throw new OllamaError('protocol', this.reading.unfinished);
    this.subscriber.complete();
  }

  private onBytes(bytes: Uint8Array): void {
    // Nothing after the done line is read: it cannot add to the answer, nor fail it.
    if (this.subscriber.closed || this.sawLast) return;
    this.delivered = false;
    const { maxBytes } = this.reading;
    if (maxBytes !== undefined && (this.bytes += bytes.length) > maxBytes) {
      this.fail(answerTooLong(this.path, maxBytes));
      return;
    }
    try {
      this.parser.push(bytes, this.onValue);
    } catch (error) {
      if (!this.sawLast) this.fail(error);
    }
    // One timestamp per read, not per line: the lines of a read arrived together, and reading the
    // clock for each of 100k lines costs more than deciding what to do with them.
    if (this.delivered && !this.sawLast && !this.subscriber.closed) this.onRead();
  }

  /**
   * A line that does not decode is explained from its redacted copy: the explanation quotes the line
   * cut short, and a secret the cut splits would no longer match a later redaction.
   */
  private decode(value: unknown): T {
    try {
      return this.reading.decode(value);
    } catch (error) {
      if (!this.secrets.length) throw error;
      this.reading.decode(redactValue(value, this.secrets));
      // The redacted copy decodes (a secret made the difference): nothing of the line can be shown.
      throw new OllamaError('protocol', `Ollama's answer to ${this.path} has a line that does not decode (not shown: it holds a secret)`);
    }
  }

  private readonly onValue = (value: unknown): void => {
    if (this.subscriber.closed || this.sawLast) return;
    const item = this.decode(value);
    if (this.reading.textOf) this.received.add(this.reading.textOf(item));
    // The answer is whole: no timeout may turn it into a failure while the body winds down, and
    // a body that does not end promptly cannot hold the stream (or its socket) open.
    if ((this.sawLast = this.reading.isLast(item))) this.onLast();
    this.delivered = true;
    this.subscriber.next(item);
  };
}

function answerTooLong(path: string, max: number): OllamaError {
  return new OllamaError(
    'protocol',
    `Ollama's answer to ${path} is longer than ${max} bytes (maxAnswerBytes); reading was stopped to bound memory`,
  );
}
