import { TestScheduler } from 'rxjs/testing';
import { lastValueFrom, tap, toArray } from 'rxjs';
import { firstTokenLatency } from '../../../src/operators/firstTokenLatency.js';
import { replayChunks } from '../../../src/testing/har/replayChunks.js';
import type { Har } from '../../../src/testing/har/types.js';
import { startTestServer } from '../../../src/testing/server/index.js';
import { arrivals, recordPacedSession } from './pacedSession.js';

describe('replay timing', () => {
  let har: Har;
  let offsets: number[];
  let chunkBytes: number[];

  beforeAll(async () => {
    har = await recordPacedSession();
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
