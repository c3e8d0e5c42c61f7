import { Observable } from 'rxjs';
import { DEFAULT_MAX_ANSWER_BYTES } from '../config/options.js';
import { OllamaConfigError } from '../core/errors.js';
import { type Timeouts } from '../core/options.js';
import { OllamaError, toOllamaError } from '../core/errors.js';
import { errorFromResponse } from '../protocol/errorAnswer.js';
import type { RequestBody, TransportRequest, TransportResponse } from './transport.js';
import { DEFAULT_MAX_LINE_BYTES, NdjsonParser } from '../protocol/ndjson.js';
import { TextBuffer } from '../core/textBuffer.js';
import { PhaseTimers, timeoutError } from './timers.js';

/** One endpoint's exchange: what to send, how to read each line, which line is the last. */
export interface StreamSpec<T> {
  method: TransportRequest['method'];
  path: string;
  body?: unknown;
  /** Turns one parsed JSON line into an item; throws an `OllamaError` for a line it rejects. */
  decode(value: unknown): T;
  /** The line after which the stream is complete (`done: true`); a body ending before it fails. */
  isLast(item: T): boolean;
  /** The text an item adds, kept as `partialText` if the stream fails. */
  textOf?(item: T): string;
  /** An empty 2xx body is a complete answer (DELETE, copy). */
  emptyBodyIsAnswer?: boolean;
  /** The answer is one JSON document, not a stream of lines: no line-length cap applies. */
  singleAnswer?: boolean;
  /** Sent instead of `body` as JSON: bytes of another type (a blob), made anew for each subscription. */
  upload?: { contentType: string; body(): RequestBody };
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
  /** Largest one-document answer read (`singleAnswer` specs), in bytes. Default 32 MiB. */
  maxAnswerBytes?: number;
  /** Values of the request's secret headers (`secretsOf`): shown as `***` in every error. */
  secrets?: readonly string[];
}

/**
 * How long a body may go on after its done line before the request is aborted. The answer is whole
 * and the stream completes at the latest then; waiting briefly for the body's end keeps the socket
 * for the next request, which an abort would destroy.
 */
export const DONE_GRACE_MS = 100;
/** Of an error answer only a prefix is read: enough for any `{"error"}` or page title. */
export const ERROR_BODY_BYTES = 64 * 1024;
/** The longest wait for an error answer's body (phase limits may cut it shorter); then what came is used. */
export const ERROR_BODY_WAIT_MS = 1_000;

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/x-ndjson, application/json' };

/**
 * A cold Observable of one HTTP exchange with Ollama, read as NDJSON. Nothing is sent before
 * subscription; unsubscribing aborts the request in whatever phase it is — connecting, waiting for
 * the model to load, or reading the body — and is never reported as an error.
 *
 * The body is serialised here, once: a value JSON cannot carry (a BigInt, a cycle) is the caller's
 * bug and throws at once instead of failing every subscription as if the network had.
 */
