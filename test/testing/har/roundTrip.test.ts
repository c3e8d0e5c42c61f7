import { lastValueFrom, toArray } from 'rxjs';
import { OllamaClient } from '../../../src/client/client.js';
import type { StreamChunk } from '../../../src/core/types.js';
import { startRecorder } from '../../../src/testing/har/recorder.js';
import { replayChunks } from '../../../src/testing/har/replayChunks.js';
import { replayFetch } from '../../../src/testing/har/replayFetch.js';
import type { Har } from '../../../src/testing/har/types.js';
import { startTestServer } from '../../../src/testing/server/index.js';

const chat = (client: OllamaClient) =>
  lastValueFrom(client.chat$({ model: 'thinker', messages: [{ role: 'user', content: 'Why?' }] }).pipe(toArray()));

describe('record, then replay three ways', () => {
  let har: Har;
  let recorded: StreamChunk[];

  beforeAll(async () => {
    const server = await startTestServer({
      models: { thinker: { thinking: ['Let me', ' see'], tokens: ['Because', ' of', ' light', '.'], tokenDelayMs: 15, loadDelayMs: 40 } },
    });
    const recorder = await startRecorder({ upstream: server.url });
    const client = new OllamaClient({ host: recorder.url });
    recorded = await chat(client);
    await client.close();
    await recorder.close();
    await server.close();
    har = recorder.har();
  });

  it('records each HTTP chunk with its offset, and the body as sent', () => {
    const [entry] = har.log.entries;
    const chunks = entry!.response._chunks!;
    expect(chunks).toHaveLength(recorded.length);
    expect(chunks.map((chunk) => chunk.text).join('')).toBe(entry!.response.content.text);
    // The load pause comes before the headers and the first line; then one line per token pause.
    expect(entry!.timings.wait).toBeGreaterThanOrEqual(35);
    const offsets = chunks.map((chunk) => chunk.offsetMs);
    expect([...offsets].sort((a, b) => a - b)).toEqual(offsets);
    // Offsets are whole ms, and Node may fire a timer up to a millisecond early: 2 ms of slack a gap.
    expect(offsets.at(-1)! - offsets[0]!).toBeGreaterThanOrEqual((15 - 2) * (recorded.length - 2));
  });

  it('replays through the test server with the same chunks', async () => {
    const server = await startTestServer({ replay: har, speed: 0 });
    const client = new OllamaClient({ host: server.url });
    expect(await chat(client)).toEqual(recorded);
    await client.close();
    await server.close();
  });

  it('replays through replayFetch with the same chunks', async () => {
    const client = new OllamaClient({ host: 'http://ollama.invalid:11434', fetch: replayFetch(har, { speed: 0 }) });
    expect(await chat(client)).toEqual(recorded);
    await client.close();
  });

  it('replays through replayChunks with the same chunks', async () => {
    expect(await lastValueFrom(replayChunks(har).pipe(toArray()))).toEqual(recorded);
  });

  it("a server's match option replaces the rule: any question gets the recorded answer, and the rule sees the request", async () => {
    const seen: string[] = [];
    const match = (request: { method: string; path: string }, entry: { path: string }) => {
      seen.push(`${request.method} ${request.path}`);
      return request.path === entry.path;
    };
    const server = await startTestServer({ replay: har, speed: 0, match });
    const client = new OllamaClient({ host: server.url });
    const other = await lastValueFrom(
      client.chat$({ model: 'thinker', messages: [{ role: 'user', content: 'Something else?' }] }).pipe(toArray()),
    );
    expect(other).toEqual(recorded);
    expect(seen).toEqual(['POST /api/chat']);
    await client.close();
    await server.close();
  });
});
