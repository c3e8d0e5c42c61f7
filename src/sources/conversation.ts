import { Observable, defer, tap } from 'rxjs';
import { type ToolEvent, type ToolLoopOptions, type Tools, toolLoop } from '../agents/toolLoop.js';
import type { RequestOptions } from '../core/options.js';
import type { ChatChunk, ChatMessage, ChatRequest } from '../core/types.js';
import { Answer } from '../protocol/answer.js';
import { type SourceOptions, resolveClient } from './defaultClient.js';

/** A chat that remembers: each `ask$` sends the whole history and appends the answer to it. */
export interface Conversation {
  /** The history so far, oldest first (the system prompt included). */
  readonly messages: readonly ChatMessage[];
  /**
   * Streams the answer to `content`. When the answer ends — completed, failed or unsubscribed — the
   * user message and whatever text arrived are appended to the history, so the next turn sees what
   * the user saw; a turn that failed before any text leaves the history as it was.
   */
  ask$(content: string | ChatMessage): Observable<ChatChunk>;
  /**
   * `runTools$` for `content` on top of the history. The whole exchange goes into the history: the
   * user message, each assistant message with its tool calls and the tools' answers, and the final
   * answer. A run that ends early keeps its finished rounds and whatever answer text arrived.
   * `options` may carry the run's own `signal`, `timeouts` or `headers`, which win over the conversation's.
   */
  runTools$(content: string | ChatMessage, tools: Tools, options?: ToolLoopOptions & RequestOptions): Observable<ToolEvent>;
}

export interface ConversationOptions extends SourceOptions {
  /** A system prompt, first in the history. */
  system?: string;
  /** Extra chat fields sent with every turn (`tools`, `format`, `options`, `think`, …). */
  request?: Omit<ChatRequest, 'messages'>;
  /** An earlier history to continue. */
  history?: readonly ChatMessage[];
}

/**
 * The Python doc's interactive chat with history, as a small stateful helper around
 * `fromOllamaChat`. Turns are cold and abortable like every source.
 *
 * @example
 * const chat = conversation({ model: 'llama3.2', system: 'You are terse.' });
 * await lastValueFrom(chat.ask$('Name a prime.').pipe(collectText()));
 * await lastValueFrom(chat.ask$('And the next one?').pipe(collectText())); // knows the first answer
 */
export function conversation(options: ConversationOptions = {}): Conversation {
  const messages: ChatMessage[] = [...(options.history ?? [])];
  if (options.system && messages[0]?.role !== 'system') messages.unshift({ role: 'system', content: options.system });
  const userMessage = (content: string | ChatMessage): ChatMessage => (typeof content === 'string' ? { role: 'user', content } : content);
  return {
    messages,
    ask$(content) {
      return defer(() => {
        const question = userMessage(content);
        const turn = [...messages, question];
        const answer = new Answer<ChatChunk>();
        let recorded = false;
        // Recorded before completion reaches the subscriber, so a turn chained on it sees this one.
        const record = (answered: boolean) => {
          // A turn that failed before any answer leaves no trace: the user saw nothing.
          if (recorded || (!answered && !answer.saidAnything)) return;
          recorded = true;
          messages.push(question, answer.message());
        };
        return resolveClient(options)
          .chat$({ ...options.request, messages: turn }, options)
          .pipe(
            tap({
              next: (chunk) => answer.add(chunk),
              complete: () => record(true),
              error: () => record(false),
              unsubscribe: () => record(false),
            }),
          );
      });
    },
    runTools$(content, tools, loopOptions = {}) {
      return defer(() => {
        const question = userMessage(content);
        // The history of the run as far as it is whole: the question, then each finished round.
        let exchange: ChatMessage[] = [question];
        const answer = new Answer<ChatChunk>();
        let recorded = false;
        const record = (ended: ChatMessage[] | undefined) => {
          if (recorded) return;
          recorded = true;
          if (ended) return void messages.push(...ended.slice(messages.length));
          // Cut short: the finished rounds and the text the user saw, or nothing if there was neither.
          // Calls of an unfinished round are left out: a call without its answer would confuse the model.
          const { tool_calls: _unanswered, ...said } = answer.message();
          const partial = said.content ? [said] : [];
          if (exchange.length > 1 || partial.length) messages.push(...exchange, ...partial);
        };
        const request = { ...options.request, messages: [...messages, question] };
        return toolLoop(resolveClient(options), request, tools, { ...options, ...loopOptions }).pipe(
          tap({
            next: (event) => {
              if (event.type === 'chunk') answer.add(event.chunk);
              else if (event.type === 'step') {
                exchange = event.messages.slice(messages.length);
                answer.clear();
              } else if (event.type === 'done') record(event.messages);
            },
            error: () => record(undefined),
            unsubscribe: () => record(undefined),
          }),
        );
      });
    },
  };
}
