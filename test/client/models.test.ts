import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { OllamaClient } from '../../src/client/client.js';
import { OllamaConfigError } from '../../src/core/errors.js';
import { type TestServer, startTestServer } from '../../src/testing/server/index.js';
import { atSubscribe, ollamaError, settle } from '../helpers.js';

let server: TestServer;
let client: OllamaClient;
let dir: string;

beforeAll(async () => {
  server = await startTestServer({ models: { llama: { tokens: ['Hi'] } } });
  client = new OllamaClient({ host: server.url, model: 'llama' });
  dir = await mkdtemp(join(tmpdir(), 'ollama-rx-create-'));
});
afterAll(async () => {
  await client.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const digestOf = (bytes: Uint8Array | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const requestsSince = (start: number) => server.requests.slice(start).map((r) => `${r.method} ${r.path}`);
const installed = async () => (await client.list()).map((m) => m.name);

describe('push$', () => {
  it('streams progress with percent per layer and completes on success', async () => {
    const progress = await lastValueFrom(client.push$('llama').pipe(toArray()));
    expect(server.requests.at(-1)!.body).toEqual({ model: 'llama', stream: true });
    expect(progress[0]).toEqual({ status: 'retrieving manifest' });
    const layer = progress.filter((p) => p.percent !== undefined);
    expect(layer.map((p) => p.percent)).toEqual([0, 25, 50, 75, 100, 0, 25, 50, 75, 100]);
    expect(layer[0]).toEqual({
      status: 'pushing cdcdcdcdcdcd',
      digest: `sha256:${'cd'.repeat(32)}`,
      total: 4_000_000,
      completed: 0,
      percent: 0,
    });
    expect(progress.slice(-2)).toEqual([{ status: 'pushing manifest' }, { status: 'success' }]);
  });

  it('sends insecure when asked', async () => {
    await lastValueFrom(client.push$({ model: 'llama', insecure: true }));
    expect(server.requests.at(-1)!.body).toEqual({ model: 'llama', insecure: true, stream: true });
  });

  it('a model that is not installed is model_not_found, with Ollama words kept', async () => {
    const { values, error } = await settle(client.push$('ghost'));
    expect(values).toEqual([{ status: 'retrieving manifest' }, { status: "couldn't retrieve manifest" }]);
    expect(error).toMatchObject({
      kind: 'model_not_found',
      message: expect.stringMatching(/^model 'ghost' not found: open .*ghost\/latest: no such file or directory$/),
    });
  });

  it('a push without a model is a configuration error, sent nowhere', async () => {
    const { error } = await settle(client.push$(''));
    expect(error).toBeInstanceOf(OllamaConfigError);
    expect((error as Error).message).toBe(
      'Invalid ollama-rx request: /api/push needs a model name (a non-empty string), got an empty string',
    );
  });

  it.each(['pull$', 'push$'] as const)('%s aborts on unsubscribe', async (method) => {
    const slow = await startTestServer({ models: { big: {} }, pullDelayMs: 5_000 });
    const slowClient = new OllamaClient({ host: slow.url });
    const subscription = slowClient[method]('big').subscribe();
    await slow.until(() => slow.requests.length === 1);
    subscription.unsubscribe();
    await slow.until(() => slow.requests[0]!.disconnectedAt);
    await slowClient.close();
    await slow.close();
  });
});

describe('create$', () => {
  it("from a model: every field in Ollama's spelling, progress to success, the model installed", async () => {
    const request = {
      model: 'mario',
      from: 'llama',
      system: 'You are Mario.',
      template: '{{ .Prompt }}',
      parameters: { temperature: 0.2, stop: ['<|end|>'] },
      messages: [
        { role: 'user' as const, content: 'Who are you?' },
        { role: 'assistant' as const, content: "It's-a me!" },
      ],
      license: ['MIT'],
      quantize: 'q4_K_M',
      renderer: 'qwen3',
      parser: 'qwen3',
      requires: '0.12.0',
      info: { author: 'test' },
    };
    const progress = await lastValueFrom(client.create$(request).pipe(toArray()));
    expect(server.requests.at(-1)!.body).toEqual({ ...request, stream: true });
    expect(progress[0]!.status).toMatch(/^using existing layer sha256:/);
    expect(progress.filter((p) => p.status.startsWith('creating new layer'))).toHaveLength(5);
    expect(progress.slice(-2)).toEqual([{ status: 'writing manifest' }, { status: 'success' }]);
    expect(await installed()).toContain('mario');
  });

  it('uploads files and adapters (a path and bytes) only when Ollama lacks them, then names them by digest', async () => {
    const model = new Uint8Array(300_000).map((_, i) => (i * 7) % 251);
    const path = join(dir, 'model.gguf');
    await writeFile(path, model);
    const adapter = new TextEncoder().encode('a LoRA adapter');
    const start = server.requests.length;
    const progress = await lastValueFrom(
      client.create$({ model: 'custom', files: { 'model.gguf': path }, adapters: { 'adapter.gguf': adapter } }).pipe(toArray()),
    );

    expect(requestsSince(start)).toEqual([
      `HEAD /api/blobs/${digestOf(model)}`,
      `POST /api/blobs/${digestOf(model)}`,
      `HEAD /api/blobs/${digestOf(adapter)}`,
      `POST /api/blobs/${digestOf(adapter)}`,
      'POST /api/create',
    ]);
    expect(server.requests[start + 1]!.headers['content-type']).toBe('application/octet-stream');
    expect(server.blobs.get(digestOf(model))).toBe(model.byteLength);
    expect(server.blobs.get(digestOf(adapter))).toBe(adapter.byteLength);
    expect(server.requests.at(-1)!.body).toEqual({
      model: 'custom',
      files: { 'model.gguf': digestOf(model) },
      adapters: { 'adapter.gguf': digestOf(adapter) },
      stream: true,
    });
    const copying = progress.filter((p) => p.status === `copying file ${digestOf(model)}`);
    expect(copying[0]).toEqual({
      status: `copying file ${digestOf(model)}`,
      digest: digestOf(model),
      total: model.byteLength,
      completed: 0,
      percent: 0,
    });
    expect(copying.at(-1)).toMatchObject({ completed: model.byteLength, percent: 100 });
    expect(progress.map((p) => p.status)).toEqual(
      expect.arrayContaining(['parsing GGUF', `using existing layer ${digestOf(model)}`, 'success']),
    );
    expect(await installed()).toContain('custom');

    // Both blobs are there now: a second create only asks.
    const again = server.requests.length;
    const second = await lastValueFrom(
      client.create$({ model: 'custom2', files: { 'model.gguf': path }, adapters: { 'adapter.gguf': adapter } }).pipe(toArray()),
    );
    expect(requestsSince(again)).toEqual([
      `HEAD /api/blobs/${digestOf(model)}`,
      `HEAD /api/blobs/${digestOf(adapter)}`,
      'POST /api/create',
    ]);
    expect(second[0]).toEqual({
      status: `copying file ${digestOf(model)}`,
      digest: digestOf(model),
      total: model.byteLength,
      completed: model.byteLength,
      percent: 100,
    });
  });

  it('a value that already is a digest is sent as it is; draft_files are uploaded too', async () => {
    const draft = new TextEncoder().encode('a draft model');
    const known = digestOf('known blob');
    server.blobs.set(known, 10);
    const start = server.requests.length;
    await lastValueFrom(
      client.create$({ model: 'drafted', files: { 'model.gguf': known }, draft_files: { 'draft.gguf': draft } }).pipe(toArray()),
    );
    expect(requestsSince(start)).toEqual([`HEAD /api/blobs/${digestOf(draft)}`, `POST /api/blobs/${digestOf(draft)}`, 'POST /api/create']);
    expect(server.requests.at(-1)!.body).toMatchObject({ files: { 'model.gguf': known }, draft_files: { 'draft.gguf': digestOf(draft) } });
  });

  it("Ollama's refusals are errors in its words", async () => {
    expect(await ollamaError(client.create$({ model: 'x' }))).toMatchObject({
      kind: 'http',
      statusCode: 400,
      message: "neither 'from' or 'files' was specified",
    });
    expect(await ollamaError(client.create$({ model: 'x', files: { '../escape.gguf': digestOf('a') } }))).toMatchObject({
      statusCode: 400,
      message: 'file path must be relative',
    });
    expect((await settle(client.create$({ model: '', from: 'llama' }))).error).toBeInstanceOf(OllamaConfigError);
    const { values, error } = await settle(client.create$({ model: 'x', from: 'nowhere' }));
    expect(values).toEqual([{ status: 'pulling manifest' }]);
    expect(error).toMatchObject({ kind: 'model_not_found', message: 'pull model manifest: file does not exist' });
    const missing = digestOf('never uploaded');
    expect(await ollamaError(client.create$({ model: 'x', files: { 'a.gguf': missing } }))).toMatchObject({
      kind: 'server',
      message: `open /root/.ollama/models/blobs/${missing.replace(':', '-')}: no such file or directory`,
    });
  });

  it('bad files are an OllamaConfigError: thrown for a wrong type, emitted for a file that cannot be read, before anything is sent', async () => {
    expect(atSubscribe(() => client.create$({ model: 'x', files: { 'a.gguf': 42 as unknown as string } }))).toThrow(
      new OllamaConfigError('Invalid ollama-rx create request: files.a.gguf must be a file path or bytes (Uint8Array), got 42'),
    );
    expect(atSubscribe(() => client.create$({ model: 'x', adapters: ['a'] as unknown as Record<string, string> }))).toThrow(
      OllamaConfigError,
    );
    const start = server.requests.length;
    const { error } = await settle(client.create$({ model: 'x', files: { 'a.gguf': join(dir, 'absent.gguf') } }));
    expect(error).toBeInstanceOf(OllamaConfigError);
    expect((error as Error).message).toMatch(/cannot read the file ".*absent\.gguf": ENOENT/);
    expect(server.requests.length).toBe(start);
  });

  it("the test server checks each blob's digest as Ollama does", async () => {
    const claimed = digestOf('what was promised');
    const response = await fetch(`${server.url}/api/blobs/${claimed}`, { method: 'POST', body: 'something else' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: `digest mismatch, expected "${claimed}", got "${digestOf('something else')}"` });
    expect(server.blobs.has(claimed)).toBe(false);
    const bad = await fetch(`${server.url}/api/blobs/sha256:xyz`, { method: 'HEAD' });
    expect(bad.status).toBe(400);
    const head = await fetch(`${server.url}/api/blobs/${claimed}`, { method: 'HEAD' });
    expect(head.status).toBe(404);
  });
});
