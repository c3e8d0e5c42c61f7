import { request } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OllamaClient } from '../../../src/client/client.js';
import { type Recorder, startRecorder } from '../../../src/testing/har/recorder.js';
import { type TestServer, startTestServer } from '../../../src/testing/server/index.js';

/** A raw request with the Host and Origin a browser under DNS rebinding would send. */
function send(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/tags', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (part: string) => (body += part));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject).end();
  });
}

describe('startRecorder', () => {
  let server: TestServer;
  let recorder: Recorder;
  let dir: string;

  beforeEach(async () => {
    server = await startTestServer({ models: { tiny: { tokens: ['Hi', '!'] } } });
    dir = await mkdtemp(join(tmpdir(), 'ollama-rx-har-'));
    recorder = await startRecorder({ upstream: server.url, file: join(dir, 'session.har'), secretHeaders: ['X-Team'] });
  });

  afterEach(async () => {
    await recorder.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('forwards secret headers but writes them to the file as ***', async () => {
    const secrets = {
      Authorization: 'Bearer sk-authorization-value',
      Cookie: 'session=cookie-value',
      'Proxy-Authorization': 'Basic proxy-value',
      'X-Api-Key': 'api-key-value',
      'X-Team': 'team-value',
    };
    const client = new OllamaClient({ host: recorder.url, headers: secrets, secretHeaders: ['X-Team'] });
    expect((await client.generate('hello', { model: 'tiny' })).text).toBe('Hi!');
    await client.close();
    // The upstream got them all.
    expect(server.requests[0]!.headers).toMatchObject({
      authorization: secrets.Authorization,
      'x-api-key': secrets['X-Api-Key'],
      'x-team': 'team-value',
    });
    await recorder.close();
    const file = await readFile(join(dir, 'session.har'), 'utf8');
    for (const value of Object.values(secrets)) expect(file).not.toContain(value.split(' ').at(-1));
    const { headers } = JSON.parse(file).log.entries[0].request as { headers: Array<{ name: string; value: string }> };
    for (const name of Object.keys(secrets))
      expect(headers.find((header) => header.name.toLowerCase() === name.toLowerCase())?.value).toBe('***');
    expect(file).toContain('"_chunks"');
  });

  it('answers 403 to another Host or Origin and forwards nothing (DNS rebinding)', async () => {
    const { host } = new URL(recorder.url);
    expect((await send(recorder.url, { host: `evil.example:${new URL(recorder.url).port}` })).status).toBe(403);
    expect((await send(recorder.url, { host, origin: 'http://evil.example' })).status).toBe(403);
    expect(server.requests).toHaveLength(0);
    expect((await send(recorder.url, { host, origin: `http://${host}` })).status).toBe(200);
    expect((await send(recorder.url, { host: host.replace('127.0.0.1', 'localhost') })).status).toBe(200);
    expect(server.requests).toHaveLength(2);
  });

  it('answers 502 when the upstream cannot be reached, recording nothing', async () => {
    await server.close();
    const client = new OllamaClient({ host: recorder.url });
    await expect(client.generate('hello', { model: 'tiny' })).resolves.toMatchObject({ success: false, statusCode: 502 });
    await client.close();
    expect(recorder.entries).toHaveLength(0);
  });
});
