import { type Injector, type Signal, type WritableSignal, signal } from '@angular/core';
import { type MonoTypeOperatorFunction, type Observable, connect, ignoreElements, map, merge, tap } from 'rxjs';
import type { AgentClient } from '../agents/agentClient.js';
import { type ToolEvent, type Tools, toolLoop } from '../agents/toolLoop.js';
import type { OllamaClient } from '../client/client.js';
import type { ChatChunk, GenerationMetrics } from '../core/chunks.js';
import type { RequestOptions } from '../core/options.js';
import type { ChatMessage, ChatRequest, ImageInput, ModelOptions, ResponseFormat, ThinkOption, ToolCall } from '../core/requests.js';
import { countTokens } from '../operators/countTokens.js';
import { firstTokenLatency } from '../operators/firstTokenLatency.js';
import { typewriter } from '../operators/typewriter.js';
import { resourceContext } from './providers.js';
import { RequestState, type ResourceStatus } from './requestState.js';

/** The latest answer's size and pace. */
export interface ChatUsage {
  /** `countTokens()` of the latest answer: one per chunk while it streams, the exact `evalCount` at the end. */
  tokens: number;
  /** `firstTokenLatency()` of the latest answer. */
  firstTokenMs?: number;
  /** Ollama's figures, once the answer is done. */
  metrics?: GenerationMetrics;
}

export interface ChatResourceOptions extends Omit<RequestOptions, 'model'> {
  /** The model that answers: a name, or a function read at each `send` (e.g. a signal the page's picker sets). Default: the client's. */
  model?: string | (() => string | undefined);
  /** Sent first with every request; not one of `messages()`. */
  system?: string;
  /** Tools the model may call: each round runs through `runTools$` and shows in `messages()` as it happens. */
  tools?: Tools;
  /** With `tools`: how many chat requests one `send` makes at most (default 8). */
  maxSteps?: number;
  think?: ThinkOption;
  options?: ModelOptions;
  format?: ResponseFormat;
  /** Types each answer out at this many ms per character (`typewriter()`); default `false`: as it arrives. */
  typewriter?: number | false;
  initialMessages?: readonly ChatMessage[];
  /** The injector the resource lives in, outside an injection context. */
  injector?: Injector;
  /** Another client than the injector's `OLLAMA_CLIENT` (ignored under `provideOllamaTesting`). */
  client?: OllamaClient;
}

export interface ChatResource {
  /** The whole exchange, the answer in progress included (text, thinking, tool calls) and a tool round's messages as it runs. */
  readonly messages: Signal<readonly ChatMessage[]>;
  readonly status: Signal<ResourceStatus>;
  /** The latest failure (an `OllamaError`, see its `kind`, or an `OllamaConfigError`); cleared by `send`. */
  readonly error: Signal<Error | undefined>;
  /** The latest answer's text so far. */
  readonly answer: Signal<string>;
  /** The latest answer's reasoning so far. */
  readonly thinking: Signal<string>;
  readonly usage: Signal<ChatUsage>;
  /** Asks: while an answer streams, stops it (what was typed stays), then asks. */
  send(content: string, options?: { images?: ImageInput[] }): void;
  /** Aborts the request and the running tools; the partial answer stays; status `'ready'`. */
  stop(): void;
  /** Drops the last answer (and its tool round) and asks again. */
  regenerate(): void;
  /** Stops, and empties the messages, the answer, thinking, usage and error. */
  clear(): void;
  /** Replaces the conversation (stops a running answer first). */
  setMessages(messages: readonly ChatMessage[]): void;
}

/**
 * A chat as signals: `send` a question, read `messages()`, `answer()`, `status()`… as the answer
 * streams. Runs in an injection context (or takes `injector`) and aborts its request when that
 * injector is destroyed.
 *
 * @example
 * readonly chat = chatResource({ model: 'llama3.2', system: 'Answer briefly.' });
 * // template: @for (m of chat.messages(); track $index) { <p>{{ m.content }}</p> }  <button (click)="chat.stop()">Stop</button>
 */
export function chatResource(options: ChatResourceOptions = {}): ChatResource {
  const request = new RequestState();
  const stop = () => request.stop();
  const { client } = resourceContext(chatResource, options, stop);
  const messages = signal<readonly ChatMessage[]>([...(options.initialMessages ?? [])]);
  const answer = signal('');
  const thinking = signal('');
  const usage = signal<ChatUsage>({ tokens: 0 });

  const ask = (history: readonly ChatMessage[]) => {
    stop();
    messages.set(history);
    answer.set('');
    thinking.set('');
    usage.set({ tokens: 0 });
    const turn = new Turn(history, history.length + (options.system ? 1 : 0), (shown) => messages.set(shown));
    request.run(events(client, options, history, usage), (event) => {
      turn.on(event);
      answer.set(turn.text);
      thinking.set(turn.thinking);
      if (event.type === 'chunk' && (event.chunk.text || event.chunk.thinking)) request.started();
    });
  };

  return {
    messages: messages.asReadonly(),
    status: request.status.asReadonly(),
    error: request.error.asReadonly(),
    answer: answer.asReadonly(),
    thinking: thinking.asReadonly(),
    usage: usage.asReadonly(),
    send: (content, extra) => {
      stop();
      const question: ChatMessage = { role: 'user', content };
      if (extra?.images) question.images = extra.images;
      ask([...messages(), question]);
    },
    stop,
    regenerate: () => {
      stop();
      const shown = messages();
      const lastQuestion = shown.findLastIndex((message) => message.role === 'user');
      if (lastQuestion >= 0) ask(shown.slice(0, lastQuestion + 1));
    },
    clear: () => {
      request.reset();
      messages.set([]);
      answer.set('');
      thinking.set('');
      usage.set({ tokens: 0 });
    },
    setMessages: (replacement) => {
      stop();
      messages.set([...replacement]);
    },
  };
}

