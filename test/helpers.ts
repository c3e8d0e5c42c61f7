import { type Observable, firstValueFrom, lastValueFrom, materialize, toArray } from 'rxjs';
import { OllamaError } from '../src/core/errors.js';

/** Every notification of a stream, so a test can assert values and the error together. */
export async function settle<T>(source: Observable<T>): Promise<{ values: T[]; error?: unknown; completed: boolean }> {
  const notifications = await lastValueFrom(source.pipe(materialize(), toArray()));
  const values: T[] = [];
  let error: unknown;
  let completed = false;
  for (const n of notifications) {
    if (n.kind === 'N') values.push(n.value as T);
    else if (n.kind === 'E') error = n.error;
    else completed = true;
  }
  return { values, error, completed };
}

/** The stream's error, which must be an OllamaError. */
export async function ollamaError(source: Observable<unknown>): Promise<OllamaError> {
  const { error, completed } = await settle(source);
  if (completed) throw new Error('expected the stream to fail, but it completed');
  if (!(error instanceof OllamaError)) throw new Error(`expected an OllamaError, got ${String(error)}`);
  return error;
}

export const first = firstValueFrom;

export function texts(chunks: { text: string }[]): string {
  return chunks.map((chunk) => chunk.text).join('');
}

/**
 * For `expect(atSubscribe(() => call())).toThrow(…)`: the call must return an Observable without
 * throwing, and subscribing to it must error at once with what the matcher expects.
 */
export function atSubscribe(make: () => Observable<unknown>): () => void {
  return () => {
    let source: Observable<unknown>;
    try {
      source = make();
    } catch (error) {
      throw new Error(`threw at the call instead of erroring at subscribe: ${String(error)}`);
    }
    let failure: { error: unknown } | undefined;
    source.subscribe({ error: (error: unknown) => (failure = { error }) }).unsubscribe();
    if (!failure) throw new Error('did not error at subscribe');
    throw failure.error;
  };
}
