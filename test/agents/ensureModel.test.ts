import { lastValueFrom, toArray } from 'rxjs';
import type { ModelReadiness } from '../../src/agents/modelReadiness.js';
import { OllamaClient } from '../../src/client/client.js';
import { OllamaConfigError } from '../../src/core/errors.js';
import { OllamaError } from '../../src/core/errors.js';
import { ensureModel$ } from '../../src/sources/ensureModel.js';
import { type TestServer, startTestServer } from '../../src/testing/server/index.js';
import { atSubscribe, settle } from '../helpers.js';

let server: TestServer;
let slowShow: TestServer;
let slowPull: TestServer;
let client: OllamaClient;

beforeAll(async () => {
  [server, slowShow, slowPull] = await Promise.all([
    startTestServer({
      models: {
        installed: { tokens: ['Hi'] },
        loadsForever: { tokens: ['late'], loadDelayMs: 30_000 },
        outOfMemory: {
          faults: { status: 500, body: { error: 'model requires more system memory (9.1 GiB) than is available (4.0 GiB)' } },
        },
      },
      pullable: { fresh: { tokens: ['new'] } },
    }),
    // Stages to cancel: a show that takes its time, a pull that stalls after its first line.
    startTestServer({ models: { installed: {} }, showDelayMs: 30_000 }),
    startTestServer({ pullable: { fresh: {} }, pullDelayMs: 30_000 }),
  ]);
  client = new OllamaClient({ host: server.url });
});
afterAll(async () => {
  await client.close();
  await Promise.all([server.close(), slowShow.close(), slowPull.close()]);
});

const since = (at: number, on = server) => on.requests.slice(at).map((request) => `${request.method} ${request.path}`);
const stages = (events: ModelReadiness[]) => events.map((event) => event.stage);

