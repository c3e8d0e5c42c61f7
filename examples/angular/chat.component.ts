import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { OllamaChatService } from './ollama-chat.service';

/** A chat box: the conversation, the answer being typed, and Stop. Standalone, signals only. */
@Component({
  selector: 'ollama-chat',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @for (message of chat.messages(); track $index) {
      <p [class]="message.role">{{ message.content }}</p>
    }
    @if (chat.streaming()) {
      <p class="assistant">{{ chat.answer() }}</p>
    }
    @if (chat.error(); as error) {
      <p class="error">{{ error.message }}</p>
    }
    <form (submit)="send(prompt); $event.preventDefault()">
      <input #prompt placeholder="Ask Ollama" aria-label="Prompt" />
      <button type="submit">Ask</button>
      <button type="button" (click)="chat.stop()" [disabled]="!chat.streaming()">Stop</button>
    </form>
  `,
})
export class ChatComponent {
  protected readonly chat = inject(OllamaChatService);

  protected send(input: HTMLInputElement): void {
    if (!input.value.trim()) return;
    this.chat.ask(input.value);
    input.value = '';
  }
}