/**
 * One `send`'s exchange as shown: the history, the tool rounds so far, and the answer in progress.
 * Its text grows by concatenation (a rope in JS engines), so a long answer costs no copy per token.
 */
class Turn {
  text = '';
  thinking = '';
  private calls: ToolCall[] = [];
  private rounds: readonly ChatMessage[] = [];

  /** `asked`: how many messages the request starts with (the history, after the system prompt if any). */
  constructor(
    private readonly history: readonly ChatMessage[],
    private readonly asked: number,
    private readonly show: (messages: readonly ChatMessage[]) => void,
  ) {}

  on(event: ToolEvent): void {
    if (event.type === 'chunk') {
      const { text, thinking, toolCalls } = event.chunk;
      this.text += text;
      if (thinking) this.thinking += thinking;
      if (toolCalls?.length) this.calls = [...this.calls, ...toolCalls];
      this.show([...this.history, ...this.rounds, this.message()]);
    } else if (event.type === 'step') {
      // The loop's own history after a round: the assistant's calls and one tool message per result.
      this.rounds = event.messages.slice(this.asked);
      this.text = '';
      this.thinking = '';
      this.calls = [];
      this.show([...this.history, ...this.rounds]);
    }
  }

  private message(): ChatMessage {
    const message: ChatMessage = { role: 'assistant', content: this.text };
    if (this.thinking) message.thinking = this.thinking;
    if (this.calls.length) message.tool_calls = this.calls;
    return message;
  }
}

/**
 * The events of one `send`: the tool loop when there are tools, the chat's chunks otherwise. Each
 * request's chunks feed `usage` as they arrive, then are typed out if asked, so the counts follow
 * the model, not the typing.
 */
function events(
  client: OllamaClient,
  options: ChatResourceOptions,
  history: readonly ChatMessage[],
  usage: WritableSignal<ChatUsage>,
): Observable<ToolEvent> {
  const pace = options.typewriter;
  // The loop asks through this client: each request's answer is counted, and typed out before the next round.
  const asking: AgentClient = {
    model: client.model,
    chat$: (request, requestOptions) => {
      const chunks = client.chat$(request, requestOptions).pipe(trackUsage(usage));
      return pace ? chunks.pipe(typewriter(pace)) : chunks;
    },
    pull$: (model, requestOptions) => client.pull$(model, requestOptions),
    load: (model, requestOptions) => client.load(model, requestOptions),
    show: (model, requestOptions) => client.show(model, requestOptions),
  };
  const request: ChatRequest = { messages: options.system ? [{ role: 'system', content: options.system }, ...history] : [...history] };
  const model = typeof options.model === 'function' ? options.model() : options.model;
  if (model !== undefined) request.model = model;
  if (options.think !== undefined) request.think = options.think;
  if (options.options !== undefined) request.options = options.options;
  if (options.format !== undefined) request.format = options.format;
  const requestOptions: RequestOptions = {};
  if (options.headers) requestOptions.headers = options.headers;
  if (options.timeouts) requestOptions.timeouts = options.timeouts;
  if (options.signal) requestOptions.signal = options.signal;
  if (options.tools) return toolLoop(asking, request, options.tools, { ...requestOptions, maxSteps: options.maxSteps });
  return asking.chat$(request, requestOptions).pipe(map((chunk): ToolEvent => ({ type: 'chunk', chunk })));
}

/** The chunks untouched; `usage` follows them: `countTokens()`, `firstTokenLatency()` and the last chunk's metrics (one request: `connect`). */
function trackUsage(usage: WritableSignal<ChatUsage>): MonoTypeOperatorFunction<ChatChunk> {
  return connect((chunks) =>
    merge(
      chunks.pipe(
        tap(({ metrics }) => {
          if (metrics) usage.update((current) => ({ ...current, metrics }));
        }),
      ),
      chunks.pipe(
        countTokens(),
        tap((tokens) => usage.update((current) => ({ ...current, tokens }))),
        ignoreElements(),
      ),
      chunks.pipe(
        firstTokenLatency(),
        tap((firstTokenMs) => usage.update((current) => ({ ...current, firstTokenMs }))),
        ignoreElements(),
      ),
    ),
  );
}
