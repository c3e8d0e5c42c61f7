import { concat, lastValueFrom, merge } from 'rxjs';
import { OllamaClient } from '../../src/client/client.js';
import { OllamaConfigError } from '../../src/core/errors.js';
import { OllamaError } from '../../src/core/errors.js';
import { type TestServer, startTestServer } from '../../src/testing/server/index.js';
import { atSubscribe, ollamaError, settle, texts } from '../helpers.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    models: {
      tiny: { tokens: ['Hel', 'lo', '!'] },
      thinker: { thinking: ['Hmm', '…'], tokens: ['42'] },
      slowLoad: { tokens: ['x'], loadDelayMs: 5_000 },
      stalls: { tokens: ['a', 'b', 'c'], faults: { stall: { afterTokens: 2, ms: 10_000 } } },
      steady: { tokens: Array.from({ length: 50 }, (_, i) => `${i} `), tokenDelayMs: 15 },
      long: { tokens: Array.from({ length: 150 }, (_, i) => `${i} `), tokenDelayMs: 20 },
      broken: { tokens: ['par', 'tial', '!'], faults: { errorAfterTokens: 2, errorMessage: 'model runner crashed' } },
    },
  });
});
afterAll(() => server.close());

describe('OllamaClient', () => {
  it('reuses one keep-alive connection for sequential requests', async () => {
    const client = new OllamaClient({ host: server.url, model: 'tiny' });
    const before = server.requests.length;
    const { values } = await settle(concat(client.generate$('a'), client.generate$('b'), client.generate$('c')));
    expect(texts(values)).toBe('Hello!Hello!Hello!');
    const connections = new Set(server.requests.slice(before).map((r) => r.connection));
    expect(connections.size).toBe(1);
    await client.close();
  });

  it('sends the client headers, overridden per call', async () => {
    const client = new OllamaClient({ host: server.url, model: 'tiny', headers: { authorization: 'Bearer secret', 'x-app': 'a' } });
    await lastValueFrom(client.generate$('x', { headers: { 'x-app': 'b' } }));
    expect(server.requests.at(-1)!.headers).toMatchObject({ authorization: 'Bearer secret', 'x-app': 'b' });
    await client.close();
  });

  describe('generate() resolves a ModelResponse and never rejects for server failures', () => {
    const client = () => new OllamaClient({ host: server.url, model: 'tiny' });

    it('non-streaming by default: one request with stream false, the whole text', async () => {
      const c = client();
      const response = await c.generate('hi');
      expect(server.requests.at(-1)!.body).toMatchObject({ stream: false, prompt: 'hi' });
      expect(response).toMatchObject({ text: 'Hello!', success: true, done: true });
      expect(response.metrics).toMatchObject({ evalCount: 3 });
      expect(response.context).toEqual([1, 2, 3]);
      await c.close();
    });

    it('streaming on request: the same answer collected from the stream', async () => {
      const c = client();
      const response = await c.generate('hi', { stream: true });
      expect(server.requests.at(-1)!.body).toMatchObject({ stream: true });
      expect(response).toMatchObject({ text: 'Hello!', success: true, done: true });
      await c.close();
    });

    it('keeps thinking apart from the answer', async () => {
      const c = client();
      expect(await c.generate({ prompt: 'q', model: 'thinker', think: true })).toMatchObject({ text: '42', thinking: 'Hmm…' });
      expect(await c.generate({ prompt: 'q', model: 'thinker' }, { stream: true })).toMatchObject({ text: '42', thinking: 'Hmm…' });
      await c.close();
    });

    it('unknown model: success false with the status and kind', async () => {
      const c = client();
      expect(await c.generate({ prompt: 'q', model: 'missing' })).toEqual({
        text: '',
        success: false,
        done: false,
        error: "model 'missing' not found",
        statusCode: 404,
        kind: 'model_not_found',
      });
      await c.close();
    });

    it('mid-stream failure: success false with the partial text', async () => {
      const c = client();
      expect(await c.generate({ prompt: 'q', model: 'broken' }, { stream: true })).toMatchObject({
        text: 'partial',
        success: false,
        error: 'model runner crashed',
        kind: 'server',
      });
      await c.close();
    });

    it('unreachable server: success false, kind network', async () => {
      const unreachable = await startTestServer();
      const host = unreachable.url;
      await unreachable.close();
      const c = new OllamaClient({ host, model: 'tiny' });
      const response = await c.generate('x');
      expect(response).toMatchObject({ success: false, kind: 'network', text: '' });
      expect(response.error).toMatch(/connection refused .* \(ECONNREFUSED\)/);
      await c.close();
    });
  });

  describe('per-phase timeouts', () => {
    it('firstToken covers the model load, before any header', async () => {
      const client = new OllamaClient({ host: server.url, model: 'slowLoad', timeouts: { firstToken: 400 } });
      const error = await ollamaError(client.generate$('x'));
      expect(error).toMatchObject({ kind: 'timeout', phase: 'firstToken', partialText: '' });
      expect(error.message).toContain('timeout');
      await server.until(() => server.requests.find((r) => r.body?.model === 'slowLoad')?.disconnectedAt);
      await client.close();
    });

    it('idle is the longest gap between chunks and keeps the partial text', async () => {
      const client = new OllamaClient({ host: server.url, model: 'stalls' });
      const { values, error } = await settle(client.generate$('x', { timeouts: { idle: 100, firstToken: 10_000 } }));
      expect(texts(values)).toBe('ab');
      expect(error).toMatchObject({ kind: 'timeout', phase: 'idle', partialText: 'ab' });
      await server.until(() => server.requests.at(-1)!.disconnectedAt);
      await client.close();
    });

    it('total bounds the whole stream and keeps the partial text', async () => {
      const client = new OllamaClient({ host: server.url, model: 'steady', timeouts: { total: 300 } });
      const { values, error } = await settle(client.generate$('x'));
      expect(error).toBeInstanceOf(OllamaError);
      expect(error).toMatchObject({ kind: 'timeout', phase: 'total' });
      expect((error as OllamaError).partialText).toBe(texts(values));
      expect(values.length).toBeGreaterThan(0);
      await server.until(() => server.requests.at(-1)!.disconnectedAt);
      await client.close();
    });

    it('a steady stream never trips idle even when the whole stream is longer than it', async () => {
      const client = new OllamaClient({ host: server.url, model: 'long', timeouts: { idle: 1_000 } });
      const { values, completed } = await settle(client.generate$('x'));
      expect(completed).toBe(true);
      expect(values).toHaveLength(151);
      await client.close();
    });
  });

  it('close() fails running streams with the partial text and refuses new ones', async () => {
    const client = new OllamaClient({ host: server.url, model: 'steady' });
    const result = settle(client.generate$('x'));
    await server.until(() => server.requests.at(-1)!.body?.model === 'steady');
    await new Promise((resolve) => setTimeout(resolve, 60));
    await client.close();
    const { values, error } = await result;
    expect(error).toMatchObject({ kind: 'network', partialText: texts(values) });
    expect((error as Error).message).toContain('closed');
    await server.until(() => server.requests.at(-1)!.disconnectedAt);
    expect((await ollamaError(client.generate$('again'))).message).toContain('closed');
  });
});

