import { Observable, type OperatorFunction } from 'rxjs';
import { OllamaError } from '../errors.js';
import { TextBuffer } from '../textBuffer.js';
import type { ChatChunk, ModelResponse, StreamChunk, ToolCall } from '../types.js';

/**
 * Collects a stream into one `ModelResponse`, the Python client's non-throwing result: on success
 * the whole text and the final metrics; on failure `success: false` with `error`, `statusCode`,
 * `kind` and the text received before it. The result Observable never errors.
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
      let last: T | undefined;
      const result = (): ModelResponse => {
        const response: ModelResponse = { text: text.text(), success: true, done: last?.done ?? false };
        if (thinking) response.thinking = thinking;
        if (toolCalls.length) response.toolCalls = toolCalls;
        if (last?.metrics) response.metrics = last.metrics;
        if (last?.context) response.context = last.context;
        return response;
      };
      return source.subscribe({
        next: (chunk) => {
          text.add(chunk.text);
          if (chunk.thinking) thinking += chunk.thinking;
          const calls = (chunk as Partial<ChatChunk>).toolCalls;
          if (calls) toolCalls = toolCalls.concat(calls);
          last = chunk;
        },
        error: (error: unknown) => {
          const response = result();
          response.success = false;
          response.error = error instanceof Error ? error.message : String(error);
          if (error instanceof OllamaError) {
            response.kind = error.kind;
            if (error.statusCode !== undefined) response.statusCode = error.statusCode;
          }
          subscriber.next(response);
          subscriber.complete();
        },
        complete: () => {
          subscriber.next(result());
          subscriber.complete();
        },
      });
    });
}
