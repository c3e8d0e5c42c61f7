import { type OperatorFunction, catchError, map, of, pipe } from 'rxjs';
import type { StreamChunk } from '../core/types.js';
import { checkChunk } from './guard.js';
import { messageOf } from '../core/describe.js';

/**
 * Turns a failure into data: the stream ends with one `{ text: '', done: true, error }` chunk
 * instead of erroring, the style of the Python doc's `if chunk.error:` handlers. The chunks before
 * the failure are emitted as usual. A malformed chunk (`null`) is a failure too: the subscriber's
 * `chunk.error` check never meets it. Prefer the error channel (or `toModelResponse()`) when the
 * error's `kind` or `statusCode` matters: this chunk keeps only the message.
 *
 * @example
 * fromOllama('Hello')
 *   .pipe(errorsAsChunks())
 *   .subscribe((chunk) => {
 *     if (chunk.error) console.error(`\nError: ${chunk.error}`);
 *     else process.stdout.write(chunk.text);
 *   });
 */
export function errorsAsChunks<T extends StreamChunk>(): OperatorFunction<T, T | StreamChunk> {
  return pipe(
    map(checkChunk<T>),
    catchError((error: unknown) => of<StreamChunk>({ text: '', done: true, error: messageOf(error) })),
  );
}
