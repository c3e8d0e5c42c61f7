import { Observable, defer } from 'rxjs';
import type { ChatChunk, ChatMessage, ChatRequest } from '../core/types.js';
import { type SourceOptions, resolveClient } from './defaultClient.js';

/**
 * A cold Observable of the chunks of Ollama's `/api/chat`: `text` is the assistant's new content,
 * with `thinking` and `toolCalls` when the model sends them. Same request life cycle as
 * `fromOllama`: one request per subscription, aborted on unsubscribe.
 *
 * @example
 * const history: ChatMessage[] = [{ role: 'user', content: 'Hello!' }];
 * fromOllamaChat(history, { model: 'llama3.2' })
 *   .pipe(collectText())
 *   .subscribe((answer) => history.push({ role: 'assistant', content: answer }));
 */
export function fromOllamaChat(request: ChatRequest | ChatMessage[], options: SourceOptions = {}): Observable<ChatChunk> {
  return defer(() => resolveClient(options).chat$(request, options));
}
