import type * as t from 'io-ts';
import { OllamaError } from '../core/errors.js';
import { describeErrors } from '../core/describe.js';

/** A JSON answer decoded by `codec`, or a `protocol` error naming what does not match, the answer kept. */
export function decodeAnswer<A>(codec: t.Decoder<unknown, A>, value: unknown, text: string): A {
  const result = codec.decode(value);
  if (result._tag === 'Right') return result.right;
  throw new OllamaError('protocol', `the answer does not match ${codec.name}: ${describeErrors(result.left)}`, {
    partialText: text,
  });
}
