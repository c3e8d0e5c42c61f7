import { Injectable, InjectionToken, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { EMPTY, Observable, Subject, catchError, connect, defer, finalize, ignoreElements, merge, switchMap, tap } from 'rxjs';
import { type ChatMessage, OllamaClient, countTokens, firstTokenLatency, fromOllamaChat, scanText, typewriter } from 'ollama-rx';

/** The Ollama server the chat talks to. Provide your own client for another host, model or headers. */
export const OLLAMA_CLIENT = new InjectionToken<OllamaClient>('OllamaClient', {
  providedIn: 'root',
  factory: () => new OllamaClient({ model: 'llama3.2' }),
});

/**
 * A chat with Ollama as signals. Asking again while an answer is still streaming cancels that answer
 * (`switchMap`): its HTTP request is aborted, so Ollama stops generating it, and the text typed so far
 * stays in the conversation. Everything is cancelled when the injector that created the service is
 * destroyed (`takeUntilDestroyed`).
 */
@Injectable({ providedIn: 'root' })
export class OllamaChatService {
  private readonly client = inject(OLLAMA_CLIENT);
  /** A prompt to answer, or `null` to stop the answer in progress. */
  private readonly prompts = new Subject<string | null>();
  /** The conversation up to the question being answered. */
  private readonly asked = signal<readonly ChatMessage[]>([]);
  private readonly typed = signal('');
  private readonly busy = signal(false);
  private readonly tokenCount = signal(0);
  private readonly latency = signal<number | undefined>(undefined);
  /** Usually an `OllamaError` (check `kind`); a bad option is an `OllamaConfigError`. */
  private readonly failure = signal<Error | undefined>(undefined);
  private readonly installed = signal<readonly string[]>([]);

  /** The whole conversation, the answer as typed so far included. */
  readonly messages = computed<readonly ChatMessage[]>(() => {
    const answer = this.typed();
    return answer ? [...this.asked(), { role: 'assistant', content: answer }] : this.asked();
  });
  /** The latest answer as typed so far; it stays after the answer ends, until the next question. */
  readonly answer = this.typed.asReadonly();
  readonly streaming = this.busy.asReadonly();
  /** Tokens of the latest answer so far (`countTokens`): the server's exact count once it ends. */
  readonly tokens = this.tokenCount.asReadonly();
  /** Milliseconds from the request to the latest answer's first text (`firstTokenLatency`). */
  readonly firstTokenMs = this.latency.asReadonly();
  /** Why the latest answer, or listing the models, failed. */
  readonly error = this.failure.asReadonly();
  /** The model that answers the next question: the client's own until one is picked. */
  readonly model = signal<string | undefined>(this.client.model);
  /** The models to pick from: the server's (`list()`), and the chosen one even when it is not installed. */
  readonly models = computed(() => {
    const chosen = this.model();
    const installed = this.installed();
    return chosen === undefined || installed.includes(chosen) ? installed : [chosen, ...installed];
  });

  constructor() {
    this.prompts
      .pipe(
        switchMap((prompt) => (prompt === null ? EMPTY : this.reply(prompt))),
        takeUntilDestroyed(),
      )
      .subscribe(this.typed.set.bind(this.typed));
    this.installedModels()
      .pipe(takeUntilDestroyed())
      .subscribe((names) => {
        this.installed.set(names);
        if (this.model() === undefined) this.model.set(names[0]);
      });
  }

  ask(prompt: string): void {
    this.prompts.next(prompt);
  }

  stop(): void {
    this.prompts.next(null);
  }

  /** The answer to `prompt`, as the text typed so far; its request starts at subscription. */
  private reply(prompt: string): Observable<string> {
    return defer(() => {
      // What was typed of the previous answer, complete or cut short, joins the conversation.
      const messages = [...this.messages(), { role: 'user' as const, content: prompt }];
      this.asked.set(messages);
      this.typed.set('');
      this.tokenCount.set(0);
      this.latency.set(undefined);
      this.failure.set(undefined);
      this.busy.set(true);
      return fromOllamaChat({ model: this.model(), messages }, { client: this.client }).pipe(
        // One request, read three ways: the text is typed out, the counters follow the chunks as they come.
        connect((chunks) =>
          merge(
            chunks.pipe(countTokens(), tap(this.tokenCount.set.bind(this.tokenCount)), quietly()),
            chunks.pipe(firstTokenLatency(), tap(this.latency.set.bind(this.latency)), quietly()),
            // The typewriter delivers an error after the text received before it: nothing is lost.
            chunks.pipe(typewriter(15, { maxLagMs: 1500 }), scanText()),
          ),
        ),
        catchError((error: unknown) => {
          this.failure.set(asError(error));
          return EMPTY;
        }),
        // Completed, failed or cancelled.
        finalize(() => this.busy.set(false)),
      );
    });
  }

  /** The names of the server's models; a failure shows on the error line and leaves the list empty. */
  private installedModels(): Observable<string[]> {
    return new Observable<string[]>((subscriber) => {
      const abort = new AbortController();
      this.client.list({ signal: abort.signal }).then(
        (models) => {
          subscriber.next(models.map((model) => model.name));
          subscriber.complete();
        },
        (error: unknown) => {
          if (!abort.signal.aborted) this.failure.set(asError(error));
          subscriber.complete();
        },
      );
      return () => abort.abort();
    });
  }
}

/** A side reader's values are already in its signal, and its failure is the text reader's to report. */
function quietly<T>(): (source: Observable<T>) => Observable<never> {
  return (source) =>
    source.pipe(
      ignoreElements(),
      catchError(() => EMPTY),
    );
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
