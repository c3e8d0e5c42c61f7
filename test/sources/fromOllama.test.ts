import { Subject, lastValueFrom, take, takeUntil } from 'rxjs';
import { OllamaClient } from '../../src/client/client.js';
import { OllamaConfigError } from '../../src/core/errors.js';
import { closeSharedClients } from '../../src/sources/defaultClient.js';
import { fromOllama } from '../../src/sources/fromOllama.js';
import { type TestServer, startTestServer } from '../../src/testing/server/index.js';
import { atSubscribe, ollamaError, settle, texts } from '../helpers.js';

let server: TestServer;
let client: OllamaClient;

beforeAll(async () => {
  server = await startTestServer({
    models: {
      tiny: { tokens: ['Hel', 'lo', ' wor', 'ld'] },
      slow: { tokens: ['a', 'b', 'c', 'd', 'e', 'f'], tokenDelayMs: 40 },
      loading: { tokens: ['late'], loadDelayMs: 10_000 },
      broken: { tokens: ['par', 'tial', ' text'], faults: { errorAfterTokens: 2, errorMessage: 'CUDA error: out of memory' } },
      html502: { faults: { status: 502, body: '<html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>' } },
    },
  });
  client = new OllamaClient({ host: server.url, model: 'tiny' });
});
afterAll(async () => {
  await closeSharedClients();
  await client.close();
  await server.close();
});

const requestsTo = (model: string) => server.requests.filter((r) => r.body?.model === model);

describe('fromOllama', () => {
  it('is cold: nothing is sent before subscribe, and each subscription sends one request', async () => {
    const before = server.requests.length;
    const answer$ = fromOllama('Say hello', { client });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.requests.length).toBe(before);
    await lastValueFrom(answer$);
    await lastValueFrom(answer$);
    expect(server.requests.length).toBe(before + 2);
    expect(server.requests.at(-1)!.body).toEqual({ prompt: 'Say hello', model: 'tiny', stream: true });
  });

  it('streams the text and ends with a done chunk carrying metrics in milliseconds', async () => {
    const { values, completed } = await settle(fromOllama('hi', { client }));
    expect(completed).toBe(true);
    expect(texts(values)).toBe('Hello world');
    expect(values.map((c) => c.done)).toEqual([false, false, false, false, true]);
    const last = values.at(-1)!;
    expect(last).toMatchObject({ done: true, doneReason: 'stop', context: [1, 2, 3], model: 'tiny' });
    expect(last.metrics).toEqual({
      totalMs: 1330,
      loadMs: 1000,
      promptEvalCount: 12,
      promptEvalMs: 250,
      evalCount: 4,
      evalMs: 80,
    });
    expect(values[0]).toEqual({ text: 'Hel', done: false, model: 'tiny', createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });

  it('accepts a full GenerateRequest and sends its fields as Ollama spells them', async () => {
    await lastValueFrom(
      fromOllama({ prompt: 'p', model: 'slow', system: 'be brief', options: { temperature: 0 }, keep_alive: '5m' }, { client }),
    );
    expect(server.requests.at(-1)!.body).toEqual({
      prompt: 'p',
      model: 'slow',
      system: 'be brief',
      options: { temperature: 0 },
      keep_alive: '5m',
      stream: true,
    });
  });

  it('aborts mid-stream on unsubscribe, and the server sees the disconnect', async () => {
    const received: string[] = [];
    const stop = new Subject<void>();
    fromOllama('x', { client, model: 'slow' })
      .pipe(takeUntil(stop))
      .subscribe((chunk) => {
        received.push(chunk.text);
        if (received.length === 2) stop.next();
      });
    const request = () => requestsTo('slow').at(-1);
    await server.until(() => request()?.disconnectedAt);
    expect(received).toEqual(['a', 'b']);
    expect(request()!.finishedAt).toBeUndefined();
  });

  it('aborts while the model loads and no header has arrived, and the server sees it', async () => {
    const subscription = fromOllama('x', { client, model: 'loading' }).subscribe();
    await server.until(() => requestsTo('loading').length === 1);
    const startedAt = performance.now();
    subscription.unsubscribe();
    await server.until(() => requestsTo('loading')[0]!.disconnectedAt);
    expect(requestsTo('loading')[0]!.disconnectedAt! - startedAt).toBeLessThan(1000);
  });

  it('take(n) ends the request after n chunks', async () => {
    const { values } = await settle(fromOllama('x', { client, model: 'slow' }).pipe(take(1)));
    expect(texts(values)).toBe('a');
    await server.until(() => requestsTo('slow').at(-1)?.disconnectedAt);
  });

  it("reports an unknown model as model_not_found with Ollama's words", async () => {
    const error = await ollamaError(fromOllama('x', { client, model: 'nope' }));
    expect(error.kind).toBe('model_not_found');
    expect(error.statusCode).toBe(404);
    expect(error.message).toBe("model 'nope' not found");
    expect(error.message).toContain('not found');
  });

  it('refuses a request without any model before sending it, saying how to give one', async () => {
    const saved = process.env.OLLAMA_MODEL;
    delete process.env.OLLAMA_MODEL;
    const noModel = new OllamaClient({ host: server.url });
    try {
      const before = server.requests.length;
      const { error } = await settle(fromOllama('x', { client: noModel }));
      expect(error).toBeInstanceOf(OllamaConfigError);
      expect((error as Error).message).toBe('No model given: pass `model` (to the request, the call or the client) or set OLLAMA_MODEL');
      expect(atSubscribe(() => noModel.chat$([{ role: 'user', content: 'x' }]))).toThrow(OllamaConfigError);
      await expect(noModel.generate('x')).rejects.toThrow(OllamaConfigError);
      // An empty name is no name either; a model anywhere (request, call, client) is enough.
      await expect(noModel.generate({ prompt: 'x', model: '' })).rejects.toThrow(OllamaConfigError);
      expect(server.requests.length).toBe(before);
      expect((await noModel.generate('x', { model: 'tiny' })).success).toBe(true);
    } finally {
      if (saved !== undefined) process.env.OLLAMA_MODEL = saved;
      await noModel.close();
    }
  });

  it('turns a mid-stream error line into an error that keeps the partial text', async () => {
    const { values, error } = await settle(fromOllama('x', { client, model: 'broken' }));
    expect(texts(values)).toBe('partial');
    expect(error).toMatchObject({ kind: 'server', message: 'CUDA error: out of memory', partialText: 'partial' });
  });

  it('reads an HTML error page as a readable http error, not a JSON crash', async () => {
    const error = await ollamaError(fromOllama('x', { client, model: 'html502' }));
    expect(error).toMatchObject({ kind: 'http', statusCode: 502, message: 'HTTP 502: 502 Bad Gateway' });
  });

  it('uses the shared default client when given only a host', async () => {
    const { values } = await settle(fromOllama({ prompt: 'x', model: 'tiny' }, { host: server.url }));
    expect(texts(values)).toBe('Hello world');
  });
});
