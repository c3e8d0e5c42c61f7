import { Observable, type OperatorFunction } from 'rxjs';
import { OllamaError } from '../core/errors.js';
import { TextBuffer } from '../core/textBuffer.js';
import type { Logprob, ModelResponse, StreamChunk, ToolCall } from '../core/types.js';
import { guard } from './guard.js';

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
      const text = new TextBuffer();
      let thinking = '';
      let toolCalls: ToolCall[] = [];
      const logprobs: Logprob[] = [];
      let last: T | undefined;
      const result = (): ModelResponse => {
        const response: ModelResponse = { text: text.text(), success: true, done: last?.done ?? false };
        if (last?.model !== undefined) response.model = last.model;
        if (last?.remoteModel !== undefined) response.remoteModel = last.remoteModel;
        if (last?.remoteHost !== undefined) response.remoteHost = last.remoteHost;
        if (last?.doneReason !== undefined) response.doneReason = last.doneReason;
        if (thinking) response.thinking = thinking;
        if (toolCalls.length) response.toolCalls = toolCalls;
        if (logprobs.length) response.logprobs = logprobs;
        if (last?.metrics) response.metrics = last.metrics;
        if (last?.context) response.context = last.context;
        return response;
      };
      const fail = guard(subscriber, (error: unknown) => {
        const response = result();
        response.success = false;
        response.error = error instanceof Error ? error.message : String(error);
        if (error instanceof OllamaError) {
          response.kind = error.kind;
          if (error.statusCode !== undefined) response.statusCode = error.statusCode;
          if (error.phase !== undefined) response.phase = error.phase;
          if (error.signinUrl !== undefined) response.signinUrl = error.signinUrl;
        }
        subscriber.next(response);
        subscriber.complete();
      });
      return source.subscribe({
        next: guard(
          subscriber,
          (chunk: T) => {
            text.add(chunk.text);
            if (chunk.thinking) thinking += chunk.thinking;
            if (chunk.toolCalls) toolCalls = toolCalls.concat(chunk.toolCalls);
            // One push per token, not a concat: a long answer with log probabilities has one per token.
            if (chunk.logprobs) for (const logprob of chunk.logprobs) logprobs.push(logprob);
            last = chunk;
          },
          fail,
        ),
        error: fail,
        complete: guard(
          subscriber,
          () => {
            subscriber.next(result());
            subscriber.complete();
          },
          fail,
        ),
      });
    });
}
