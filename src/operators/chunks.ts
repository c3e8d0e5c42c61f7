import type { ChatChunk, StreamChunk } from '../types.js';

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
