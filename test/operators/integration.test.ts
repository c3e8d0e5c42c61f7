import { lastValueFrom, share, toArray } from 'rxjs';
import { OllamaClient } from '../../src/client/client.js';
import { OllamaError } from '../../src/core/errors.js';
import { collectText } from '../../src/operators/collectText.js';
import { countTokens } from '../../src/operators/countTokens.js';
import { errorsAsChunks } from '../../src/operators/errorsAsChunks.js';
import { firstTokenLatency } from '../../src/operators/firstTokenLatency.js';
import { streamTimings } from '../../src/operators/streamTimings.js';
import { throttleChunks } from '../../src/operators/throttleChunks.js';
import { typewriter } from '../../src/operators/typewriter.js';
import { fromOllama } from '../../src/sources/fromOllama.js';
import { fromOllamaChat } from '../../src/sources/fromOllamaChat.js';
import { type TestServer, startTestServer } from '../../src/testing/server/index.js';
import { texts } from '../helpers.js';

let server: TestServer;
let client: OllamaClient;
const weather = { function: { name: 'get_weather', arguments: { city: 'Paris' } } };

beforeAll(async () => {
  server = await startTestServer({
    models: {
      tiny: { tokens: ['Hel', 'lo', ' wor', 'ld'] },
      emoji: { tokens: ['Thumbs ', '\u{1F44D}', '\u{1F3FD}', ' and caf', 'e\u0301'], tokenDelayMs: 2 },
      thinker: { thinking: ['Let me ', 'check.'], tokens: ['Calling', ' a tool'], toolCalls: [weather] },
      slow: { tokens: ['a', 'b', 'c', 'd', 'e', 'f'], tokenDelayMs: 40 },
      broken: { tokens: ['par', 'tial', ' text'], faults: { errorAfterTokens: 2, errorMessage: 'CUDA error: out of memory' } },
    },
  });
  client = new OllamaClient({ host: server.url, model: 'tiny' });
});
afterAll(async () => {
  await client.close();
  await server.close();
});

describe('operators on a real stream', () => {
  it('collectText gathers the whole answer', async () => {
    await expect(lastValueFrom(fromOllama('hi', { client }).pipe(collectText()))).resolves.toBe('Hello world');
  });

  it('collectText fails with the text received before a mid-stream error line', async () => {
    const error: unknown = await lastValueFrom(fromOllama('x', { client, model: 'broken' }).pipe(collectText())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OllamaError);
    expect(error).toMatchObject({ kind: 'server', message: 'CUDA error: out of memory', partialText: 'partial' });
  });

  it('errorsAsChunks ends the same failure with an error chunk instead', async () => {
    const chunks = await lastValueFrom(fromOllama('x', { client, model: 'broken' }).pipe(errorsAsChunks(), toArray()));
    expect(texts(chunks)).toBe('partial');
    expect(chunks.at(-1)).toEqual({ text: '', done: true, error: 'CUDA error: out of memory' });
  });

  it('typewriter keeps graphemes whole across chunks and the chat tool calls on the done chunk', async () => {
    const typed = await lastValueFrom(fromOllama('x', { client, model: 'emoji' }).pipe(typewriter(1), toArray()));
    expect(typed.filter((c) => c.text).map((c) => c.text)).toEqual([...'Thumbs ', '\u{1F44D}\u{1F3FD}', ...' and caf', 'e\u0301']);
    expect(typed.at(-1)).toMatchObject({ text: '', done: true, metrics: { evalCount: 5 } });

    const chat = await lastValueFrom(
      fromOllamaChat([{ role: 'user', content: 'weather?' }], { client, model: 'thinker' }).pipe(typewriter(1), toArray()),
    );
    expect(texts(chat)).toBe('Calling a tool');
    expect(chat.map((c) => c.thinking ?? '').join('')).toBe('Let me check.');
    expect(chat.at(-1)).toMatchObject({ done: true, toolCalls: [weather] });
  });

  it("countTokens ends with the server's evalCount, thinking tokens included", async () => {
    const counts = await lastValueFrom(
      fromOllamaChat([{ role: 'user', content: 'q' }], { client, model: 'thinker' }).pipe(countTokens(), toArray()),
    );
    expect(counts).toEqual([1, 2, 3, 4]);
  });

  it('throttleChunks delivers every character of a paced stream', async () => {
    const chunks = await lastValueFrom(fromOllama('x', { client, model: 'slow' }).pipe(throttleChunks(100), toArray()));
    expect(texts(chunks)).toBe('abcdef');
    expect(chunks.at(-1)).toMatchObject({ done: true, metrics: { evalCount: 6 } });
  });

  it("streamTimings reads the rate from the server's metrics", async () => {
    const timings = await lastValueFrom(fromOllama('x', { client }).pipe(streamTimings()));
    expect(timings).toMatchObject({ chunks: 5, tokens: 4, tokensPerSecond: 50 });
    expect(timings.firstTokenMs).toBeLessThanOrEqual(timings.totalMs);
  });

  it('firstTokenLatency ends the request after the first token; a shared stream keeps it running', async () => {
    const latency = await lastValueFrom(fromOllama('x', { client, model: 'slow' }).pipe(firstTokenLatency()));
    expect(latency).toBeGreaterThan(0);
    await server.until(() => server.requests.at(-1)?.disconnectedAt);

    const answer$ = fromOllama('x', { client, model: 'slow' }).pipe(share());
    const [text] = await Promise.all([lastValueFrom(answer$.pipe(collectText())), lastValueFrom(answer$.pipe(firstTokenLatency()))]);
    expect(text).toBe('abcdef');
    expect(server.requests.at(-1)!.finishedAt).toBeDefined();
  });
});
