/**
 * How close to its recorded offset each chunk of a replayed session arrives: a session with a model
 * load and uneven token gaps is recorded through `startRecorder`, then replayed by the test server at
 * speed 1, and each chunk's arrival is compared with its offset, up to one constant shift (the
 * request's own start and the connection move every chunk alike).
 */
import { lastValueFrom } from 'rxjs';
import { OllamaClient } from '../src/client/client.js';
import { startRecorder } from '../src/testing/har/recorder.js';
import type { Har } from '../src/testing/har/types.js';
import { startTestServer } from '../src/testing/server/index.js';
import { type Row, ms } from './table.js';

const ROUNDS = 20;
const BODY = JSON.stringify({ model: 'paced', prompt: 'Count' });

async function record(): Promise<Har> {
  const server = await startTestServer({
    models: {
      paced: {
        tokens: ['One', ',', ' two', ',', ' three', '.'],
        tokenDelayMs: 25,
        loadDelayMs: 60,
        faults: { stall: { afterTokens: 3, ms: 50 } },
      },
    },
  });
  const recorder = await startRecorder({ upstream: server.url });
  const client = new OllamaClient({ host: recorder.url });
  await lastValueFrom(client.generate$({ prompt: 'Count' }, { model: 'paced' }));
  await client.close();
  await recorder.close();
  await server.close();
  return recorder.har();
}

/** When each recorded chunk had fully arrived, in ms from the request's start. */
async function arrivals(url: string, chunkBytes: readonly number[]): Promise<number[]> {
  const startedAt = performance.now();
  const reader = (await fetch(`${url}/api/generate`, { method: 'POST', body: BODY })).body!.getReader();
  const times: number[] = [];
  let received = 0;
  let ends = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    received += read.value.length;
    while (times.length < chunkBytes.length && ends + chunkBytes[times.length]! <= received) {
      ends += chunkBytes[times.length]!;
      times.push(performance.now() - startedAt);
    }
  }
  return times;
}

const quantile = (values: readonly number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))]!;

export async function measureReplay(): Promise<Row[]> {
  const har = await record();
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
