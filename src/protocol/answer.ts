import { TextBuffer } from '../core/textBuffer.js';
import type { ChatChunk, ChatMessage, ToolCall } from '../core/types.js';

/** The chunks of one chat answer, gathered into the assistant message that goes into a history. */
export class AssistantMessage {
  private readonly content = new TextBuffer();
  private thinking = '';
  private readonly toolCalls: ToolCall[] = [];
  private empty = true;

  add(chunk: ChatChunk): void {
    this.content.add(chunk.text);
    if (chunk.thinking) this.thinking += chunk.thinking;
    if (chunk.toolCalls) this.toolCalls.push(...chunk.toolCalls);
    if (chunk.text || chunk.toolCalls?.length) this.empty = false;
  }

  /** Whether no text and no tool call arrived (reasoning alone does not count: the user saw nothing). */
  get isEmpty(): boolean {
    return this.empty;
  }

  get text(): string {
    return this.content.text();
  }

  /** Starts the next answer. */
  clear(): void {
    this.content.clear();
    this.thinking = '';
    this.toolCalls.length = 0;
    this.empty = true;
  }

  message(): ChatMessage {
    const message: ChatMessage = { role: 'assistant', content: this.content.text() };
    if (this.thinking) message.thinking = this.thinking;
    if (this.toolCalls.length) message.tool_calls = [...this.toolCalls];
    return message;
  }
}