describe('a caller signal', () => {
  it('aborts the request and errors with the signal reason, like fetch', async () => {
    const client = new OllamaClient({ host: server.url, model: 'steady' });
    const controller = new AbortController();
    const result = settle(client.generate$('x', { signal: controller.signal }));
    await server.until(() => server.requests.at(-1)!.body?.model === 'steady');
    controller.abort();
    const { error } = await result;
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('AbortError');
    await server.until(() => server.requests.at(-1)!.disconnectedAt);
    await client.close();
  });

  it('an already aborted signal sends nothing', async () => {
    const client = new OllamaClient({ host: server.url, model: 'tiny' });
    const before = server.requests.length;
    const { error } = await settle(client.generate$('x', { signal: AbortSignal.abort() }));
    expect((error as Error).name).toBe('AbortError');
    expect(server.requests.length).toBe(before);
    await client.close();
  });
});

describe('review regressions', () => {
  it('one caller signal shared by many concurrent requests adds one listener and no leak warning', async () => {
    const client = new OllamaClient({ host: server.url, model: 'tiny' });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const { signal } = new AbortController();
    const { values } = await settle(merge(...Array.from({ length: 12 }, () => client.generate$('x', { signal }))));
    process.off('warning', onWarning);
    expect(texts(values)).toBe('Hello!'.repeat(12));
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    await client.close();
  });

  it('a timeout after the done line does not turn a whole answer into a failure', async () => {
    server.setModel('lingers', {
      faults: { raw: ['{"response":"Hi","done":false}\n{"response":"","done":true}\n', '\n'], rawDelayMs: 1_500 },
    });
    const client = new OllamaClient({ host: server.url, model: 'lingers', timeouts: { total: 1_000, idle: 500 } });
    expect(await client.generate('x', { stream: true })).toMatchObject({ text: 'Hi', success: true, done: true });
    await client.close();
  });

  it('a body JSON cannot carry errors at subscribe, and generate() rejects instead of throwing', async () => {
    const client = new OllamaClient({ host: server.url, model: 'tiny' });
    const bad = { prompt: 'x', options: { seed: 1n } } as never;
    expect(atSubscribe(() => client.generate$(bad))).toThrow(OllamaConfigError);
    expect(atSubscribe(() => client.generate$(bad))).toThrow('Invalid ollama-rx request: Do not know how to serialize a BigInt');
    const pending = client.generate(bad);
    await expect(pending).rejects.toBeInstanceOf(OllamaConfigError);
    await expect(client.generate('x', { timeouts: { idle: -1 } })).rejects.toThrow('timeouts.idle');
    await client.close();
  });

  it('a request after close() says the client is closed and opens nothing', async () => {
    const client = new OllamaClient({ host: server.url, model: 'tiny' });
    await client.close();
    const before = server.connectionCount;
    const error = await ollamaError(client.generate$('x'));
    expect(error).toMatchObject({ kind: 'network', message: 'The OllamaClient is closed' });
    expect(server.connectionCount).toBe(before);
  });

  it('a caller header replaces a default whatever its spelling', async () => {
    const client = new OllamaClient({ host: server.url, model: 'tiny', headers: { 'X-Trace': 'client' } });
    await lastValueFrom(client.generate$('x', { headers: { Accept: 'application/json', 'X-TRACE': 'call' } }));
    const { headers } = server.requests.at(-1)!;
    expect(headers.accept).toBe('application/json');
    expect(headers['x-trace']).toBe('call');
    await client.close();
  });
});
