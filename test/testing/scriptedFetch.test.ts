// scriptedFetch: the test server's scripts in-process, read by the client's own fetch transport.
import { Socket } from 'node:net';
import { lastValueFrom, take, toArray } from 'rxjs';
import { OllamaClient } from '../../src/client/client.js';
import { collectText } from '../../src/operators/collectText.js';
import { fromOllama } from '../../src/sources/fromOllama.js';
import { fromOllamaChat } from '../../src/sources/fromOllamaChat.js';
import { scriptedFetch } from '../../src/testing/index.js';
import type { ModelScript } from '../../src/testing/server/index.js';
import { ollamaError, settle, texts } from '../helpers.js';

const MODELS: Record<string, ModelScript> = {
  tiny: { tokens: ['Hel', 'lo', ' wor', 'ld'] },
  thinker: { thinking: ['Hmm', '…'], tokens: ['Sun', 'ny'], toolCalls: [{ function: { name: 'weather', arguments: { city: 'Oslo' } } }] },
  paced: { tokens: ['a', 'b', 'c'], tokenDelayMs: 1_000, loadDelayMs: 500 },
  broken: { tokens: ['par', 'tial', ' text'], faults: { errorAfterTokens: 2, errorMessage: 'CUDA error: out of memory' } },
  reset: { tokens: ['one', 'two', 'three'], faults: { resetAfterTokens: 1 } },
  cut: { tokens: ['one', 'two'], faults: { endAfterTokens: 1 } },
  html502: { faults: { status: 502, body: '<html><title>502 Bad Gateway</title></html>' } },
  refused: { faults: { resetBeforeHeaders: true } },
  flaky: { tokens: ['ok'], faults: { status: 500, body: { error: 'boom' } }, failuresBeforeSuccess: 1 },
  raw: { faults: { raw: ['{"response":"x","do', 'ne":false}\n{"response":"","done":true}\n'] } },
};

const fetchOf = () => scriptedFetch(MODELS);
const clientOf = (fetch = fetchOf()) => new OllamaClient({ host: 'http://ollama.test:11434', model: 'tiny', fetch });

test('answers a generate stream, each NDJSON line its own chunk of the body', async () => {
  const response = await fetchOf()('http://x/api/generate', { method: 'POST', body: JSON.stringify({ model: 'tiny', prompt: 'hi' }) });
  expect(response.headers.get('content-type')).toBe('application/x-ndjson');
  const reader = response.body!.getReader();
  const chunks: string[] = [];
  for (let read = await reader.read(); !read.done; read = await reader.read()) chunks.push(new TextDecoder().decode(read.value));
  expect(chunks).toHaveLength(5);
  expect(chunks.every((chunk) => chunk.endsWith('}\n') && chunk.indexOf('\n') === chunk.length - 1)).toBe(true);
  expect(JSON.parse(chunks[4]!)).toMatchObject({ done: true, eval_count: 4 });
});

test('fromOllama and chat$ read it through the client’s fetch option: text, thinking, tool calls', async () => {
  const client = clientOf();
  expect(await lastValueFrom(fromOllama('Hello', { client }).pipe(collectText()))).toBe('Hello world');
  const chunks = await lastValueFrom(client.chat$({ model: 'thinker', messages: [{ role: 'user', content: 'weather?' }] }).pipe(toArray()));
  expect(texts(chunks)).toBe('Sunny');
  expect(chunks.map((chunk) => chunk.thinking ?? '').join('')).toBe('Hmm…');
  expect(chunks.at(-1)!.toolCalls).toEqual([{ function: { name: 'weather', arguments: { city: 'Oslo' } } }]);
  expect(await client.version()).toBe('0.12.0-test');
  expect((await client.list()).map((model) => model.name)).toContain('thinker');
  await client.close();
});

test('an unknown model is Ollama’s 404, mapped to model_not_found', async () => {
  const error = await ollamaError(fromOllamaChat([{ role: 'user', content: 'hi' }], { client: clientOf(), model: 'nope' }));
  expect(error).toMatchObject({ kind: 'model_not_found', statusCode: 404 });
  expect(error.message).toContain("model 'nope' not found");
});

test('faults: an error line, a reset, a body cut short, an HTML page, a reset before headers', async () => {
  const client = clientOf();
  const failure = (model: string) => ollamaError(client.generate$({ model, prompt: 'x' }));
  expect(await failure('broken')).toMatchObject({ kind: 'server', partialText: 'partial' });
  expect((await failure('broken')).message).toContain('CUDA error: out of memory');
  expect(await failure('reset')).toMatchObject({ kind: 'network', partialText: 'one' });
  expect(await failure('cut')).toMatchObject({ kind: 'protocol', partialText: 'one' });
  expect(await failure('html502')).toMatchObject({ kind: 'http', statusCode: 502 });
  expect(await failure('refused')).toMatchObject({ kind: 'network' });
  expect(await lastValueFrom(client.generate$({ model: 'raw', prompt: 'x' }).pipe(collectText()))).toBe('x');
});

test('failuresBeforeSuccess: the first request fails, the next one is answered', async () => {
  const client = clientOf();
  expect(await ollamaError(client.generate$({ model: 'flaky', prompt: 'x' }))).toMatchObject({ kind: 'server', statusCode: 500 });
  expect(await lastValueFrom(client.generate$({ model: 'flaky', prompt: 'x' }).pipe(collectText()))).toBe('ok');
});

test('paces with setTimeout (fake timers drive it), and unsubscribing aborts the request’s signal', async () => {
  jest.useFakeTimers();
  try {
    const signals: AbortSignal[] = [];
    const scripted = fetchOf();
    const watched: typeof fetch = (input, init) => (signals.push(init!.signal!), scripted(input, init));
    const client = clientOf(watched);
    const texts: string[] = [];
    const done = settle(client.generate$({ model: 'paced', prompt: 'x' }).pipe(take(2)));
    const subscription = client.generate$({ model: 'paced', prompt: 'x' }).subscribe((chunk) => texts.push(chunk.text));
    await jest.advanceTimersByTimeAsync(500 + 1_000);
    expect(texts).toEqual(['a']);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(texts).toEqual(['a', 'b']);
    subscription.unsubscribe();
    expect(signals[1]!.aborted).toBe(true);
    expect((await done).values.map((chunk) => chunk.text)).toEqual(['a', 'b']);
    expect(signals[0]!.aborted).toBe(true);
  } finally {
    jest.useRealTimers();
  }
});

test('opens no socket', async () => {
  const connect = jest.spyOn(Socket.prototype, 'connect');
  try {
    await lastValueFrom(clientOf().generate$('hi').pipe(collectText()));
    expect(connect).not.toHaveBeenCalled();
  } finally {
    connect.mockRestore();
  }
});

test('an unknown path is Ollama’s 404 page', async () => {
  const response = await fetchOf()(new Request('http://x/api/nothing'));
  expect(response.status).toBe(404);
  expect(await response.text()).toBe('404 page not found');
});