export function ndjsonRequest<T>(resolveContext: () => RequestContext, spec: StreamSpec<T>): Observable<T> {
  const json = serialise(spec.body);
  const bodyHeaders = spec.upload ? { 'content-type': spec.upload.contentType, accept: 'application/json' } : JSON_HEADERS;
  return new Observable<T>((subscriber) => {
    const context = resolveContext();
    const maxAnswerBytes = context.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
    const secrets = context.secrets ?? [];
    const body = spec.upload ? spec.upload.body() : json;
    const abort = new AbortController();
    const parser = new NdjsonParser(spec.singleAnswer ? maxAnswerBytes : DEFAULT_MAX_LINE_BYTES);
    const timers = new PhaseTimers(context.timeouts, (error) => fail(error));
    const received = new TextBuffer();
    let sawLast = false;
    let deliveredInRead = false;
    let answerBytes = 0;

    const fail = (error: unknown) => {
      if (subscriber.closed) return;
      subscriber.error(toOllamaError(error, received.text()).redacted(secrets));
    };
    const complete = () => {
      if (!subscriber.closed) subscriber.complete();
    };
    // The grace may expire only because this process was paused (a loaded machine) while the body's
    // end already waits in the socket: a zero timer lets one more I/O phase read it first, so the
    // socket stays pooled. (Not setImmediate: the browser build shares this code.)
    const completeAfterPendingReads = () => void setTimeout(complete, 0);
    const clientClosed = (when: string) =>
      new OllamaError('network', `The OllamaClient ${when}`, { cause: context.closed.reason });
    const onClientClosed = () => fail(clientClosed('was closed while this request was running'));
    const onCallerAbort = () => {
      if (!subscriber.closed) subscriber.error(context.signal!.reason);
    };

    const onValue = (value: unknown) => {
      if (subscriber.closed || sawLast) return;
      const item = spec.decode(value);
      if (spec.textOf) received.add(spec.textOf(item));
      // The answer is whole: no timeout may turn it into a failure while the body winds down, and
      // a body that does not end promptly cannot hold the stream (or its socket) open.
      if ((sawLast = spec.isLast(item))) timers.settleWithin(DONE_GRACE_MS, completeAfterPendingReads);
      deliveredInRead = true;
      subscriber.next(item);
    };
    const onBytes = (bytes: Uint8Array) => {
      // Nothing after the done line is read: it cannot add to the answer, nor fail it.
      if (subscriber.closed || sawLast) return;
      deliveredInRead = false;
      if (spec.singleAnswer && (answerBytes += bytes.length) > maxAnswerBytes) {
        fail(answerTooLong(spec.path, maxAnswerBytes));
        return;
      }
      try {
        parser.push(bytes, onValue);
      } catch (error) {
        if (!sawLast) fail(error);
      }
      // One timestamp per read, not per line: the lines of a read arrived together, and reading the
      // clock for each of 100k lines costs more than deciding what to do with them.
      if (deliveredInRead && !sawLast && !subscriber.closed) timers.chunk();
    };

    const exchange = async () => {
      const response = await context
        .send({
          method: spec.method,
          url: context.baseUrl + spec.path,
          headers: body === undefined ? context.headers : { ...bodyHeaders, ...context.headers },
          body,
          signal: abort.signal,
        })
        .catch((error: unknown) => {
          throw transportError(error, context.baseUrl, context.timeouts.connect);
        });
      if (subscriber.closed) return;
      if (response.status < 200 || response.status >= 300) {
        const text = await readErrorBody(response, (ms, onSettle) => timers.settleWithin(ms, onSettle, true));
        throw withRoute(
          errorFromResponse(response.status, text, {
            retryAfter: response.header('retry-after'),
            location: response.header('location'),
          }),
          response.status,
          text,
          spec,
        );
      }
      let gotBytes = false;
      try {
        await response.readBody((bytes) => {
          gotBytes = true;
          onBytes(bytes);
        });
      } catch (error) {
        // A connection dropped after the last line loses nothing: the answer is complete.
        if (!sawLast) throw transportError(error, context.baseUrl, context.timeouts.connect);
      }
      if (subscriber.closed) return;
      if (!sawLast) parser.end(onValue);
      if (subscriber.closed) return;
      if (!sawLast && !(spec.emptyBodyIsAnswer && !gotBytes)) {
        throw new OllamaError(
          'protocol',
          spec.singleAnswer
            ? `Ollama's answer to ${spec.path} was empty`
            : `Ollama's answer to ${spec.path} ended before its final line (no "done": true)`,
        );
      }
      subscriber.complete();
    };

    const stopWatchingClose = onAbort(context.closed, onClientClosed);
    const stopWatchingSignal = context.signal ? onAbort(context.signal, onCallerAbort) : undefined;
    if (context.closed.aborted) fail(clientClosed('is closed'));
    else if (context.signal?.aborted) onCallerAbort();
    else {
      timers.start();
      exchange().catch(fail);
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

/**
 * The first `ERROR_BODY_BYTES` of an error answer, as text: a 200 MB error page costs no more than
 * a short one. Reading stops at that size, at the body's end, or when `settleWithin` says (a phase
 * limit, else `ERROR_BODY_WAIT_MS`), whichever comes first; the caller's abort then ends the request.
 */
function readErrorBody(
  response: TransportResponse,
  settleWithin: (ms: number, onSettle: () => void) => void,
): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  return new Promise<string>((resolve) => {
    const settle = () => resolve(text + decoder.decode());
    settleWithin(ERROR_BODY_WAIT_MS, settle);
    response
      .readBody((chunk) => {
        const room = ERROR_BODY_BYTES - bytes;
        if (room <= 0) return;
        text += decoder.decode(chunk.length > room ? chunk.subarray(0, room) : chunk, { stream: true });
        bytes += Math.min(room, chunk.length);
        if (bytes >= ERROR_BODY_BYTES) settle();
      })
      .then(settle, settle);
  });
}

function answerTooLong(path: string, max: number): OllamaError {
  return new OllamaError(
    'protocol',
    `Ollama's answer to ${path} is longer than ${max} bytes (maxAnswerBytes); reading was stopped to bound memory`,
  );
}

/**
 * A 404 or 405 without Ollama's JSON is the router's own answer (gin's `404 page not found`): the
 * server has no such route — an older Ollama, or not Ollama at all — which the message says, naming it.
 */
function withRoute(error: OllamaError, status: number, body: string, spec: StreamSpec<unknown>): OllamaError {
  if ((status !== 404 && status !== 405) || error.kind !== 'http' || body.trimStart().startsWith('{')) return error;
  const why = status === 404 ? 'the server has no such route' : 'the server has this route, but not for this method';
  return new OllamaError('http', `${error.message} (${spec.method} ${spec.path}: ${why})`, { statusCode: status, cause: error });
}

function serialise(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  try {
    return JSON.stringify(body);
  } catch (error) {
    throw new OllamaConfigError(`Invalid ollama-rx request: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const abortCallbacks = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `callback` when `signal` aborts, through one listener per signal however many requests
 * share it: every running request of a client watches its close (and may share a caller's signal),
 * and Node warns of a leak past ten listeners on one signal.
 */
function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let callbacks = abortCallbacks.get(signal);
  if (!callbacks) {
    const all = (callbacks = new Set());
    abortCallbacks.set(signal, all);
    signal.addEventListener('abort', () => all.forEach((call) => call()), { once: true });
  }
  callbacks.add(callback);
  return () => callbacks.delete(callback);
}

/** undici's and fetch's failures as `OllamaError`s that say what happened, in words. */
export function transportError(error: unknown, baseUrl: string, connectTimeoutMs?: number): OllamaError {
  if (error instanceof OllamaError) return error;
  const code = errorCode(error);
  const reason = error instanceof Error ? error.message : String(error);
  // undici's HTTPParserError (llhttp's HPE_* codes, when it sets one): the bytes arrived, but they are
  // not HTTP. Sending the same request again would get the same bytes, so this is not `network`.
  const parserError = httpParserError(error);
  if (parserError) {
    return new OllamaError('protocol', `the reply from ${baseUrl} is not valid HTTP: ${parserError.message}`, { cause: error });
  }
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return timeoutError('connect', connectTimeoutMs, error);
    case 'ECONNREFUSED':
      return new OllamaError('network', `connection refused by ${baseUrl}: is Ollama running? (ECONNREFUSED)`, { cause: error });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new OllamaError('network', `cannot resolve the host of ${baseUrl} (${code})`, { cause: error });
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return new OllamaError('network', `connection to ${baseUrl} was reset: ${reason} (${code})`, { cause: error });
    default:
      return new OllamaError('network', `request to ${baseUrl} failed: ${reason}${code ? ` (${code})` : ''}`, { cause: error });
  }
}

function httpParserError(error: unknown): Error | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; depth++) {
    if (current.name === 'HTTPParserError' || String((current as { code?: unknown }).code).startsWith('HPE_')) return current;
    current = current.cause;
  }
  return undefined;
}

function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
