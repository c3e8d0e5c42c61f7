import { Observable, defer, tap } from 'rxjs';
import type { ChatChunk, ChatMessage, ChatRequest, ToolCall } from '../types.js';
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
  return {
    messages,
    ask$(content) {
      return defer(() => {
        const question: ChatMessage = typeof content === 'string' ? { role: 'user', content } : content;
        const turn = [...messages, question];
        let text = '';
        let thinking = '';
        let recorded = false;
        const toolCalls: ToolCall[] = [];
        // Recorded before completion reaches the subscriber, so a turn chained on it sees this one.
        const record = (answered: boolean) => {
          // A turn that failed before any answer leaves no trace: the user saw nothing.
          if (recorded || (!answered && !text && !toolCalls.length)) return;
          recorded = true;
          const answer: ChatMessage = { role: 'assistant', content: text };
          if (thinking) answer.thinking = thinking;
          if (toolCalls.length) answer.tool_calls = toolCalls;
          messages.push(question, answer);
        };
        return resolveClient(options)
          .chat$({ ...options.request, messages: turn }, options)
          .pipe(
            tap({
              next: (chunk) => {
                text += chunk.text;
                if (chunk.thinking) thinking += chunk.thinking;
                if (chunk.toolCalls) toolCalls.push(...chunk.toolCalls);
              },
              complete: () => record(true),
              error: () => record(false),
              unsubscribe: () => record(false),
            }),
          );
      });
    },
  };
}