describe('ensureModel$', () => {
  it('an installed model is checked and loaded', async () => {
    const before = server.requests.length;
    const events = await lastValueFrom(client.ensureModel$('installed').pipe(toArray()));
    expect(events).toEqual([{ stage: 'checking' }, { stage: 'loading' }, { stage: 'ready' }]);
    expect(since(before)).toEqual(['POST /api/show', 'POST /api/generate']);
    expect(server.requests.at(-1)!.body).toMatchObject({ model: 'installed', prompt: '' });
    expect((await client.ps()).map((model) => model.name)).toContain('installed');
  });

  it('a missing model is pulled with progress, then loaded for as long as keep_alive says', async () => {
    const before = server.requests.length;
    const events = await lastValueFrom(ensureModel$('fresh', { client, keep_alive: '1h' }).pipe(toArray()));
    expect(since(before)).toEqual(['POST /api/show', 'POST /api/pull', 'POST /api/generate']);
    expect(server.requests.at(-1)!.body).toMatchObject({ model: 'fresh', prompt: '', keep_alive: '1h' });
    expect(stages(events)).toEqual(['checking', 'pulling', ...Array(events.length - 4).fill('pulling'), 'loading', 'ready']);
    const progress = events.flatMap((event) => (event.progress ? [event.progress] : []));
    expect(progress[0]).toEqual({ status: 'pulling manifest' });
    expect(progress.map((line) => line.percent).filter((percent) => percent !== undefined)).toEqual([0, 25, 50, 75, 100]);
    expect(progress.at(-1)).toEqual({ status: 'success' });
    // Installed now: the next time there is nothing to pull.
    expect(stages(await lastValueFrom(client.ensureModel$('fresh').pipe(toArray())))).toEqual(['checking', 'loading', 'ready']);
  });

  it("defaults to the client's model, and without any model is a configuration error", async () => {
    const withModel = new OllamaClient({ host: server.url, model: 'installed' });
    try {
      expect(stages(await lastValueFrom(withModel.ensureModel$().pipe(toArray())))).toEqual(['checking', 'loading', 'ready']);
    } finally {
      await withModel.close();
    }
    const previous = process.env.OLLAMA_MODEL;
    delete process.env.OLLAMA_MODEL;
    try {
      const bare = new OllamaClient({ host: server.url });
      expect(atSubscribe(() => bare.ensureModel$())).toThrow(OllamaConfigError);
      const { error } = await settle(ensureModel$(undefined, { client: bare }));
      expect(error).toBeInstanceOf(OllamaConfigError);
      expect((error as Error).message).toMatch(/ensureModel\$ needs a model/);
    } finally {
      if (previous !== undefined) process.env.OLLAMA_MODEL = previous;
    }
  });

  describe('failures are OllamaErrors', () => {
    it('a model no registry has: model_not_found from the pull', async () => {
      const { values, error } = await settle(client.ensureModel$('no-such-model'));
      expect(error).toBeInstanceOf(OllamaError);
      expect(error).toMatchObject({ kind: 'model_not_found', message: expect.stringMatching(/file does not exist/) });
      expect(stages(values)).toEqual(['checking', 'pulling', 'pulling']);
    });

    it('a load that fails', async () => {
      const { values, error } = await settle(client.ensureModel$('outOfMemory'));
      expect(error).toMatchObject({ kind: 'server', statusCode: 500, message: expect.stringMatching(/more system memory/) });
      expect(stages(values)).toEqual(['checking', 'loading']);
    });

    it('a server that is not there: network, in the checking stage', async () => {
      const gone = new OllamaClient({ host: 'http://127.0.0.1:9' });
      try {
        const { values, error } = await settle(gone.ensureModel$('installed'));
        expect(error).toMatchObject({ kind: 'network' });
        expect(stages(values)).toEqual(['checking']);
      } finally {
        await gone.close();
      }
    });
  });

  describe('cancellable in every stage: the server sees the request go', () => {
    it('while checking', async () => {
      const subscription = ensureModel$('installed', { host: slowShow.url }).subscribe();
      await slowShow.until(() => slowShow.requests.length === 1);
      subscription.unsubscribe();
      await slowShow.until(() => slowShow.requests[0]!.disconnectedAt !== undefined);
      expect(since(0, slowShow)).toEqual(['POST /api/show']);
    });

    it('while pulling', async () => {
      const events: ModelReadiness[] = [];
      let progressed!: () => void;
      const firstProgress = new Promise<void>((resolve) => (progressed = resolve));
      const subscription = ensureModel$('fresh', { host: slowPull.url }).subscribe((event) => {
        events.push(event);
        if (event.progress) progressed();
      });
      await firstProgress;
      subscription.unsubscribe();
      const pull = slowPull.requests.find((request) => request.path === '/api/pull')!;
      await slowPull.until(() => pull.disconnectedAt !== undefined);
      expect(events).toEqual([{ stage: 'checking' }, { stage: 'pulling' }, { stage: 'pulling', progress: { status: 'pulling manifest' } }]);
      expect(since(0, slowPull)).toEqual(['POST /api/show', 'POST /api/pull']);
    });

    it('while loading', async () => {
      const before = server.requests.length;
      const events: ModelReadiness[] = [];
      const subscription = client.ensureModel$('loadsForever').subscribe((event) => events.push(event));
      await server.until(() => since(before).includes('POST /api/generate'));
      subscription.unsubscribe();
      const load = server.requests.slice(before).find((request) => request.path === '/api/generate')!;
      await server.until(() => load.disconnectedAt !== undefined);
      expect(load.finishedAt).toBeUndefined();
      expect(stages(events)).toEqual(['checking', 'loading']);
    });

    it("the caller's signal fails it with the signal's reason", async () => {
      const caller = new AbortController();
      const run = client.ensureModel$('loadsForever', { signal: caller.signal });
      const before = server.requests.length;
      const result = settle(run);
      await server.until(() => since(before).includes('POST /api/generate'));
      caller.abort(new Error('the user closed the page'));
      const { values, error } = await result;
      expect(error).toEqual(new Error('the user closed the page'));
      expect(stages(values)).toEqual(['checking', 'loading']);
      await server.until(() => server.requests.at(-1)!.disconnectedAt !== undefined);
    });
  });

  it('is cold: nothing is sent before subscription', async () => {
    const before = server.requests.length;
    const ready$ = client.ensureModel$('installed');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.requests.length).toBe(before);
    await lastValueFrom(ready$);
    expect(since(before)).toEqual(['POST /api/show', 'POST /api/generate']);
  });
});
