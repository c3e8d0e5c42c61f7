import { OllamaClient } from '../../src/client/client.js';
import { OllamaError } from '../../src/core/errors.js';
import { type TestServer, startTestServer } from '../../src/testing/server/index.js';

let server: TestServer;
let client: OllamaClient;

beforeAll(async () => {
  server = await startTestServer({
    models: {
      llama: { tokens: ['Hi'] },
      slow: { loadDelayMs: 200 },
      broken: { faults: { status: 500, body: { error: 'out of memory' } } },
    },
  });
  client = new OllamaClient({ host: server.url, model: 'llama' });
});
afterAll(async () => {
  await client.close();
  await server.close();
});

const running = async () => (await client.ps()).map((model) => model.name);
const lastRequest = () => server.requests.at(-1)!;

describe('load and unload', () => {
  it('load sends the empty-prompt request with keep_alive and resolves once the model is loaded', async () => {
    await client.unload('llama');
    expect(await running()).not.toContain('llama');
    await expect(client.load({ model: 'llama', keep_alive: '1h' })).resolves.toBeUndefined();
    const load = lastRequest();
    expect(load).toMatchObject({ method: 'POST', path: '/api/generate' });
    expect(load.body).toEqual({ model: 'llama', keep_alive: '1h', prompt: '', stream: false });
    expect(await running()).toContain('llama');
  });

  it('load resolves only after the model load, which is when Ollama answers', async () => {
    let resolved = false;
    const loading = client.load('slow').then(() => (resolved = true));
    await server.until(() => lastRequest().body?.model === 'slow');
    expect(resolved).toBe(false);
    await loading;
    expect(lastRequest().finishedAt).toBeDefined();
    expect(await running()).toContain('slow');
  });

  it('unload sends keep_alive 0 and the model leaves ps', async () => {
    await client.load('llama');
    expect(await running()).toContain('llama');
    await expect(client.unload('llama')).resolves.toBeUndefined();
    expect(lastRequest().body).toEqual({ model: 'llama', keep_alive: 0, prompt: '', stream: false });
    expect(await running()).not.toContain('llama');
  });

  it('both use the client model when none is given', async () => {
    await client.load();
    expect(lastRequest().body).toMatchObject({ model: 'llama', prompt: '' });
    await client.unload();
    expect(lastRequest().body).toMatchObject({ model: 'llama', keep_alive: 0 });
  });

  it('reject with model_not_found for a model that is not installed', async () => {
    const loadError = await client.load('missing').catch((error: unknown) => error);
    expect(loadError).toBeInstanceOf(OllamaError);
    expect(loadError).toMatchObject({ kind: 'model_not_found', statusCode: 404, message: "model 'missing' not found" });
    await expect(client.unload('missing')).rejects.toMatchObject({ kind: 'model_not_found' });
  });

  it('reject with the server error when the model cannot be loaded', async () => {
    await expect(client.load('broken')).rejects.toMatchObject({ kind: 'server', statusCode: 500, message: 'out of memory' });
    expect(await running()).not.toContain('broken');
  });

  it('the test server answers load and unload as Ollama does, on generate and chat', async () => {
    const post = async (path: string, body: object) => {
      const response = await fetch(server.url + path, { method: 'POST', body: JSON.stringify(body) });
      return { type: response.headers.get('content-type'), body: (await response.json()) as Record<string, unknown> };
    };
    const load = await post('/api/generate', { model: 'llama' });
    expect(load.type).toBe('application/json; charset=utf-8');
    expect(load.body).toEqual({ model: 'llama', created_at: expect.any(String), response: '', done: true, done_reason: 'load' });
    const unload = await post('/api/chat', { model: 'llama', messages: [], keep_alive: '0s' });
    expect(unload.body).toEqual({
      model: 'llama',
      created_at: expect.any(String),
      message: { role: 'assistant', content: '' },
      done: true,
      done_reason: 'unload',
    });
    expect(await running()).not.toContain('llama');
    expect((await post('/api/chat', { model: 'llama' })).body).toMatchObject({ done: true, done_reason: 'load' });
    expect(await running()).toContain('llama');
    // A keep_alive that is not zero keeps the model: only a load.
    expect((await post('/api/generate', { model: 'llama', keep_alive: '0.5s' })).body).toMatchObject({ done_reason: 'load' });
  });
});
