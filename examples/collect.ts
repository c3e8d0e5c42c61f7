import { map, reduce } from 'rxjs';
import { fromOllama } from '../src/index.js';
import { streamingExample } from './support.js';

export const summary = 'Collect, then process: the whole answer with its chunk count and length';

export const main = streamingExample('List three uses of RxJS.', (prompt, client) =>
  fromOllama(prompt, { client }).pipe(
    reduce((answer, chunk) => ({ chunks: answer.chunks + 1, text: answer.text + chunk.text }), { chunks: 0, text: '' }),
    map(({ chunks, text }) => {
      const words = text.split(/\s+/).filter(Boolean).length;
      // Characters as people count them: code points, not UTF-16 units (an emoji is one).
      return `Chunks: ${chunks}\nCharacters: ${[...text].length}\nWords: ${words}\n\n${text}\n`;
    }),
  ),
);
