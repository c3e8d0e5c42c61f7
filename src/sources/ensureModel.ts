import { type Observable, defer } from 'rxjs';
import { type EnsureModelOptions, type ModelReadiness, modelReadiness } from '../agents/modelReadiness.js';
import { type SourceOptions, resolveClient } from './defaultClient.js';

/**
 * A model made ready before the first token: checked with `show`; when missing, pulled with its
 * progress; then loaded with Ollama's empty-prompt request, so the first real request pays no load
 * time. Emits `{ stage: 'checking' | 'pulling' | 'loading' | 'ready', progress? }`, ending with
 * `ready`. Cold; unsubscribing aborts the request of whatever stage is running; a failure of any
 * stage is an `OllamaError` (a pull of a name no registry has: `model_not_found`). Without a
 * name, the client's model (`OLLAMA_MODEL`).
 *
 * @example
 * ensureModel$('llama3.2', { keep_alive: '1h' })
 *   .pipe(concatWith(fromOllama('Hello!', { model: 'llama3.2' })))
 *   .subscribe((event) => console.log(event));
 */
export function ensureModel$(model?: string, options: EnsureModelOptions & SourceOptions = {}): Observable<ModelReadiness> {
  return defer(() => modelReadiness(resolveClient(options), model, options));
}
