import { ChangeDetectionStrategy, Component, InjectionToken, computed, inject, linkedSignal, resource } from '@angular/core';
import { type ToolCall, type Tools, OllamaError } from 'ollama-rx';
import { OLLAMA_CLIENT, chatResource } from 'ollama-rx/angular';

/** Tools the chat offers the model; none by default, since a model without tool support refuses a request that lists some. */
export const CHAT_TOOLS = new InjectionToken<Tools | undefined>('CHAT_TOOLS', { factory: () => undefined });

/**
 * A chat box on `chatResource`: the model picker, the conversation (reasoning and tool rounds
 * included, when the model sends them), the answer being typed with its token count and first-token
 * latency, the error line, Send and Stop. Standalone, signals only. The `data-testid` attributes are
 * stable hooks for end-to-end tests.
 */
@Component({
  selector: 'ollama-chat',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <label>
      Model
      <select data-testid="model" #picker (change)="model.set(picker.value)">
        @for (name of models(); track name) {
          <option [value]="name" [selected]="name === model()">{{ name }}</option>
        }
      </select>
    </label>
    <ol class="conversation">
      @for (message of shown().earlier; track $index) {
        @if (message.thinking) {
          <li class="thinking">{{ message.thinking }}</li>
        }
        @if (message.role === 'tool') {
          <li class="tool" data-testid="tool-result">{{ message.tool_name }} → {{ message.content }}</li>
        } @else {
          <li [class]="message.role">{{ message.content }}</li>
          @for (call of message.tool_calls; track $index) {
            <li class="call" data-testid="tool-call">{{ describe(call) }}</li>
          }
        }
      }
      @if (shown().answer?.thinking; as thinking) {
        <li class="thinking" data-testid="thinking">{{ thinking }}</li>
      }
      <li class="assistant" data-testid="answer" [class.streaming]="busy()">{{ shown().answer?.content }}</li>
    </ol>
    <p class="stats">
      <span
        ><output data-testid="tokens">{{ chat.usage().tokens }}</output> tokens</span
      >
      <span
        >first token after <output data-testid="latency">{{ latency() }}</output></span
      >
    </p>
    @if (error(); as error) {
      <p class="error" data-testid="error" role="alert">{{ kindOf(error) }}: {{ error.message }}</p>
    }
    <form (submit)="send(prompt); $event.preventDefault()">
      <input data-testid="prompt" #prompt placeholder="Ask Ollama" aria-label="Prompt" autofocus />
      <button data-testid="send" type="submit">Send</button>
      <button data-testid="stop" type="button" (click)="chat.stop()" [disabled]="!busy()">Stop</button>
    </form>
  `,
})
export class ChatComponent {
  private readonly client = inject(OLLAMA_CLIENT);
  /** The server's models (`list()`); its request is aborted if the page goes first. */
  private readonly installed = resource({
    loader: async ({ abortSignal }) => (await this.client.list({ signal: abortSignal })).map((model) => model.name),
  });
  /** The model of the next question: the client's, else the first installed, until one is picked. */
  protected readonly model = linkedSignal(() => this.client.model ?? (this.installed.hasValue() ? this.installed.value()[0] : undefined));
  /** What the picker offers: the installed models, and the chosen one even when it is not installed (`?model=`). */
  protected readonly models = computed(() => {
    const chosen = this.model();
    const installed = this.installed.hasValue() ? this.installed.value() : [];
    return chosen === undefined || installed.includes(chosen) ? installed : [chosen, ...installed];
  });
  // No typewriter: at 15 ms a character it would trail a fast model by ever more (the option has no lag limit).
  protected readonly chat = chatResource({ model: this.model, tools: inject(CHAT_TOOLS) });
  protected readonly busy = computed(() => this.chat.status() === 'submitted' || this.chat.status() === 'streaming');
  /** The latest answer has its own place at the end, once no tool call of it is pending; the rest comes before it. */
  protected readonly shown = computed(() => {
    const messages = this.chat.messages();
    const last = messages.at(-1);
    const answering = last?.role === 'assistant' && !last.tool_calls?.length;
    return { earlier: answering ? messages.slice(0, -1) : messages, answer: answering ? last : undefined };
  });
  /** The latest answer's failure, or the model list's. */
  protected readonly error = computed(() => this.chat.error() ?? this.installed.error());
  protected readonly latency = computed(() => {
    const ms = this.chat.usage().firstTokenMs;
    return ms === undefined ? '–' : `${Math.round(ms)} ms`;
  });

  protected send(input: HTMLInputElement): void {
    if (!input.value.trim()) return;
    this.chat.send(input.value);
    input.value = '';
  }

  protected describe(call: ToolCall): string {
    return `${call.function.name}(${JSON.stringify(call.function.arguments)})`;
  }

  protected kindOf(error: Error): string {
    return error instanceof OllamaError ? error.kind : error.name;
  }
}
