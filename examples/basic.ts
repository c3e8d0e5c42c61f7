import { endWith, map } from 'rxjs';
import { fromOllama } from '../src/index.js';
import { streamingExample } from './support.js';

export const summary = 'Basic streaming: print the answer as it arrives';

export const main = streamingExample('Why is the sky blue?', (prompt, client) =>
  fromOllama(prompt, { client }).pipe(
    map((chunk) => chunk.text),
    endWith('\n'),
  ),
);
