import type * as t from 'io-ts';
import { type OperatorFunction, map } from 'rxjs';
import { OllamaError } from '../core/errors.js';
import { decodeAnswer } from '../protocol/report.js';
import { preview } from '../core/describe.js';
import type { StreamChunk } from '../core/types.js';
import { collectText } from './collectText.js';

/**
 * Structured output: collects the answer, parses it as JSON and validates it with an io-ts codec.
 * Pair it with `format: 'json'` or a JSON schema in the request. Invalid JSON or a value the codec
 * refuses fails with an `OllamaError` of kind `protocol` naming the path that is wrong, the answer
 * kept in `partialText`.
 *
 * @example
 * const Country = t.type({ name: t.string, capital: t.string, languages: t.array(t.string) });
 * fromOllama({ prompt: 'Tell me about Canada.', format: 'json' })
 *   .pipe(decodeJson(Country))
 *   .subscribe((country) => console.log(country.capital));
 */
export function decodeJson<A, T extends StreamChunk = StreamChunk>(codec: t.Decoder<unknown, A>): OperatorFunction<T, A> {
  return (source) =>
    source.pipe(
      collectText(),
      map((text) => {
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (cause) {
          throw new OllamaError('protocol', `the answer is not JSON: ${preview(text)}`, { cause, partialText: text });
        }
        return decodeAnswer(codec, value, text);
      }),
    );
}
