import { type OperatorFunction, type SchedulerLike, asyncScheduler, defer, filter, map, take } from 'rxjs';
import type { StreamChunk } from '../core/types.js';
import { hasText } from './chunks.js';

/**
 * Milliseconds from subscription to the first chunk with text — model load and prompt evaluation
 * included, what a user waits before the answer starts — emitted once. Then it completes and, like
 * `first()`, unsubscribes from the source: **the request is ended**. Share the source (or use
 * `streamTimings()`) to measure a stream you also read. A stream without text completes without
 * emitting.
 *
 * @param scheduler The clock; `asyncScheduler` by default.
 *
 * @example
 * const ms = await lastValueFrom(fromOllama('Hi').pipe(firstTokenLatency()));
 * console.log(`first token after ${ms.toFixed(0)} ms`);
 */
export function firstTokenLatency<T extends StreamChunk>(scheduler: SchedulerLike = asyncScheduler): OperatorFunction<T, number> {
  return (source) =>
    defer(() => {
      const subscribedAt = scheduler.now();
      return source.pipe(
        filter(hasText),
        take(1),
        map(() => scheduler.now() - subscribedAt),
      );
    });
}
