import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { ProxyAgent } from 'undici';
import { OllamaClient } from '../../src/client/client.js';
import { collectText } from '../../src/operators/collectText.js';
import { type TestServer, startTestServer } from '../../src/testing/server/index.js';
import { accepts, freePort } from '../integration/nginx/nginx.js';

// A real forward proxy between client and server: Debian's tinyproxy (installed by .ci/system-deps),
// run in the foreground by this test, its log read to prove the requests went through it.
const TINYPROXY = process.env.TINYPROXY ?? 'tinyproxy';

interface Proxy {
  url: string;
  log(): string;
  close(): Promise<void>;
}

async function startTinyproxy(): Promise<Proxy> {
  const dir = await mkdtemp(join(tmpdir(), 'ollama-rx-tinyproxy-'));
  const port = await freePort();
  const conf = join(dir, 'tinyproxy.conf');
  await writeFile(
    conf,
    [`Port ${port}`, 'Listen 127.0.0.1', 'Timeout 600', 'MaxClients 64', 'Allow 127.0.0.1', 'LogLevel Connect', ''].join('\n'),
  );
  const child: ChildProcess = spawn(TINYPROXY, ['-d', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (data: Buffer) => (output += data));
  child.stderr!.on('data', (data: Buffer) => (output += data));
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null && !spawnError) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 250 && !spawnError && child.exitCode === null; attempt++) {
    if (await accepts(port)) return { url: `http://127.0.0.1:${port}`, log: () => output, close };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await close();
  throw new Error(
    `tinyproxy did not start (install Debian's tinyproxy-bin, as .ci/system-deps does): ${spawnError?.message ?? output.trim()}`,
  );
}

let server: TestServer;
let proxy: Proxy;

beforeAll(async () => {
  server = await startTestServer({
    models: { llama: { tokens: ['Through', ' the', ' proxy'] }, slow: { tokens: Array(400).fill('.'), tokenDelayMs: 25 } },
  });
  proxy = await startTinyproxy();
});
afterAll(async () => {
  await proxy?.close();
  await server?.close();
});

const serverPort = () => new URL(server.url).port;

describe.each([
  ['a CONNECT tunnel (ProxyAgent default)', true],
  ['absolute-URI forwarding (proxyTunnel: false)', false],
])('through tinyproxy, %s', (_name, tunnel) => {
  let agent: ProxyAgent;
  let client: OllamaClient;
  beforeEach(() => {
    agent = new ProxyAgent({ uri: proxy.url, proxyTunnel: tunnel });
    client = new OllamaClient({ host: server.url, model: 'llama', dispatcher: agent });
  });
  afterEach(async () => {
    await client.close();
    await agent.close();
  });

  it('streams a whole answer', async () => {
    const start = server.requests.length;
    expect(await lastValueFrom(client.generate$('hi').pipe(collectText()))).toBe('Through the proxy');
    expect(server.requests.slice(start).map((r) => r.path)).toEqual(['/api/generate']);
    if (tunnel) expect(proxy.log()).toContain(`CONNECT 127.0.0.1:${serverPort()}`);
    else expect(server.requests[start]!.headers.via).toMatch(/tinyproxy/);
  });

  it('unsubscribing aborts the stream at the origin: the server sees the disconnect', async () => {
    const start = server.requests.length;
    const first = await lastValueFrom(client.generate$({ model: 'slow', prompt: 'go' }).pipe(take(3), toArray()));
    expect(first).toHaveLength(3);
    const request = server.requests[start]!;
    await server.until(() => request.disconnectedAt, 10_000);
    expect(request.finishedAt).toBeUndefined();
    if (!tunnel) expect(request.headers.via).toMatch(/tinyproxy/);
  });
});

// Through a tunnel, the proxy relays the client's close at once. (tinyproxy's absolute-URI mode
// waits for the origin's headers before it looks at the client again, so there an abort during a
// model load reaches the origin only when the model has loaded: a property of that proxy mode.)
it('through a tunnel, an abort while the model loads (no headers yet) reaches the origin too', async () => {
  const agent = new ProxyAgent(proxy.url);
  const client = new OllamaClient({ host: server.url, model: 'llama', dispatcher: agent });
  server.setModel('loading', { loadDelayMs: 60_000 });
  const start = server.requests.length;
  const subscription = client.generate$({ model: 'loading', prompt: 'go' }).subscribe();
  await server.until(() => server.requests.length > start, 10_000);
  subscription.unsubscribe();
  await server.until(() => server.requests[start]!.disconnectedAt, 10_000);
  expect(await firstValueFrom(client.generate$('still usable').pipe(collectText()))).toBe('Through the proxy');
  await client.close();
  await agent.close();
});
