import { TestScheduler } from 'rxjs/testing';
import { lastValueFrom, tap, toArray } from 'rxjs';
import { OllamaClient } from '../../../src/client/client.js';
import { firstTokenLatency } from '../../../src/operators/firstTokenLatency.js';
import { startRecorder } from '../../../src/testing/har/recorder.js';
import { replayChunks } from '../../../src/testing/har/replayChunks.js';
import type { Har } from '../../../src/testing/har/types.js';
import { startTestServer } from '../../../src/testing/server/index.js';

const BODY = JSON.stringify({ model: 'paced', prompt: 'Count' });

/** A session with pauses worth keeping: a model load, then uneven token gaps. */
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

/** When each recorded chunk had fully arrived, in ms from the request's start, read with fetch. */
async function arrivals(url: string, chunkBytes: readonly number[]): Promise<number[]> {
  const startedAt = performance.now();
  const response = await fetch(`${url}/api/generate`, { method: 'POST', body: BODY });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const times: number[] = [];
  let received = 0;
  let ends = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    received += read.value.length;
    // Chunks written close together may come in one TCP read: each is timed by the read that completed it.
    while (times.length < chunkBytes.length && ends + chunkBytes[times.length]! <= received) {
      ends += chunkBytes[times.length]!;
      times.push(performance.now() - startedAt);
    }
  }
  return times;
}

describe('replay timing', () => {
  let har: Har;
  let offsets: number[];
  let chunkBytes: number[];

  beforeAll(async () => {
    har = await record();
    offsets = har.log.entries[0]!.response._chunks!.map((chunk) => chunk.offsetMs);
    // A first fetch loads undici's fetch and web streams: not to be timed.
    const warm = await startTestServer();
    await (await fetch(warm.url)).text();
    await warm.close();
    chunkBytes = har.log.entries[0]!.response._chunks!.map((chunk) => Buffer.byteLength(chunk.text));
  });

  // How close to its offset each chunk lands is a wall-clock figure, measured by `npm run bench`
  // (the replay row), not asserted here: a shared machine may fire any timer late.
  it('the test server writes each chunk of the recording, none before its recorded offset × 1/speed', async () => {
    for (const speed of [1, 2]) {
      const server = await startTestServer({ replay: har, speed });
      const times = await arrivals(server.url, chunkBytes);
      await server.close();
      expect(times).toHaveLength(offsets.length);
      // A chunk never comes before it is due: offsets are whole ms, and Node may fire a timer up to 1 ms early.
      times.forEach((time, i) => expect(time).toBeGreaterThanOrEqual(offsets[i]! / speed - 2));
    }
  });

  it("replayChunks under TestScheduler emits at exactly the recorded offsets, and firstTokenLatency is the first token's", () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const times: number[] = [];
    scheduler.run(({ expectObservable }) => {
      const all$ = replayChunks(har, { scheduler }).pipe(
        tap(() => times.push(scheduler.now())),
        toArray(),
      );
      expectObservable(all$).toBe(`${offsets.at(-1)}ms (a|)`, { a: expect.any(Array) });
    });
    expect(times).toEqual(offsets);
    const fresh = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    fresh.run(({ expectObservable }) => {
      // The first line with text: the first chunk here (no thinking).
      expectObservable(replayChunks(har, { scheduler: fresh }).pipe(firstTokenLatency(fresh))).toBe(`${offsets[0]}ms (a|)`, {
        a: offsets[0],
      });
    });
  });

  it('replayChunks runs on the async scheduler by default, at the recorded pace', async () => {
    const startedAt = performance.now();
    const chunks = await lastValueFrom(replayChunks(har).pipe(toArray()));
    expect(chunks.at(-1)).toMatchObject({ done: true });
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(offsets.at(-1)! - 2);
  });
});
