import { TextBuffer } from '../core/textBuffer.js';
import type { Logprob, StreamChunk, ToolCall } from '../core/types.js';

/** A chunk that shows the reader something new: answer text. */
export const hasText = (chunk: StreamChunk): boolean => chunk.text !== '';

/**
 * About one token: Ollama streams one token per chunk, reasoning tokens included (they are part of
 * `evalCount` too), so a chunk with text or thinking counts once.
 */
export const tokensIn = (chunk: StreamChunk): number => (chunk.text || chunk.thinking ? 1 : 0);

/**
 * `later` appended to `earlier`, as if the server had sent them as one chunk: text and thinking
 * concatenated, tool calls and log probabilities joined, every other field (`done`, `metrics`, …)
 * from `later`.
 */
export function mergeChunks<T extends StreamChunk>(earlier: T, later: T): T {
  const merged: T = { ...earlier, ...later, text: earlier.text + later.text };
  if (earlier.thinking && later.thinking) merged.thinking = earlier.thinking + later.thinking;
  if (earlier.toolCalls && later.toolCalls) merged.toolCalls = [...earlier.toolCalls, ...later.toolCalls];
  if (earlier.logprobs && later.logprobs) merged.logprobs = [...earlier.logprobs, ...later.logprobs];
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
  private logprobs: Logprob[] | undefined;

  get isEmpty(): boolean {
    return this.count === 0;
  }

  add(chunk: T): void {
    this.latest = chunk;
    this.count++;
    this.text.add(chunk.text);
    if (chunk.thinking) this.thinking += chunk.thinking;
    if (chunk.toolCalls) this.toolCalls = this.toolCalls ? [...this.toolCalls, ...chunk.toolCalls] : chunk.toolCalls;
    if (chunk.logprobs) this.logprobs = this.logprobs ? [...this.logprobs, ...chunk.logprobs] : chunk.logprobs;
  }

  /** The merged chunk (the only one, as it was, when there was one); empties the window. */
  take(): T {
    const latest = this.latest!;
    const merged: T = this.count === 1 ? latest : { ...latest, text: this.text.text() };
    if (this.count > 1 && this.thinking) merged.thinking = this.thinking;
    if (this.count > 1 && this.toolCalls) merged.toolCalls = this.toolCalls;
    if (this.count > 1 && this.logprobs) merged.logprobs = this.logprobs;
    this.latest = this.toolCalls = this.logprobs = undefined;
    this.count = 0;
    this.text.clear();
    this.thinking = '';
    return merged;
  }
}
