import { connect, filter, map, merge, startWith } from 'rxjs';
import { collectText, countTokens, fromOllama } from '../src/index.js';
import { streamingExample } from './support.js';

export const summary = 'Progress dots: a dot every 5 tokens while the model writes, then the answer';

export const main = streamingExample('Explain quantum computing in simple terms.', (prompt, client) =>
  fromOllama(prompt, { client }).pipe(
    // One request, two readers: the dots and the whole text.
    connect((chunks) =>
      merge(
        chunks.pipe(
          countTokens(),
          filter((count) => count % 5 === 0),
          map(() => '.'),
        ),
        chunks.pipe(
          collectText(),
          map((text) => `\n\n${text}\n`),
        ),
      ),
    ),
    startWith('Generating'),
  ),
);
