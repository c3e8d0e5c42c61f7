import { type OperatorFunction, scan } from 'rxjs';
import type { StreamChunk } from '../core/types.js';

/**
 * The text so far, after every chunk: what a view bound to the whole answer renders.
 *
 * @example
 * fromOllama('Tell me a story')
 *   .pipe(scanText())
 *   .subscribe((text) => (element.textContent = text));
 */
export function scanText<T extends StreamChunk>(): OperatorFunction<T, string> {
  return scan((text: string, chunk: T) => text + chunk.text, '');
}
