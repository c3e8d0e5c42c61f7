import type * as t from 'io-ts';
import { Observable, type OperatorFunction } from 'rxjs';
import { PartialJsonParser } from '../protocol/partialJsonParser.js';
import { decodeAnswer } from '../protocol/report.js';
import type { StreamChunk } from '../core/types.js';
import { guard } from './guard.js';

/** A value as it may look while its JSON streams: any key missing, arrays cut short, strings a prefix. */
export type DeepPartial<T> = T extends readonly (infer E)[]
  ? DeepPartial<E>[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/**
 * Structured output as it streams: the JSON answer (`format: 'json'` or a JSON schema) parsed
 * progressively, emitted each time it grows — `{"a": 1, "b": [` shows as `{ a: 1, b: [] }` — and
 * the whole value, once more, as the last emission when it is complete.
 *
 * What a partial value holds is never contradicted later: objects have a subset of the final keys,
 * arrays a prefix of the final elements, strings a prefix of the final string; numbers and
 * literals appear only once complete (`12` is never shown for `123`). The text is read once, piece
 * by piece, and each emission copies only the objects and arrays still open, so a long answer costs
 * no re-parsing.
 *
 * A text that is not JSON fails with an `OllamaError` of kind `protocol` at its first wrong
 * character (which unsubscribes, so the request is aborted), as does an answer that ends before its
 * value is complete, and a key that appears twice in one object (the error names it: a later value
 * would contradict what was shown). With an io-ts `codec` the last emission is the decoded value, or a `protocol`
 * error naming the path that does not match. Errors of the stream pass through unchanged.
 *
 * @example
 * const Country = t.type({ name: t.string, capital: t.string, languages: t.array(t.string) });
 * fromOllamaChat({ messages: [{ role: 'user', content: 'Describe Canada.' }], format: 'json' })
 *   .pipe(partialJson(Country))
 *   .subscribe((country) => render(country)); // { name: 'Can' } … { name: 'Canada', capital: 'Ottawa', languages: ['English'] } …
 */
export function partialJson<A = unknown, T extends StreamChunk = StreamChunk>(
  codec?: t.Decoder<unknown, A>,
): OperatorFunction<T, DeepPartial<A>> {
  return (source) =>
    new Observable<DeepPartial<A>>((subscriber) => {
      const parser = new PartialJsonParser();
      let emittedWhole = false;
      // The whole value goes out once, the moment it is complete, decoded when there is a codec:
      // trailing whitespace after it must not show the raw value again.
      const emitWhole = () => {
        if (emittedWhole) return;
        emittedWhole = true;
        subscriber.next((codec ? decodeAnswer(codec, parser.value, parser.text) : parser.value) as DeepPartial<A>);
      };
      return source.subscribe({
        next: guard(subscriber, (chunk: T) => {
          parser.push(chunk.text);
          if (parser.complete) emitWhole();
          else if (parser.changed) subscriber.next(parser.snapshot() as DeepPartial<A>);
        }),
        error: (error: unknown) => subscriber.error(error),
        complete: guard(subscriber, () => {
          parser.end();
          emitWhole();
          subscriber.complete();
        }),
      });
    });
}
