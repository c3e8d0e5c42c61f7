import type { StreamChunk } from '../core/types.js';

/**
 * Marble values for chunk streams, in one line: each letter's text; the `doneKey` letter is the last
 * chunk (`done: true`); `extra` adds fields per letter, such as `metrics` or `thinking`.
 *
 * @example
 * testScheduler.run(({ cold, expectObservable }) => {
 *   const source = cold('a-b-c|', chunkValues({ a: 'Hel', b: 'lo', c: '' }, 'c'));
 *   expectObservable(source.pipe(scanText())).toBe('a-b-c|', { a: 'Hel', b: 'Hello', c: 'Hello' });
 * });
 *
 * chunkValues({ t: '', a: 'Hi', d: '' }, 'd', { t: { thinking: 'Hmm' }, d: { metrics: { evalCount: 2 } } });
 */
export function chunkValues<K extends string>(
  texts: Record<K, string>,
  doneKey?: NoInfer<K>,
  extra: Partial<Record<NoInfer<K>, Partial<StreamChunk>>> = {},
): Record<K, StreamChunk> {
  const values = {} as Record<K, StreamChunk>;
  for (const key of Object.keys(texts) as K[]) {
    values[key] = { text: texts[key], done: key === doneKey, ...extra[key] };
  }
  return values;
}
