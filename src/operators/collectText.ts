import { Observable, type OperatorFunction } from 'rxjs';
import { toOllamaError } from '../core/errors.js';
import { TextBuffer } from '../core/textBuffer.js';
import type { StreamChunk } from '../core/types.js';
import { guard } from './guard.js';

/**
 * The whole text, emitted once when the stream completes (`''` for a stream without text).
 *
 * Nothing received is lost on failure: the error is rethrown as an `OllamaError` whose
 * `partialText` holds the text collected before it. A foreign error becomes an `OllamaError` of kind
 * `network` with the original as `cause`. An `AbortError` — the reason of the caller's own `signal` —
 * passes through unchanged, because the caller asked for it and may test `error.name`.
 *
 * @example
 * const answer = await lastValueFrom(fromOllama('Why is the sky blue?').pipe(collectText()));
 *
 * try {
 *   await lastValueFrom(fromOllama('Write an essay').pipe(collectText()));
 * } catch (error) {
 *   if (error instanceof OllamaError) console.log(`failed after: ${error.partialText}`);
 * }
 */
export function collectText<T extends StreamChunk>(): OperatorFunction<T, string> {
  return (source) =>
    new Observable<string>((subscriber) => {
      const text = new TextBuffer();
      return source.subscribe({
        next: guard(subscriber, (chunk: T) => text.add(chunk.text)),
        error: (error: unknown) => subscriber.error(isAbort(error) ? error : toOllamaError(error, text.text())),
        complete: guard(subscriber, () => {
          subscriber.next(text.text());
          subscriber.complete();
        }),
      });
    });
}

/** By name, not `instanceof`: a `DOMException` may come from another realm (a frame, a test VM). */
const isAbort = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
