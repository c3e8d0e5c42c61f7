import type { Subscriber } from 'rxjs';
import type { StreamChunk } from '../core/types.js';

/**
 * `handler` made safe for an operator built as `new Observable`, as RxJS's own operators are by its
 * internal `OperatorSubscriber`: a throw inside it goes to `subscriber.error`, and once `subscriber`
 * is closed it no longer runs (a synchronous source goes on emitting until its `subscribe` returns).
 * Through a plain observer the throw would reach RxJS's unhandled-error hook instead, and the output
 * would go on as if the value had never come — or, from `complete`, never end.
 *
 * Use it for every `next` and `complete` handler and every scheduled task. A throw there is a bug or
 * a malformed chunk, not a failure of the stream: like a throw in `map`'s projection it goes
 * downstream at once and as thrown, not through the operator's handling of source errors (which may
 * first flush what it holds). `onThrow` replaces that, for an operator that never errors.
 *
 * One wrapper per handler per subscription; no allocation per value.
 */
export function guard<T = void>(
  subscriber: Pick<Subscriber<never>, 'closed' | 'error'>,
  handler: (value: T) => void,
  onThrow?: (error: unknown) => void,
): (value: T) => void {
  return (value) => {
    if (subscriber.closed) return;
    try {
      handler(value);
    } catch (error) {
      if (onThrow) onThrow(error);
      else subscriber.error(error);
    }
  };
}

/**
 * `chunk`, checked to be an object, for an operator that passes chunks on without reading them: it
 * refuses a malformed one (`null`, a string) as the operators that read chunks do.
 */
export function checkChunk<T extends StreamChunk>(chunk: T): T {
  if (typeof chunk !== 'object' || chunk === null) {
    throw new TypeError(`expected a chunk, got ${chunk === null ? 'null' : typeof chunk}`);
  }
  return chunk;
}
