import { createHash } from 'node:crypto';
import { open, mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { OllamaClient } from '../../src/client/client.js';
import { startTestServer } from '../../src/testing/server/index.js';
import { spawnNode } from '../integration/examples/spawn.js';

// A model file far larger than what the upload may hold in memory: reading it whole would show.
const FILE_BYTES = 192 * 1024 * 1024;
const CHUNK = 1024 * 1024;

let dir: string;
let path: string;
let digest: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ollama-rx-upload-'));
  path = join(dir, 'big.gguf');
  const hash = createHash('sha256');
  const file = await open(path, 'w');
  const chunk = Buffer.alloc(CHUNK);
  for (let offset = 0; offset < FILE_BYTES; offset += CHUNK) {
    for (let i = 0; i < CHUNK; i += 4096) chunk.writeUInt32LE((offset + i) >>> 0, i);
    hash.update(chunk);
    await file.write(chunk);
  }
  await file.close();
  digest = `sha256:${hash.digest('hex')}`;
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The file descriptors of this process open on `file` (Linux's /proc). */
async function openDescriptors(file: string): Promise<number> {
  let count = 0;
  for (const fd of await readdir('/proc/self/fd')) {
    if ((await readlink(`/proc/self/fd/${fd}`).catch(() => '')) === file) count++;
  }
  return count;
}

it('uploads a large file streamed from disk: the client process grows far less than the file', async () => {
  const server = await startTestServer({ models: { base: {} } });
  try {
    const run = spawnNode(['--import', 'tsx', 'test/uploads/uploadProcess.ts', server.url, path]);
    expect(await run.exit).toBe(0);
    const { growth, last } = JSON.parse(run.stdout()) as { growth: number; last: unknown };
    expect(last).toEqual({ status: 'success' });
    expect(server.blobs.get(digest)).toBe(FILE_BYTES);
    expect(server.requests.at(-1)!.body).toEqual({ model: 'big', files: { 'big.gguf': digest }, stream: true });
    console.log(`upload of ${FILE_BYTES / CHUNK} MB: the client's peak RSS grew by ${(growth / CHUNK).toFixed(1)} MB`);
    // Streaming costs what V8 lets Buffers pile up before it collects them (~64 MB), whatever the
    // file size; reading the file whole would cost the whole file.
    expect(growth).toBeLessThan(FILE_BYTES / 2);
  } finally {
    await server.close();
  }
}, 120_000);

it('reports progress while the bytes go out, and closes the file', async () => {
  const server = await startTestServer({ models: { base: {} } });
  const client = new OllamaClient({ host: server.url });
  const progress = await lastValueFrom(client.create$({ model: 'big', files: { 'big.gguf': path } }).pipe(toArray()));
  const percents = progress.filter((p) => p.digest === digest).map((p) => p.percent);
  expect(percents[0]).toBe(0);
  expect(percents.at(-1)).toBe(100);
  expect(percents.length).toBeGreaterThan(10); // progress while the bytes go out, not only at the end
  expect(progress.at(-1)).toEqual({ status: 'success' });
  await client.close();
  await server.close();
  expect(await openDescriptors(path)).toBe(0);
}, 120_000);

it('unsubscribing during an upload aborts it: the server sees the disconnect, the file is closed, no create follows', async () => {
  const server = await startTestServer({ blobDelayMs: 20 });
  const client = new OllamaClient({ host: server.url });
  const subscription = client.create$({ model: 'big', files: { 'big.gguf': path } }).subscribe();
  await server.until(() => (server.requests.find((r) => r.method === 'POST')?.uploadedBytes ?? 0) > 0, 60_000);
  subscription.unsubscribe();
  const upload = server.requests.find((r) => r.method === 'POST')!;
  await server.until(() => upload.disconnectedAt);
  expect(upload.uploadedBytes).toBeLessThan(FILE_BYTES);
  expect(server.blobs.size).toBe(0);
  // The file closes as the aborted upload's stream is destroyed, a few event-loop turns later.
  for (let turns = 0; turns < 200 && (await openDescriptors(path)) > 0; turns++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(await openDescriptors(path)).toBe(0);
  expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`HEAD /api/blobs/${digest}`, `POST /api/blobs/${digest}`]);
  await client.close();
  await server.close();
}, 120_000);
