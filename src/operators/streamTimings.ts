import { Observable, type OperatorFunction, type SchedulerLike, asyncScheduler } from 'rxjs';
import type { StreamChunk } from '../core/types.js';
import { hasText, tokensIn } from './chunks.js';
import { guard } from './guard.js';

/** What `streamTimings()` measured, in milliseconds. */
export interface StreamTimings {
  /** From subscription to the first chunk with text; absent when no text came. */
  firstTokenMs?: number;
  /** From subscription to completion. */
  totalMs: number;
  /** Chunks received, the `done` chunk included. */
  chunks: number;
  /** The server's `metrics.evalCount` when sent, else the chunks with text or thinking (about one token each). */
  tokens: number;
  /**
   * The server's `evalCount / evalMs` when sent. Else measured: the tokens after the first, over the
   * time from the first token to the last — the generation rate, model load excluded, like Ollama's.
   * Absent when there is nothing to measure (fewer than two tokens, or no time between them).
   */
  tokensPerSecond?: number;
}

/**
 * The Python doc's benchmark as one operator: on completion, one `StreamTimings` with the time to the
 * first token, the total time and the generation rate. The request runs to its end; an error passes
 * through without timings.
 *
 * @param scheduler The clock; `asyncScheduler` by default.
 *
 * @example
 * const timings = await lastValueFrom(fromOllama('Write a haiku').pipe(streamTimings()));
 * console.log(`${timings.firstTokenMs} ms to first token, ${timings.tokensPerSecond?.toFixed(1)} tokens/s`);
 */
export function streamTimings<T extends StreamChunk>(scheduler: SchedulerLike = asyncScheduler): OperatorFunction<T, StreamTimings> {
  return (source) =>
    new Observable<StreamTimings>((subscriber) => {
      const subscribedAt = scheduler.now();
      let firstTokenAt: number | undefined;
      let lastTokenAt = subscribedAt;
      let firstTextAt: number | undefined;
      let chunks = 0;
      let counted = 0;
      let last: T | undefined;

      const timings = (): StreamTimings => {
        const { evalCount, evalMs } = last?.metrics ?? {};
        const result: StreamTimings = { totalMs: scheduler.now() - subscribedAt, chunks, tokens: evalCount ?? counted };
        if (firstTextAt !== undefined) result.firstTokenMs = firstTextAt - subscribedAt;
        if (evalCount !== undefined && evalMs) result.tokensPerSecond = (evalCount / evalMs) * 1000;
        else if (counted > 1 && lastTokenAt > firstTokenAt!) {
          result.tokensPerSecond = ((counted - 1) / (lastTokenAt - firstTokenAt!)) * 1000;
        }
        return result;
      };

      return source.subscribe({
        next: guard(subscriber, (chunk: T) => {
          const now = scheduler.now();
          chunks++;
          last = chunk;
          if (hasText(chunk)) firstTextAt ??= now;
          if (tokensIn(chunk)) {
            counted++;
            firstTokenAt ??= now;
            lastTokenAt = now;
          }
        }),
        error: (error: unknown) => subscriber.error(error),
        complete: guard(subscriber, () => {
          subscriber.next(timings());
          subscriber.complete();
        }),
      });
    });
}
