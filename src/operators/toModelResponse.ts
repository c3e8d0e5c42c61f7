import { Observable, type OperatorFunction } from 'rxjs';
import { OllamaError } from '../core/errors.js';
import type { ModelResponse, StreamChunk } from '../core/types.js';
import { Answer } from '../protocol/answer.js';
import { guard } from './guard.js';
import { messageOf } from '../core/describe.js';

/**
 * Collects a stream into one `ModelResponse`, the Python client's non-throwing result: on success
 * the whole text, thinking, tool calls and log probabilities in order, the model, `doneReason` and
 * the final metrics; on failure `success: false` with `error`, `statusCode`, `kind` (and `phase` of
 * a timeout, `signinUrl` of a 401) and what was received before it. The result Observable never
 * errors: a malformed chunk (`null`) ends it the same way, with the message of what it threw and
 * without a `kind`.
 *
 * @example
 * fromOllama('Why is the sky blue?')
 *   .pipe(toModelResponse())
 *   .subscribe((response) => {
 *     if (response.success) console.log(response.text);
 *     else console.error(`failed (${response.kind}): ${response.error}; got ${response.text.length} chars`);
 *   });
 */
export function toModelResponse<T extends StreamChunk>(): OperatorFunction<T, ModelResponse> {
  return (source) =>
    new Observable<ModelResponse>((subscriber) => {
      const answer = new Answer<T>();
      // A malformed chunk ends the output like a failure of the stream: this operator never errors.
      const fail = guard(subscriber, (error: unknown) => {
        subscriber.next(failed(answer.response(), error));
        subscriber.complete();
      });
      const done = () => {
        subscriber.next(answer.response());
        subscriber.complete();
      };
      return source.subscribe({
        next: guard(subscriber, (chunk: T) => void answer.add(chunk), fail),
        error: fail,
        complete: guard(subscriber, done, fail),
      });
    });
}

/** `response` marked as failed by `error`, with what the error tells. */
function failed(response: ModelResponse, error: unknown): ModelResponse {
  response.success = false;
  response.error = messageOf(error);
  if (error instanceof OllamaError) {
    response.kind = error.kind;
    if (error.statusCode !== undefined) response.statusCode = error.statusCode;
    if (error.phase !== undefined) response.phase = error.phase;
    if (error.signinUrl !== undefined) response.signinUrl = error.signinUrl;
  }
  return response;
}
