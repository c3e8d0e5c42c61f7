/**
 * The `partial-json` section of `npm run bench`: `partialJson()` over a 1 MB structured answer (a few
 * sections of prose, as a JSON-mode model writes them) in 1-character and 64-character chunks. Time per
 * byte at 250 kB, 500 kB and 1 MB must stay flat (a parser quadratic in a string's length costs 4× per
 * byte at 1 MB what it does at 250 kB), and its CPU is set against the stream's own: the same chunks
 * through the same Observable with nothing piped.
 */
import { cpuUsage } from 'node:process';
import { from, lastValueFrom } from 'rxjs';
import { partialJson } from '../src/operators/partialJson.js';
import type { StreamChunk } from '../src/core/types.js';
import { alternate, median } from './measure.js';
import { type Row, times } from './table.js';

const SIZES = [250_000, 500_000, 1_000_000];
/** Per-byte time at 1 MB over that at 250 kB: linear work stays near 1×, quadratic work is 4×. */
const FLAT_AT_MOST = 2;
const NESTING = 12_000;

/** A JSON answer of about `bytes` characters: 16 sections, each a heading and a long body. */
function document(bytes: number): string {
  const words = 'the model writes its answer one token at a time, and the reader sees it grow; ';
  const body = words.repeat(Math.ceil(bytes / 16 / words.length)).slice(0, Math.floor(bytes / 16) - 40);
  return JSON.stringify({ title: 'A report', sections: Array.from({ length: 16 }, (_, i) => ({ heading: `Part ${i + 1}`, body })) });
}

function chunksOf(text: string, size: number): StreamChunk[] {
  const chunks: StreamChunk[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push({ text: text.slice(i, i + size), done: false });
  return chunks;
}

/** CPU milliseconds (user + system) of one run. */
async function cpu(run: () => Promise<unknown>): Promise<number> {
  const before = cpuUsage();
  await run();
  const used = cpuUsage(before);
  return (used.user + used.system) / 1_000;
}

export async function measurePartialJsonScale(rounds = 3): Promise<Row[]> {
  const rows: Row[] = [];
  for (const size of [1, 64]) {
    const runs = SIZES.map((bytes) => {
      const text = document(bytes);
      return { bytes: text.length, chunks: chunksOf(text, size) };
    });
    const contenders: Record<string, () => Promise<number>> = {};
    for (const [i, run] of runs.entries()) {
      contenders[`parse${i}`] = () => cpu(() => lastValueFrom(from(run.chunks).pipe(partialJson())));
      contenders[`stream${i}`] = () => cpu(() => lastValueFrom(from(run.chunks)));
    }
    const samples = await alternate(rounds, contenders);
    const perByte = runs.map((run, i) => median(samples[`parse${i}`]!) / run.bytes);
    const microsPerKb = perByte.map((value) => (value * 1e6).toFixed(0)).join(' / ');
    const flat = perByte[2]! / perByte[0]!;
    rows.push({
      figure: `partialJson, ${size}-char chunks: CPU µs per kB at 250 kB / 500 kB / 1 MB`,
      measured: microsPerKb,
      compare: '1 MB over 250 kB, per byte',
      ratio: times(flat),
      target: `≤ ${FLAT_AT_MOST}× (flat)`,
      pass: flat <= FLAT_AT_MOST,
    });
    const last = runs.length - 1;
    const parse = median(samples[`parse${last}`]!);
    const stream = median(samples[`stream${last}`]!);
    rows.push({
      figure: `partialJson, 1 MB in ${size}-char chunks: CPU`,
      measured: `${parse.toFixed(0)} ms`,
      compare: `the stream alone ${stream.toFixed(0)} ms`,
      ratio: times(parse / stream),
    });
  }
  // The one case that is not linear: each snapshot copies every open level.
  const nested = chunksOf('['.repeat(NESTING) + ']'.repeat(NESTING), 1);
  const deep = median((await alternate(1, { deep: () => cpu(() => lastValueFrom(from(nested).pipe(partialJson()))) })).deep);
  rows.push({ figure: `partialJson, ${NESTING} nested arrays in 1-char chunks: CPU`, measured: `${(deep / 1000).toFixed(1)} s` });
  return rows;
}
