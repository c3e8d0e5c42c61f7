import { connect, count, forkJoin, map, merge, share } from 'rxjs';
import { fromOllama, throttleChunks } from '../src/index.js';
import { streamingExample } from './support.js';

export const summary = 'Throttling: at most 10 screen updates a second, without losing or delaying any text';

const UPDATE_MS = 100;

export const main = streamingExample('Write a short poem about rivers.', (prompt, client) =>
  fromOllama(prompt, { client }).pipe(
    connect((chunks) => {
      const updates = chunks.pipe(throttleChunks(UPDATE_MS), share());
      return merge(
        updates.pipe(map((update) => update.text)),
        forkJoin([chunks.pipe(count()), updates.pipe(count())]).pipe(
          map(([arrived, shown]) => `\n\n${arrived} chunks arrived, shown in ${shown} updates (at most one per ${UPDATE_MS} ms)\n`),
        ),
      );
    }),
  ),
);
