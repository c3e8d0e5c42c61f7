/**
 * `npx tsx bench/partialJson.ts`: what `partialJson()` costs over a structured answer streamed in
 * token-sized chunks, side by side with `JSON.parse` of the whole text once (what `decodeJson` does,
 * showing nothing until the end) and with re-parsing the text so far on every chunk (the usual
 * hand-written partial display). Two answer sizes, 16× apart: a linear parser costs ~16× more on the
 * larger one, re-parsing ~256×. Informs only: no target.
 */
import { from, lastValueFrom } from 'rxjs';
import { partialJson } from '../src/operators/partialJson.js';
import type { StreamChunk } from '../src/core/types.js';
import { alternate, median } from './measure.js';
import { type Row, machine, ms, table, times } from './table.js';

/** An answer of `items` objects, cut into chunks of about four characters, as tokens are. */
function answer(items: number): { text: string; chunks: StreamChunk[] } {
  const value = {
    items: Array.from({ length: items }, (_, i) => ({
      id: i,
      name: `item number ${i}`,
      tags: ['a', 'b'],
      ok: i % 2 === 0,
      price: i * 1.25,
    })),
  };
  const text = JSON.stringify(value);
  const pieces = text.match(/[\s\S]{1,4}/g)!;
  return { text, chunks: [...pieces.map((piece) => ({ text: piece, done: false })), { text: '', done: true }] };
}

async function measure(items: number, rounds: number) {
  const { text, chunks } = answer(items);
  const samples = await alternate(rounds, {
    parseOnce: async () => {
      JSON.parse(chunks.map((chunk) => chunk.text).join(''));
    },
    partialJson: async () => {
      await lastValueFrom(from(chunks).pipe(partialJson()));
    },
    reparse: async () => {
      let sofar = '';
      for (const chunk of chunks) {
        sofar += chunk.text;
        try {
          JSON.parse(sofar);
        } catch {
          // Incomplete: nothing to show, which is the point of partialJson.
        }
      }
    },
  });
  return {
    chars: text.length,
    chunks: chunks.length,
    parseOnce: median(samples.parseOnce),
    partialJson: median(samples.partialJson),
    reparse: median(samples.reparse),
  };
}

const small = await measure(50, 9);
const large = await measure(800, 3);
const rows: Row[] = [small, large].flatMap((run): Row[] => [
  {
    figure: `partialJson, ${run.chars} chars in ${run.chunks} chunks`,
    measured: ms(run.partialJson),
    compare: `JSON.parse once ${ms(run.parseOnce)}`,
    ratio: times(run.partialJson / run.parseOnce),
  },
  {
    figure: `re-parse per chunk, ${run.chars} chars`,
    measured: ms(run.reparse),
    compare: `partialJson ${ms(run.partialJson)}`,
    ratio: times(run.reparse / run.partialJson),
  },
]);
rows.push(
  {
    figure: 'partialJson: large over small',
    measured: times(large.partialJson / small.partialJson),
    compare: `text ${times(large.chars / small.chars)} longer`,
  },
  {
    figure: 're-parse per chunk: large over small',
    measured: times(large.reparse / small.reparse),
    compare: `text ${times(large.chars / small.chars)} longer`,
  },
);
console.log(`\n${machine()}\n`);
console.log(table(rows));
