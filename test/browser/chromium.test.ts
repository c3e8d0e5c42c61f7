// Real Chromium (Debian's, driven by playwright-core): a page served from one origin streams from
// the test server on another, through the browser build (fetch transport) and `typewriter`.
import { mkdirSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { type TestServer, startTestServer } from '../../src/testing/server/index.js';
import { describeUnless } from '../skips.js';
import { bundleForBrowser } from './bundle.js';
import { chromiumMissing, launchChromium } from './launch.js';

const root = join(__dirname, '..', '..');
const screenshots = join(root, 'test-results');
const STORY = Array.from({ length: 200 }, (_, i) => `word${i} `);

if (chromiumMissing) console.warn(`SKIPPING the Chromium test: ${chromiumMissing}`);
const describeInChromium = (title: string, suite: () => void) => describeUnless(chromiumMissing, title, suite);

describeInChromium('in Chromium', () => {
  let server: TestServer;
  let site: Server;
  let siteUrl: string;
  let browser: Browser;
  let page: Page;
  let pageErrors: Error[];

  beforeAll(async () => {
    server = await startTestServer({
      models: {
        story: { tokens: STORY, tokenDelayMs: 20 },
        loading: { loadDelayMs: 30_000 },
        vision: { tokens: ['A', ' cat'] },
      },
    });
    const script = await bundleForBrowser(join(__dirname, 'page.ts'));
    site = await serve({
      '/': ['text/html', PAGE],
      '/page.js': ['text/javascript', script],
    });
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 60_000);

  beforeEach(async () => {
    page = await browser.newPage();
    pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error));
  });
  afterEach(async () => {
    await page.close();
    // Uncaught errors and unhandled rejections in the page fail the test, as test/setup.ts does in Node.
    expect(pageErrors).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => site?.close(resolve));
    await server?.close();
  });

  const open = (model: string, extra: Record<string, string> = {}) =>
    page.goto(`${siteUrl}/?${new URLSearchParams({ host: server.url, model, ...extra })}`);
  const requestsTo = (model: string) => server.requests.filter((r) => r.method === 'POST' && r.body?.model === model);
  const answer = () => page.locator('#answer').textContent();
  const status = () => page.locator('#status').textContent();

  it('streams into the page through typewriter; Stop unsubscribes and the server sees the disconnect', async () => {
    await open('story');
    await page.waitForFunction(() => (document.querySelector('#answer')?.textContent ?? '').length >= 20);
    expect(server.requests.some((r) => r.method === 'OPTIONS' && r.path === '/api/generate')).toBe(true);

    await page.click('#stop');
    const request = requestsTo('story').at(-1)!;
    await server.until(() => request.disconnectedAt);
    expect(request.finishedAt).toBeUndefined();
    expect(await status()).toBe('stopped');
    const shown = (await answer())!;
    expect(STORY.join('').startsWith(shown)).toBe(true);
    expect(shown.length).toBeLessThan(STORY.join('').length);

    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, 'chromium-stream.png') });
  });

  it('Stop aborts while the model loads and no header has arrived', async () => {
    await open('loading');
    await server.until(() => requestsTo('loading').length === 1);
    await page.click('#stop');
    await server.until(() => requestsTo('loading')[0]!.disconnectedAt);
  });

  it('sends image bytes base64-encoded by the browser build', async () => {
    // 100 000 bytes: more than one slice of the encoder, not a multiple of 3.
    await open('vision', { image: '100000' });
    await page.waitForFunction(() => document.querySelector('#status')?.textContent === 'done');
    expect(await answer()).toBe('A cat');
    const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => i % 256);
    expect(requestsTo('vision')[0]!.body!.images).toEqual([Buffer.from(bytes).toString('base64')]);
  });

  it("shows an unknown model as model_not_found, in Ollama's words", async () => {
    await open('nope');
    await page.waitForFunction(() => document.querySelector('#status')?.textContent !== 'streaming');
    expect(await status()).toBe("model_not_found: model 'nope' not found");
  });
});

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>ollama-rx in the browser</title>
<style>body { font: 16px system-ui; margin: 2rem; max-width: 40rem } #answer { white-space: pre-wrap }</style>
<h1>ollama-rx</h1>
<p><button id="stop">Stop</button> <span id="status"></span></p>
<p id="answer"></p>
<script type="module" src="/page.js"></script>
`;

/** A static site on its own port: another origin than the test server. */
function serve(files: Record<string, [type: string, body: string]>): Promise<Server> {
  const site = createServer((req, res) => {
    const file = files[(req.url ?? '/').split('?')[0]!];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': `${file[0]}; charset=utf-8` }).end(file[1]);
  });
  return new Promise((resolve) => site.listen(0, '127.0.0.1', () => resolve(site)));
}
