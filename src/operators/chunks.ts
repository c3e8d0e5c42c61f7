import { TextBuffer } from '../textBuffer.js';
import type { ChatChunk, StreamChunk, ToolCall } from '../types.js';

/** A chunk that shows the reader something new: answer text. */
export const hasText = (chunk: StreamChunk): boolean => chunk.text !== '';

/**
 * About one token: Ollama streams one token per chunk, reasoning tokens included (they are part of
 * `evalCount` too), so a chunk with text or thinking counts once.
 */
export const tokensIn = (chunk: StreamChunk): number => (chunk.text || chunk.thinking ? 1 : 0);

/**
 * `later` appended to `earlier`, as if the server had sent them as one chunk: text and thinking
 * concatenated, tool calls joined, every other field (`done`, `metrics`, …) from `later`.
 */
export function mergeChunks<T extends StreamChunk>(earlier: T, later: T): T {
  const merged: T & Partial<ChatChunk> = { ...earlier, ...later, text: earlier.text + later.text };
  if (earlier.thinking && later.thinking) merged.thinking = earlier.thinking + later.thinking;
  const earlierCalls = (earlier as Partial<ChatChunk>).toolCalls;
  const laterCalls = (later as Partial<ChatChunk>).toolCalls;
  if (earlierCalls && laterCalls) merged.toolCalls = [...earlierCalls, ...laterCalls];
  return merged;
}

/**
 * A window of chunks merged as `mergeChunks` would merge them, built once when taken: adding a
 * chunk costs a string append, not a new object per chunk. The text goes into a `TextBuffer`, not a
 * rope: a fast stream puts thousands of tokens into one window.
 */
export class PendingMerge<T extends StreamChunk> {
  private latest: T | undefined;
  private count = 0;
  private readonly text = new TextBuffer();
  private thinking = '';
  private toolCalls: ToolCall[] | undefined;

  get isEmpty(): boolean {
    return this.count === 0;
  }

  add(chunk: T): void {
    this.latest = chunk;
    this.count++;
    this.text.add(chunk.text);
    if (chunk.thinking) this.thinking += chunk.thinking;
    const calls = (chunk as Partial<ChatChunk>).toolCalls;
    if (calls) this.toolCalls = this.toolCalls ? [...this.toolCalls, ...calls] : calls;
  }

  /** The merged chunk (the only one, as it was, when there was one); empties the window. */
  take(): T {
    const latest = this.latest!;
    const merged: T & Partial<ChatChunk> = this.count === 1 ? latest : { ...latest, text: this.text.text() };
    if (this.count > 1 && this.thinking) merged.thinking = this.thinking;
    if (this.count > 1 && this.toolCalls) merged.toolCalls = this.toolCalls;
    this.latest = this.toolCalls = undefined;
    this.count = 0;
    this.text.clear();
    this.thinking = '';
    return merged;
  }
}
