import { type MonoTypeOperatorFunction, connect, filter, last, map, merge } from 'rxjs';
import { fromOllama } from '../src/index.js';
import { streamingExample } from './support.js';

export const summary =
  'Missing final newline: end the printed answer with exactly one newline, so the shell prompt starts on a line of its own';

/** Appends a newline after the text unless its last piece already ends with one. */
export function endWithNewline(): MonoTypeOperatorFunction<string> {
  return connect((texts) =>
    merge(
      texts,
      texts.pipe(
        filter(Boolean),
        last(null, '\n'),
        filter((text) => !text.endsWith('\n')),
        map(() => '\n'),
      ),
    ),
  );
}

export const main = streamingExample('Name one planet.', (prompt, client) =>
  fromOllama(prompt, { client }).pipe(
    map((chunk) => chunk.text),
    endWithNewline(),
  ),
);
