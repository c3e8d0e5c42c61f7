import { connect, filter, forkJoin, last, map, merge } from 'rxjs';
import { countTokens, fromOllama } from '../src/index.js';
import { streamingExample } from './support.js';

export const summary = "Approximate token counting: a word-based estimate while streaming, and the server's exact count";

export const main = streamingExample('Explain photosynthesis in one paragraph.', (prompt, client) =>
  fromOllama(prompt, { client }).pipe(
    connect((chunks) =>
      merge(
        chunks.pipe(map((chunk) => chunk.text)),
        forkJoin({
          // The estimate as a UI would show it while streaming: the last chunk, which carries the
          // exact count, is left out, so this is what the words alone say.
          estimate: chunks.pipe(
            filter((chunk) => !chunk.done),
            countTokens({ estimate: 'words' }),
            last(null, 0),
          ),
          exact: chunks.pipe(
            last(),
            map((chunk) => chunk.metrics?.evalCount),
          ),
        }).pipe(
          map(({ estimate, exact }) =>
            exact === undefined
              ? `\n\n≈ ${estimate} tokens (estimated from the words)\n`
              : `\n\n≈ ${estimate} tokens estimated from the words; the server counted ${exact}\n`,
          ),
        ),
      ),
    ),
  ),
);
