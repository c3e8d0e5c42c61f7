import { endWith, map } from 'rxjs';
import { fromOllama, typewriter } from '../src/index.js';
import { streamingExample } from './support.js';

export const summary = 'Typewriter: the answer typed out one character at a time, catching up when it falls behind';

/** The typing pace. */
const MS_PER_CHAR = 20;
/** The display never trails the model by more than this: a backlog is typed faster. */
const MAX_LAG_MS = 2_000;

export const main = streamingExample('Tell me a very short story.', (prompt, client) =>
  fromOllama(prompt, { client }).pipe(
    typewriter(MS_PER_CHAR, { maxLagMs: MAX_LAG_MS }),
    map((chunk) => chunk.text),
    endWith('\n'),
  ),
);
