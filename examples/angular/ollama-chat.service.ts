import { Injectable, InjectionToken, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { EMPTY, Observable, Subject, catchError, defer, finalize, switchMap } from 'rxjs';
import { type ChatMessage, OllamaClient, fromOllamaChat, scanText, typewriter } from 'ollama-rx';

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
  private readonly conversation = signal<readonly ChatMessage[]>([]);
  private readonly typed = signal('');
  private readonly busy = signal(false);
  /** Usually an `OllamaError` (check `kind`); a bad option is an `OllamaConfigError`. */
  private readonly failure = signal<Error | undefined>(undefined);

  /** The conversation so far, without the answer in progress. */
  readonly messages = this.conversation.asReadonly();
  /** The answer in progress, as typed so far. */
  readonly answer = this.typed.asReadonly();
  readonly streaming = this.busy.asReadonly();
  /** Why the last answer failed. */
  readonly error = this.failure.asReadonly();

  constructor() {
    this.prompts
      .pipe(
        switchMap((prompt) => (prompt === null ? EMPTY : this.reply(prompt))),
        takeUntilDestroyed(),
      )
      .subscribe(this.typed.set.bind(this.typed));
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
      const messages = [...this.conversation(), { role: 'user' as const, content: prompt }];
      this.conversation.set(messages);
      this.typed.set('');
      this.failure.set(undefined);
      this.busy.set(true);
      return fromOllamaChat(messages, { client: this.client }).pipe(
        typewriter(15, { maxLagMs: 1500 }),
        scanText(),
        catchError((error: unknown) => {
          this.failure.set(error instanceof Error ? error : new Error(String(error)));
          return EMPTY;
        }),
        // Completed, failed or cancelled: what was typed joins the conversation.
        finalize(() => {
          const content = this.typed();
          if (content) this.conversation.update((all) => [...all, { role: 'assistant', content }]);
          this.typed.set('');
          this.busy.set(false);
        }),
      );
    });
  }
}
