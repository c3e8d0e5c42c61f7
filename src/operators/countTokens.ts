import { Observable, type OperatorFunction } from 'rxjs';
import type { StreamChunk } from '../core/types.js';
import { tokensIn } from './chunks.js';
import { guard } from './guard.js';

export interface CountTokensOptions {
  /**
   * How to count while streaming. `'chunks'` (default): one per chunk with text or thinking, as
   * Ollama streams about one token per chunk. `'words'`: whitespace-separated words of the text, like
   * the Python doc's counter; a word split across chunks counts once.
   */
  estimate?: 'chunks' | 'words';
}

/**
 * The running token count, emitted whenever it changes. The last chunk's `metrics.evalCount`, when
 * the server sent it, replaces the estimate with the exact count. A stream without text emits nothing
 * (use `lastValueFrom(…, { defaultValue: 0 })`).
 *
 * @example
 * fromOllama('Explain quantum computing')
 *   .pipe(countTokens())
 *   .subscribe((count) => (counter.textContent = `${count} tokens`));
 *
 * // The Python doc's progress dots: one every 5 tokens.
 * fromOllama('Explain quantum computing')
 *   .pipe(countTokens(), filter((count) => count % 5 === 0))
 *   .subscribe(() => process.stdout.write('.'));
 */
export function countTokens<T extends StreamChunk>(options: CountTokensOptions = {}): OperatorFunction<T, number> {
  return (source) =>
    new Observable<number>((subscriber) => {
      const estimate = options.estimate === 'words' ? wordCounter() : tokensIn;
      let count = 0;
      return source.subscribe({
        next: guard(subscriber, (chunk: T) => {
          const next = chunk.metrics?.evalCount ?? count + estimate(chunk);
          if (next !== count) subscriber.next((count = next));
        }),
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}

/** Counts the words each chunk starts; a chunk that continues the previous chunk's word adds none to it. */
function wordCounter(): (chunk: StreamChunk) => number {
  let inWord = false;
  return ({ text }) => {
    if (!text) return 0;
    const words = (text.match(/\S+/g)?.length ?? 0) - (inWord && /^\S/.test(text) ? 1 : 0);
    inWord = /\S$/.test(text);
    return words;
  };
}
