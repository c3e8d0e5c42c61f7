import { type MonoTypeOperatorFunction, type SchedulerLike, asyncScheduler, defer, retry, tap, throwError, timer } from 'rxjs';
import { OllamaError } from '../core/errors.js';

export interface RetryStreamOptions {
  /** Most new attempts after the first. Default 2. */
  count?: number;
  /**
   * Pause before attempt `n` (1-based) in ms, or a function of the error and `n`.
   * Default: 500 ms, doubling each time (500, 1000, 2000…).
   */
  delay?: number | ((error: OllamaError, attempt: number) => number);
  /**
   * Longest pause in ms. A server's `Retry-After` (`error.retryAfterMs`, on 429 and 503) lengthens a
   * pause up to this; one asking for longer ends the retries, since an earlier request would only be
   * refused again. Default 60 000.
   */
  maxDelay?: number;
  /** Default `asyncScheduler`; a `TestScheduler` drives the delays in virtual time. */
  scheduler?: SchedulerLike;
}

/**
 * Whether a new request may succeed where this one failed: the connection failed or timed out, the
 * server failed (5xx, or an error line instead of the first chunk), or a proxy asked to come back
 * later (408, 429). Never the request's own fault — an unknown model, another 4xx, a line that is not
 * a chunk — and never a request cancelled here (the caller's signal, `client.close()`).
 *
 * @example
 * fromOllama('hi').pipe(retry({ count: 3, delay: (error) => (isRetryable(error) ? timer(1_000) : throwError(() => error)) }));
 */
export function isRetryable(error: unknown): error is OllamaError {
  if (!(error instanceof OllamaError)) return false;
  switch (error.kind) {
    case 'network':
      return (error.cause as Error | undefined)?.name !== 'AbortError';
    case 'server':
    case 'timeout':
      return true;
    case 'http': {
      const status = error.statusCode ?? 0;
      return status >= 500 || status === 408 || status === 429;
    }
    default:
      return false;
  }
}

const DEFAULT_MAX_DELAY_MS = 60_000;

/** The pause before attempt `attempt`: as the options ask, at least the server's `Retry-After`, at most `maxDelay`. */
export function retryDelay(options: RetryStreamOptions, error: OllamaError, attempt: number): number {
  const { delay, maxDelay = DEFAULT_MAX_DELAY_MS } = options;
  const asked = typeof delay === 'function' ? delay(error, attempt) : (delay ?? 500 * 2 ** (attempt - 1));
  return Math.min(Math.max(asked, error.retryAfterMs ?? 0), maxDelay);
}

/** Whether the server asked for a longer pause than `maxDelay` allows: then retrying sooner is pointless. */
function waitsTooLong(options: RetryStreamOptions, error: OllamaError): boolean {
  return (error.retryAfterMs ?? 0) > (options.maxDelay ?? DEFAULT_MAX_DELAY_MS);
}

/**
 * Subscribes again when a request fails before anything reached the subscriber and a new request may
 * succeed (`isRetryable`: network errors, timeouts, 5xx). Once a chunk was emitted it never retries:
 * that would repeat the text — `resumable` continues such a stream instead. A 429 or 503's
 * `Retry-After` is honoured: the pause is at least that long (within `maxDelay`).
 *
 * @example
 * // Ollama restarting, a proxy's 502, a model load past `firstToken`: up to 3 more tries, 1 s apart.
 * client.generate$('Why is the sky blue?', { timeouts: { firstToken: 60_000 } })
 *   .pipe(retryStream({ count: 3, delay: 1_000 }), collectText())
 *   .subscribe(console.log);
 */
export function retryStream<T>(options: RetryStreamOptions = {}): MonoTypeOperatorFunction<T> {
  const { count = 2, scheduler = asyncScheduler } = options;
  return (source) =>
    defer(() => {
      let emitted = false;
      return source.pipe(
        tap(() => (emitted = true)),
        retry({
          count,
          delay: (error: unknown, attempt) =>
            !emitted && isRetryable(error) && !waitsTooLong(options, error)
              ? timer(retryDelay(options, error, attempt), scheduler)
              : throwError(() => error),
        }),
      );
    });
}
