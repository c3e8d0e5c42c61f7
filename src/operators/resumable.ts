import { type Observable, type ObservableInput, asyncScheduler, catchError, concatMap, defer, from, tap, throwError, timer } from 'rxjs';
import { OllamaError } from '../core/errors.js';
import type { ChatRequest, GenerateRequest, StreamChunk } from '../core/types.js';
import { type RetryStreamOptions, isRetryable, retryDelay } from './retryStream.js';

/** How often and how soon to resume; the same shape as `retryStream`'s options. */
export type ResumeOptions = RetryStreamOptions;

/**
 * The request's answer, continued after a failure instead of lost: when the stream fails after
 * emitting text and a new request may succeed (`isRetryable`), `send` is called again with a request
 * that carries the text so far, and Ollama writes on from there. The subscriber sees one seamless
 * text; the final chunk and its metrics are the last request's.
 *
 * - chat: the text so far becomes a trailing `assistant` message, which Ollama continues (or is
 *   appended to the trailing assistant message the request already had);
 * - generate: the prompt plus the text so far is sent with `raw: true`. Raw means no template, system
 *   prompt or `context`: exact for raw requests, an approximation for templated ones — prefer chat.
 *
 * A failure after chunks but before any answer text (a thinking model's reasoning) sends the request
 * again as it was: the reasoning streams again, the answer is never repeated. A failure before any
 * chunk is `retryStream()`'s job: pipe `send`'s stream through it. When the resumes run out, the
 * error's `partialText` holds all the text.
 *
 * @param send Sends one request, e.g. `(request) => client.chat$(request)`; `attempt` is 0 first,
 *   then 1, 2… for the resumes (to fail over to another client, say).
 *
 * @example
 * const request: ChatRequest = { model: 'llama3.2', messages: [{ role: 'user', content: 'Tell me a story.' }] };
 * resumable(request, (next) => client.chat$(next).pipe(retryStream()), { count: 3 })
 *   .pipe(scanText())
 *   .subscribe((story) => render(story)); // a dropped connection mid-story does not restart it
 */
export function resumable<R extends GenerateRequest | ChatRequest, T extends StreamChunk>(
  request: R,
  send: (request: R, attempt: number) => ObservableInput<T>,
  options: ResumeOptions = {},
): Observable<T> {
  const { count = 2, scheduler = asyncScheduler } = options;
  return defer(() => {
    let text = '';
    let started = false;
    let resumes = 0;
    const attempt = (current: R): Observable<T> =>
      from(send(current, resumes)).pipe(
        tap((chunk) => {
          started = true;
          text += chunk.text;
        }),
        catchError((error: unknown) => {
          if (!started || resumes >= count || !isRetryable(error)) {
            return throwError(() => (error instanceof OllamaError ? error.withPartialText(text) : error));
          }
          resumes++;
          const next = text ? continuation(request, text) : request;
          return timer(retryDelay(options, error, resumes), scheduler).pipe(concatMap(() => attempt(next)));
        }),
      );
    return attempt(request);
  });
}

/** `request` with `text` as the beginning of its answer. */
function continuation<R extends GenerateRequest | ChatRequest>(request: R, text: string): R {
  if ('messages' in request) {
    const messages = [...request.messages];
    const last = messages.at(-1);
    if (last?.role === 'assistant') messages[messages.length - 1] = { ...last, content: last.content + text };
    else messages.push({ role: 'assistant', content: text });
    return { ...request, messages };
  }
  // tsc does not narrow the type parameter through `in` above; typescript-eslint's checker does.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
  const { context: _context, ...generate } = request as GenerateRequest;
  return { ...generate, prompt: generate.prompt + text, raw: true } as R;
}
