import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { OllamaError } from 'ollama-rx';
import { OllamaChatService } from './ollama-chat.service';

/**
 * A chat box: the model picker, the conversation, the answer being typed with its token count and
 * first-token latency, the error line, Send and Stop. Standalone, signals only. The `data-testid`
 * attributes are stable hooks for end-to-end tests.
 */
@Component({
  selector: 'ollama-chat',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <label>
      Model
      <select data-testid="model" #model (change)="chat.model.set(model.value)">
        @for (name of chat.models(); track name) {
          <option [value]="name" [selected]="name === chat.model()">{{ name }}</option>
        }
      </select>
    </label>
    <ol class="conversation">
      @for (message of earlier(); track $index) {
        <li [class]="message.role">{{ message.content }}</li>
      }
      <li class="assistant" data-testid="answer" [class.streaming]="chat.streaming()">{{ chat.answer() }}</li>
    </ol>
    <p class="stats">
      <span
        ><output data-testid="tokens">{{ chat.tokens() }}</output> tokens</span
      >
      <span
        >first token after <output data-testid="latency">{{ latency() }}</output></span
      >
    </p>
    @if (chat.error(); as error) {
      <p class="error" data-testid="error" role="alert">{{ kindOf(error) }}: {{ error.message }}</p>
    }
    <form (submit)="send(prompt); $event.preventDefault()">
      <input data-testid="prompt" #prompt placeholder="Ask Ollama" aria-label="Prompt" autofocus />
      <button data-testid="send" type="submit">Send</button>
      <button data-testid="stop" type="button" (click)="chat.stop()" [disabled]="!chat.streaming()">Stop</button>
    </form>
  `,
})
export class ChatComponent {
  protected readonly chat = inject(OllamaChatService);
  /** The conversation before the answer in progress, which has its own place. */
  protected readonly earlier = computed(() => {
    const messages = this.chat.messages();
    return this.chat.answer() ? messages.slice(0, -1) : messages;
  });
  protected readonly latency = computed(() => {
    const ms = this.chat.firstTokenMs();
    return ms === undefined ? '–' : `${Math.round(ms)} ms`;
  });

  protected send(input: HTMLInputElement): void {
    if (!input.value.trim()) return;
    this.chat.ask(input.value);
    input.value = '';
  }

  protected kindOf(error: Error): string {
    return error instanceof OllamaError ? error.kind : error.name;
  }
}
