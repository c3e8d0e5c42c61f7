// A recorded session with pauses worth keeping (a model load, then uneven token gaps) and the
// arrival time of each of its chunks when replayed: shared by the replay timing test and the bench row.
import { lastValueFrom } from 'rxjs';
import { OllamaClient } from '../../../src/client/client.js';
import { startRecorder } from '../../../src/testing/har/recorder.js';
import type { Har } from '../../../src/testing/har/types.js';
import { startTestServer } from '../../../src/testing/server/index.js';

const BODY = JSON.stringify({ model: 'paced', prompt: 'Count' });

export async function recordPacedSession(): Promise<Har> {
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
export async function arrivals(url: string, chunkBytes: readonly number[]): Promise<number[]> {
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
