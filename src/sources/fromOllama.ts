import { Observable, defer } from 'rxjs';
import type { GenerateRequest, StreamChunk } from '../core/types.js';
import { type SourceOptions, resolveClient } from './defaultClient.js';

/**
 * A cold Observable of the chunks Ollama's `/api/generate` streams for a prompt. Each subscription
 * sends one request; nothing is sent before. Unsubscribing aborts the request at once — while
 * connecting, while the model loads and no header has arrived, or mid-answer — and the server stops
 * generating. Failures arrive as `OllamaError`s whose `partialText` keeps what was received.
 *
 * @example
 * fromOllama('Why is the sky blue?', { model: 'llama3.2' }).subscribe({
 *   next: (chunk) => process.stdout.write(chunk.text),
 *   error: (error: OllamaError) => console.error(error.kind, error.message),
 * });
 */
export function fromOllama(prompt: string | GenerateRequest, options: SourceOptions = {}): Observable<StreamChunk> {
  // Deferred so that even the shared client is created only at subscription.
  return defer(() => resolveClient(options).generate$(prompt, options));
}
