// A HAR written by Playwright's recordHar — a page in real Chromium streaming from the test server —
// loads and replays: in Node through the three replays, and in the page itself through replayFetch
// and replayChunks (browser-safe: no node: module).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Plugin, build } from 'esbuild';
import { lastValueFrom, toArray } from 'rxjs';
import type { Browser } from 'playwright-core';
import { OllamaClient } from '../../src/client/client.js';
import type { StreamChunk } from '../../src/core/types.js';
import { loadRecording } from '../../src/testing/har/file.js';
import { replayChunks } from '../../src/testing/har/replayChunks.js';
import { replayFetch } from '../../src/testing/har/replayFetch.js';
import type { Har } from '../../src/testing/har/types.js';
import { type TestServer, startTestServer } from '../../src/testing/server/index.js';
import { describeUnless } from '../skips.js';
import { chromiumMissing, launchChromium } from './launch.js';

const { browserSource } = require('../../scripts/browser-source.cjs') as { browserSource: Plugin };
const TOKENS = ['Once', ' upon', ' a', ' time', ',', ' a', ' model', ' streamed', '.'];

describeUnless(chromiumMissing, "a HAR from Playwright's recordHar", () => {
  let server: TestServer;
  let browser: Browser;
  let dir: string;
  let har: Har;

  beforeAll(async () => {
    server = await startTestServer({ models: { story: { tokens: TOKENS, tokenDelayMs: 20, loadDelayMs: 30 } } });
    dir = await mkdtemp(join(tmpdir(), 'ollama-rx-playwright-har-'));
    browser = await launchChromium();
    const file = join(dir, 'page.har');
    const context = await browser.newContext({ recordHar: { path: file, content: 'embed' } });
    const page = await context.newPage();
    // Same origin as the test server (its `/` answers "Ollama is running"): no CORS in the way.
    await page.goto(server.url);
    const text = await page.evaluate(async () => {
      const response = await fetch('/api/generate', { method: 'POST', body: JSON.stringify({ model: 'story', prompt: 'A story' }) });
      return response.text();
    });
    expect(text.trimEnd().split('\n')).toHaveLength(TOKENS.length + 1);
    await context.close();
    har = JSON.parse(await readFile(file, 'utf8')) as Har;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('has no per-chunk offsets: its lines are spread evenly over the receive time', () => {
    // Playwright stores the NDJSON body base64.
    expect(har.log.entries.find((entry) => entry.request.url.endsWith('/api/generate'))!.response.content.encoding).toBe('base64');
    const recording = loadRecording(har);
    const entry = recording.entries.find((candidate) => candidate.path === '/api/generate')!;
    expect(entry.chunks).toHaveLength(TOKENS.length + 1);
    const offsets = entry.chunks.map((chunk) => chunk.offsetMs);
    const gaps = offsets.slice(1).map((offset, i) => offset - offsets[i]!);
    for (const gap of gaps) expect(gap).toBeCloseTo(gaps[0]!, 6);
  });

  it('replays the same chunks through replayChunks, replayFetch and the test server', async () => {
    const recording = loadRecording(har);
    const viaChunks = await lastValueFrom(replayChunks(recording).pipe(toArray()));
    expect(viaChunks.map((chunk) => chunk.text)).toEqual([...TOKENS, '']);
    expect(viaChunks.at(-1)).toMatchObject({ done: true, doneReason: 'stop' });

    const generate = (client: OllamaClient) => lastValueFrom(client.generate$('A story', { model: 'story' }).pipe(toArray()));
    const viaFetch = new OllamaClient({ host: 'http://127.0.0.1:9', fetch: replayFetch(recording, { speed: 0 }) });
    expect(await generate(viaFetch)).toEqual(viaChunks);
    await viaFetch.close();

    const replaying = await startTestServer({ replay: recording, speed: 0 });
    const viaServer = new OllamaClient({ host: replaying.url });
    expect(await generate(viaServer)).toEqual(viaChunks);
    await viaServer.close();
    await replaying.close();
  });

  it('replays in the page too: replayFetch and replayChunks are browser-safe', async () => {
    const bundle = await build({
      entryPoints: [join(__dirname, 'harPage.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      conditions: ['browser'],
      target: 'es2022',
      plugins: [browserSource],
      logLevel: 'silent',
    });
    const page = await browser.newPage();
    const errors: Error[] = [];
    page.on('pageerror', (error) => errors.push(error));
    await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
    const { viaFetch, viaChunks } = await page.evaluate(([recorded]) => window.replayInPage(recorded, 'A story', 'story'), [har] as const);
    await page.close();
    expect(errors).toEqual([]);
    expect((viaChunks as StreamChunk[]).map((chunk) => chunk.text)).toEqual([...TOKENS, '']);
    expect(viaFetch).toEqual(viaChunks);
  });
});
