import { type MonoTypeOperatorFunction, Observable, type SchedulerLike, type Subscription, asyncScheduler } from 'rxjs';
import type { StreamChunk } from '../core/types.js';
import { Answer } from '../protocol/answer.js';
import { checkChunk, guard } from './guard.js';

/**
 * At most one chunk per `ms` window, losing nothing: the first chunk goes out at once, and the
 * chunks that arrive within the window are merged into one (text and thinking concatenated, tool
 * calls joined; `done`, `doneReason`, `metrics` and `context` from the latest) that goes out when the
 * window closes. When the source completes or fails, the pending merge goes out at once, before the
 * completion or error — the `done` chunk is never held back. This replaces the Python doc's
 * `time.sleep(0.01)` with rate limiting that does not slow the stream down.
 *
 * @param ms The window; `10` renders at most 100 times a second.
 * @param scheduler Times the windows; `asyncScheduler` by default.
 *
 * @example
 * fromOllama('Write a poem')
 *   .pipe(throttleChunks(50))
 *   .subscribe((chunk) => view.append(chunk.text)); // at most 20 DOM updates a second
 */
export function throttleChunks<T extends StreamChunk>(ms = 10, scheduler: SchedulerLike = asyncScheduler): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      const pending = new Answer<T>();
      const take = () => {
        const merged = pending.merged();
        pending.clear();
        return merged;
      };
      let window: Subscription | undefined;

      const emit = (chunk: T) => {
        subscriber.next(chunk);
        if (!subscriber.closed) window = scheduler.schedule(closeWindow, ms);
      };
      const closeWindow = guard(subscriber, () => {
        window = undefined;
        if (!pending.isEmpty) emit(take());
      });
      const flush = () => {
        if (!pending.isEmpty) subscriber.next(take());
      };

      const upstream = source.subscribe({
        next: guard(subscriber, (chunk: T) => {
          if (window) pending.add(chunk);
          else emit(checkChunk(chunk));
        }),
        error: guard(subscriber, (error: unknown) => {
          flush();
          subscriber.error(error);
        }),
        complete: guard(subscriber, () => {
          flush();
          subscriber.complete();
        }),
      });
      return () => {
        upstream.unsubscribe();
        window?.unsubscribe();
      };
    });
}
