import type { StreamChunk } from '../core/types.js';

/** A chunk that shows the reader something new: answer text. */
export const hasText = (chunk: StreamChunk): boolean => chunk.text !== '';

/**
 * About one token: Ollama streams one token per chunk, reasoning tokens included (they are part of
 * `evalCount` too), so a chunk with text or thinking counts once.
 */
export const tokensIn = (chunk: StreamChunk): number => (chunk.text || chunk.thinking ? 1 : 0);
