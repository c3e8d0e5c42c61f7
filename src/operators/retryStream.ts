import { type MonoTypeOperatorFunction, type SchedulerLike, asyncScheduler, defer, retry, tap, throwError, timer } from 'rxjs';
import { OllamaError } from '../errors.js';

export interface RetryStreamOptions {
  /** Most new attempts after the first. Default 2. */
  count?: number;
  /**
   * Pause before attempt `n` (1-based) in ms, or a function of the error and `n`.
   * Default: 500 ms, doubling each time (500, 1000, 2000…).
   */
  delay?: number | ((error: OllamaError, attempt: number) => number);
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

/** The pause before attempt `attempt`, as the options ask. */
export function retryDelay(options: RetryStreamOptions, error: OllamaError, attempt: number): number {
  const { delay } = options;
  if (typeof delay === 'function') return delay(error, attempt);
  return delay ?? 500 * 2 ** (attempt - 1);
}

/**
 * Subscribes again when a request fails before anything reached the subscriber and a new request may
 * succeed (`isRetryable`: network errors, timeouts, 5xx). Once a chunk was emitted it never retries:
 * that would repeat the text — `resumable` continues such a stream instead.
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
            !emitted && isRetryable(error) ? timer(retryDelay(options, error, attempt), scheduler) : throwError(() => error),
        }),
      );
    });
}
