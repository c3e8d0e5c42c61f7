/**
 * How close to its recorded offset each chunk of a replayed session arrives: a session with a model
 * load and uneven token gaps is recorded through `startRecorder`, then replayed by the test server at
 * speed 1, and each chunk's arrival is compared with its offset, up to one constant shift (the
 * request's own start and the connection move every chunk alike).
 */
import { arrivals, recordPacedSession } from '../test/testing/har/pacedSession.js';
import { startTestServer } from '../src/testing/server/index.js';
import { type Row, ms } from './table.js';

const ROUNDS = 20;
const quantile = (values: readonly number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))]!;

export async function measureReplay(): Promise<Row[]> {
  const har = await recordPacedSession();
  const chunks = har.log.entries[0]!.response._chunks!;
  const deviations: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // A recording answers once: each round replays it on a server of its own.
    const server = await startTestServer({ replay: har, speed: 1 });
    try {
      const times = await arrivals(
        server.url,
        chunks.map((chunk) => Buffer.byteLength(chunk.text)),
      );
      const lags = times.map((time, i) => time - chunks[i]!.offsetMs);
      const shift = quantile(lags, 0.5);
      deviations.push(...lags.map((lag) => Math.abs(lag - shift)));
    } finally {
      await server.close();
    }
  }
  const median = quantile(deviations, 0.5);
  return [
    {
      figure: `replay at speed 1: a chunk's arrival against its recorded offset, median / p99 of ${deviations.length} chunks`,
      measured: `${ms(median)} / ${ms(quantile(deviations, 0.99))}`,
      target: 'median ≤ 3 ms',
      pass: median <= 3,
    },
  ];
}
