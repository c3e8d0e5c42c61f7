import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { Agent, type Dispatcher, fetch as undiciFetch } from 'undici';
import { OllamaClient } from '../../src/client/client.js';
import { OllamaConfigError } from '../../src/core/errors.js';
import { collectText } from '../../src/operators/collectText.js';
import { type TestServer, startTestServer } from '../../src/testing/server/index.js';
import type { FetchFunction } from '../../src/core/options.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    models: { llama: { tokens: ['Hi', ' there'] }, slow: { tokens: Array(200).fill('.'), tokenDelayMs: 50 } },
  });
});
afterAll(() => server.close());

/** Node's global fetch, counting the requests it sends. */
function countingFetch() {
  const calls: string[] = [];
  const fetchImpl: FetchFunction = (url, init) => {
    calls.push(`${init.method} ${new URL(url).pathname}`);
    return fetch(url, init);
  };
  return { calls, fetch: fetchImpl };
}

describe('fetch option', () => {
  it('is used for every request: streams, one-answer calls and a file upload', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ollama-rx-fetch-'));
    const file = join(dir, 'tiny.gguf');
    const bytes = Buffer.from('a tiny model, streamed as a ReadableStream through fetch');
    await writeFile(file, bytes);
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const { calls, fetch } = countingFetch();
    const client = new OllamaClient({ host: server.url, model: 'llama', fetch });
    expect(await lastValueFrom(client.generate$('hi').pipe(collectText()))).toBe('Hi there');
    expect(await client.version()).toBe('0.12.0-test');
    await client.load();
    await lastValueFrom(client.create$({ model: 'tiny', files: { 'tiny.gguf': file } }).pipe(toArray()));
    expect(server.blobs.get(digest)).toBe(bytes.length);
    expect(calls).toEqual([
      'POST /api/generate',
      'GET /api/version',
      'POST /api/generate',
      `HEAD /api/blobs/${digest}`,
      `POST /api/blobs/${digest}`,
      'POST /api/create',
    ]);
    await client.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('unsubscribing aborts the request it made: the server sees the disconnect', async () => {
    const { fetch } = countingFetch();
    const client = new OllamaClient({ host: server.url, model: 'slow', fetch });
    const start = server.requests.length;
    await firstValueFrom(client.generate$('go'));
    const request = server.requests[start]!;
    await server.until(() => request.disconnectedAt);
    expect(request.finishedAt).toBeUndefined();
    await client.close();
  });
});

describe('dispatcher option', () => {
  it('sends every request through the given undici dispatcher and leaves it open on close()', async () => {
    const dispatched: string[] = [];
    class RecordingAgent extends Agent {
      override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
        dispatched.push(`${options.method} ${options.path}`);
        return super.dispatch(options, handler);
      }
    }
    const agent = new RecordingAgent();
    const client = new OllamaClient({ host: server.url, model: 'llama', dispatcher: agent });
    expect(await lastValueFrom(client.chat$([{ role: 'user', content: 'hi' }]).pipe(collectText()))).toBe('Hi there');
    await client.list();
    expect(dispatched).toEqual(['POST /api/chat', 'GET /api/tags']);
    await client.close();
    expect(agent.destroyed).toBe(false);
    expect(agent.closed).toBe(false);
    // Still the caller's to use.
    const response = await agent.request({ origin: server.url, path: '/api/version', method: 'GET' });
    expect(await response.body.json()).toEqual({ version: '0.12.0-test' });
    await agent.close();
  });

  it('client.close() still fails the streams running through it', async () => {
    const agent = new Agent();
    const client = new OllamaClient({ host: server.url, model: 'slow', dispatcher: agent });
    const start = server.requests.length;
    const failed = lastValueFrom(client.generate$('go')).catch((error: unknown) => error);
    await server.until(() => server.requests.length > start);
    await client.close();
    expect(await failed).toMatchObject({ kind: 'network', message: 'The OllamaClient was closed while this request was running' });
    await server.until(() => server.requests[start]!.disconnectedAt);
    await agent.close();
  });
});

describe('option checks', () => {
  it('a fetch that is not a function or a dispatcher that cannot dispatch is an OllamaConfigError naming the field', () => {
    expect(() => new OllamaClient({ fetch: 'fetch' as unknown as FetchFunction })).toThrow(OllamaConfigError);
    expect(() => new OllamaClient({ fetch: 'fetch' as unknown as FetchFunction })).toThrow(
      /^Invalid ollama-rx options: fetch: expected a fetch-compatible function, got "fetch"$/,
    );
    expect(() => new OllamaClient({ dispatcher: {} as Dispatcher })).toThrow(
      /^Invalid ollama-rx options: dispatcher: expected an undici Dispatcher/,
    );
    const agent = new Agent();
    expect(() => new OllamaClient({ dispatcher: agent, fetch: globalThis.fetch })).not.toThrow();
    void agent.close();
  });

  it("undici's own fetch works as the option too (its types included)", async () => {
    const client = new OllamaClient({ host: server.url, model: 'llama', fetch: undiciFetch });
    expect(await lastValueFrom(client.generate$('hi').pipe(collectText()))).toBe('Hi there');
    await client.close();
  });
});

describe("gin's answers for routes it lacks", () => {
  it('404 page not found and 405 method not allowed, as text, with Allow', async () => {
    const unknown = await fetch(`${server.url}/api/nothing`, { method: 'POST', body: '{}' });
    expect([unknown.status, unknown.headers.get('content-type'), await unknown.text()]).toEqual([404, 'text/plain', '404 page not found']);
    const wrongMethod = await fetch(`${server.url}/api/generate`);
    expect([wrongMethod.status, wrongMethod.headers.get('allow'), await wrongMethod.text()]).toEqual([
      405,
      'POST',
      '405 method not allowed',
    ]);
    const tags = await fetch(`${server.url}/api/tags`, { method: 'DELETE' });
    expect([tags.status, tags.headers.get('allow')]).toEqual([405, 'HEAD, GET']);
  });

  it('the client turns them into http errors naming the route', async () => {
    const client = new OllamaClient({ host: `${server.url}/not-ollama`, model: 'llama' });
    await expect(client.list()).rejects.toMatchObject({
      kind: 'http',
      statusCode: 404,
      message: 'HTTP 404: 404 page not found (GET /api/tags: the server has no such route)',
    });
    const response = await client.generate('hi');
    expect(response).toMatchObject({
      success: false,
      statusCode: 404,
      error: 'HTTP 404: 404 page not found (POST /api/generate: the server has no such route)',
    });
    await client.close();
  });
});
