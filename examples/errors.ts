import { type Observable, catchError, concat, concatMap, endWith, from, map, of } from 'rxjs';
import { type GenerateRequest, OllamaConfigError, OllamaError, type SourceOptions, fromOllama } from '../src/index.js';
import { streamingExample } from './support.js';

export const summary = 'Error handling by kind: a model that is not installed, a timeout, a request refused before sending';

/** What the user can do about a failure, by its kind. */
export function explain(error: unknown, model: string | undefined): string {
  // Bad configuration is found before anything is sent: no model at all, a malformed option.
  if (error instanceof OllamaConfigError) return `Not sent: ${error.message}`;
  if (!(error instanceof OllamaError)) throw error; // a bug, not a failure to explain
  switch (error.kind) {
    case 'model_not_found':
      return `Model "${model}" is not installed. Install it first: ollama pull ${model}`;
    case 'timeout':
      return `Ollama took too long (${error.message}). Try again, or allow more time with the timeouts option.`;
    default:
      return `Request failed (${error.kind}${error.statusCode ? ` ${error.statusCode}` : ''}): ${error.message}`;
  }
}

/** The answer's text; a failure becomes its explanation, so the caller's pipeline goes on. */
function answer$(request: GenerateRequest, options: SourceOptions): Observable<string> {
  return fromOllama(request, options).pipe(
    map((chunk) => chunk.text),
    catchError((error: unknown) => of(explain(error, request.model ?? options.client?.model))),
    endWith('\n'),
  );
}

export const main = streamingExample('Why is the sky blue?', (prompt, client) => {
  const attempts: { title: string; request: GenerateRequest; options: SourceOptions }[] = [
    { title: 'A model that is not installed', request: { prompt, model: 'no-such-model' }, options: { client } },
    // No model answers within 1 ms: a sure timeout, also against a real Ollama.
    { title: 'A first-token timeout of 1 ms', request: { prompt }, options: { client, timeouts: { firstToken: 1 } } },
    { title: 'A request with a bad option', request: { prompt }, options: { client, timeouts: { idle: -1 } } },
  ];
  return from(attempts).pipe(concatMap(({ title, request, options }) => concat(of(`${title}:\n  `), answer$(request, options), of('\n'))));
});
