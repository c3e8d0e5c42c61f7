// `npm run demo -- --web` for real: the command runs as a user starts it (its Ollama is the test server
// here, so the test sees every request and disconnect), and Chromium drives the page it serves through
// the stable data-testid hooks, as a user's own end-to-end suite would.
import { type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { OllamaClient } from '../../src/client/client.js';
import { type TestServer, startTestServer } from '../../src/testing/server/index.js';
import { tokenize } from '../../src/testing/simulated.js';
import { type Spawned, spawnExample } from '../integration/examples/spawn.js';
import { settle } from '../helpers.js';
import { describeUnless } from '../skips.js';
import { chromiumMissing, launchChromium } from './launch.js';

jest.setTimeout(60_000);

if (chromiumMissing) console.warn(`SKIPPING the chat page tests (npm run demo -- --web): ${chromiumMissing}`);
const describeInChromium = (title: string, suite: () => void) => describeUnless(chromiumMissing, title, suite);

/** The answer to the last user message of a chat request: it names the question, so answers tell apart. */
function answerTo(body: Record<string, unknown> | undefined): string {
  const messages = (body?.messages ?? []) as { role: string; content: string }[];
  const question = messages.filter((message) => message.role === 'user').at(-1)?.content ?? '';
  return `You asked "${question}". ${'The answer streams in word by word, and every word is a token. '.repeat(3)}`;
}
const answering = (body: Record<string, unknown> | undefined) => tokenize(answerTo(body));
/** An answer that streams for many seconds: still streaming when a loaded machine gets round to Stop. */
const LONG_ANSWER = Array.from({ length: 400 }, (_, i) => ` word${i}`);
const hasToolAnswer = (body: Record<string, unknown> | undefined) =>
  ((body?.messages ?? []) as { role: string }[]).some((message) => message.role === 'tool');
const lastQuestion = (request: { body?: Record<string, unknown> }) =>
  ((request.body?.messages ?? []) as { content: string }[]).at(-1)?.content;

describeInChromium('the chat page (npm run demo -- --web) in Chromium', () => {
  let server: TestServer;
  let demo: Spawned;
  let url: string;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    server = await startTestServer({
      models: {
        chat: { tokens: answering, tokenDelayMs: 25 },
        long: { tokens: LONG_ANSWER, tokenDelayMs: 30 },
        // The first request waits for a model load that never ends, the next answers at once.
        twice: { tokens: answering, tokenDelayMs: 10, faults: { loadStallMs: 60_000 }, failuresBeforeSuccess: 1 },
        thinker: { thinking: ['Short waves', ' scatter more.'], tokens: ['Rayleigh', ' scattering.'], tokenDelayMs: 10 },
        // Calls the page's clock (`?tools`) first, then answers from its result.
        clocky: {
          toolCalls: (body) => (hasToolAnswer(body) ? [] : [{ function: { name: 'clock', arguments: {} } }]),
          tokens: (body) => (hasToolAnswer(body) ? ['It is', ' late.'] : []),
          tokenDelayMs: 10,
        },
      },
    });
    demo = spawnExample(['demo', '--web'], { OLLAMA_HOST: server.url, OLLAMA_MODEL: 'chat' });
    url = await firstUrl(demo);
    browser = await launchChromium();
  }, 120_000);

  beforeEach(async () => {
    page = await browser.newPage();
    pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    // Angular reports what goes wrong in a template or an event handler on the console, not as a page error.
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(message.text());
    });
  });
  afterEach(async () => {
    await page.close();
    expect(pageErrors).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    if (demo && demo.child.exitCode === null) demo.child.kill('SIGKILL');
    await server?.close();
  });

  const byTestId = (id: string) => page.getByTestId(id);
  const chatRequests = () => server.requests.filter((request) => request.path === '/api/chat');
  /**
   * Opens the page and waits until Angular has rendered it and the model list has arrived: before
   * that, the picker holds at most the model of `?model=`; the server has three.
   */
  async function open(query = ''): Promise<void> {
    await page.goto(`${new URL(url).origin}/${query}`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="model"] option').length > 1);
  }
  async function ask(question: string): Promise<void> {
    await byTestId('prompt').fill(question);
    await byTestId('send').click();
  }
  /** Resolves once the answer is no longer streaming (the Stop button is disabled then). */
  const settled = () => page.waitForFunction(() => document.querySelector<HTMLButtonElement>('[data-testid="stop"]')?.disabled);

  it("prints the page's URL first; the model picker holds the server's models, OLLAMA_MODEL chosen", async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?model=chat$/);
    await open(new URL(url).search);
    const options = await byTestId('model').locator('option').allTextContents();
    expect(options.sort()).toEqual(['chat', 'clocky', 'long', 'thinker', 'twice']);
    expect(await byTestId('model').inputValue()).toBe('chat');
    expect(server.requests.some((request) => request.path === '/api/tags')).toBe(true);
  });

  it('Send: the answer grows as it streams and ends with the whole text; tokens and latency beside it', async () => {
    await open('?model=chat');
    // Every text the answer element shows, in order.
    await byTestId('answer').evaluate((answer) => {
      const shown: string[] = ((window as unknown as { shown: string[] }).shown = []);
      new MutationObserver(() => shown.push(answer.textContent ?? '')).observe(answer, {
        subtree: true,
        childList: true,
        characterData: true,
      });
    });
    await ask('Why is the sky blue?');
    const full = answerTo({ messages: [{ role: 'user', content: 'Why is the sky blue?' }] });
    await page.waitForFunction((text) => document.querySelector('[data-testid="answer"]')?.textContent === text, full, { timeout: 30_000 });
    await settled();

    const shown = await page.evaluate(() => (window as unknown as { shown: string[] }).shown.filter(Boolean));
    expect(shown.at(-1)).toBe(full);
    // Typed in, piece by piece: growing prefixes of the answer before the whole of it.
    expect(shown.length).toBeGreaterThan(3);
    shown.forEach((text, i) => expect(full.startsWith(text) && text.length >= (shown[i - 1]?.length ?? 0)).toBe(true));
    // The final count is the server's eval_count: one per token it sent.
    expect(await byTestId('tokens').textContent()).toBe(String(tokenize(full).length));
    expect(await byTestId('latency').textContent()).toMatch(/^\d+ ms$/);
    expect(await byTestId('error').count()).toBe(0);
    expect(chatRequests().at(-1)!.finishedAt).toBeDefined();
    // Tools are offered only with ?tools: a model without tool support would refuse the request.
    expect(chatRequests().at(-1)!.body!.tools).toBeUndefined();
  });

  it('a model picked in the list answers the next question; its reasoning shows before its answer', async () => {
    await open('?model=chat');
    await byTestId('model').selectOption('thinker');
    await ask('Why is the sky blue?');
    await page.waitForFunction(() => document.querySelector('[data-testid="answer"]')?.textContent === 'Rayleigh scattering.');
    await settled();
    expect(await byTestId('thinking').textContent()).toBe('Short waves scatter more.');
    const conversation = await page.locator('.conversation li').allTextContents();
    expect(conversation).toEqual(['Why is the sky blue?', 'Short waves scatter more.', 'Rayleigh scattering.']);
    expect(chatRequests().at(-1)!.body!.model).toBe('thinker');
  });

  it('?tools: a tool round shows as it runs — the call, the tool’s result — then the answer', async () => {
    await open('?model=clocky&tools');
    await ask('What time is it?');
    await page.waitForFunction(() => document.querySelector('[data-testid="answer"]')?.textContent === 'It is late.');
    await settled();
    expect(await byTestId('tool-call').textContent()).toBe('clock({})');
    expect(await byTestId('tool-result').textContent()).toMatch(/^clock → \w{3} \w{3} \d{2} \d{4} /);
    const [asked, answered] = chatRequests().slice(-2);
    expect((asked!.body!.tools as { function: { name: string } }[]).map((tool) => tool.function.name)).toEqual(['clock']);
    expect((answered!.body!.messages as { role: string }[]).map((message) => message.role)).toEqual(['user', 'assistant', 'tool']);
  });

  it('Stop mid-answer: the server sees the disconnect and the text stops growing', async () => {
    await open('?model=long');
    await ask('Stop me');
    await page.waitForFunction(() => (document.querySelector('[data-testid="answer"]')?.textContent ?? '').length >= 20);
    const request = chatRequests().at(-1)!;
    await byTestId('stop').click();
    await server.until(() => request.disconnectedAt, 15_000);
    await settled();
    expect(request.finishedAt).toBeUndefined();

    const stopped = (await byTestId('answer').textContent())!;
    // Let the page run 40 ticks of 15 ms: a live stream (a word every 30 ms) would grow in between.
    await page.evaluate(async () => {
      for (let tick = 0; tick < 40; tick++) await new Promise((resolve) => setTimeout(resolve, 15));
      await new Promise((resolve) => requestAnimationFrame(resolve));
    });
    expect(await byTestId('answer').textContent()).toBe(stopped);
    const full = LONG_ANSWER.join('');
    expect(full.startsWith(stopped) && stopped.length < full.length).toBe(true);
  });

  it('a second Send while the first is pending: the first request is aborted, only the second answer remains', async () => {
    server.setModel('twice', { tokens: answering, tokenDelayMs: 10, faults: { loadStallMs: 60_000 }, failuresBeforeSuccess: 1 });
    await open('?model=twice');
    const before = chatRequests().length;
    await ask('first question');
    await server.until(() => chatRequests().length > before && chatRequests().at(-1)!.body, 15_000);
    const first = chatRequests().at(-1)!;
    await ask('second question');

    // The body too: a request is recorded when it arrives, its body once read.
    await server.until(() => first.disconnectedAt && chatRequests().length > before + 1 && chatRequests().at(-1)!.body, 15_000);
    const second = chatRequests().at(-1)!;
    const full = answerTo(second.body);
    await page.waitForFunction((text) => document.querySelector('[data-testid="answer"]')?.textContent === text, full, { timeout: 30_000 });
    await settled();

    expect([lastQuestion(first), lastQuestion(second)]).toEqual(['first question', 'second question']);
    expect(first.finishedAt).toBeUndefined();
    expect(second.disconnectedAt).toBeUndefined();
    // The conversation: both questions and one answer, the second's.
    const conversation = await page.locator('.conversation li').allTextContents();
    expect(conversation).toEqual(['first question', 'second question', full]);
  });

  it('leaving the page aborts the answer in progress', async () => {
    await open('?model=long');
    await ask('Leave me');
    await page.waitForFunction(() => (document.querySelector('[data-testid="answer"]')?.textContent ?? '').length > 0);
    const request = chatRequests().at(-1)!;
    await page.goto('about:blank');
    await server.until(() => request.disconnectedAt, 15_000);
    expect(request.finishedAt).toBeUndefined();
  });

  it("a model that is not installed: the error line shows model_not_found in Ollama's words", async () => {
    await open('?model=nope');
    expect(await byTestId('model').inputValue()).toBe('nope');
    await ask('Anyone there?');
    await expect(byTestId('error').textContent({ timeout: 15_000 })).resolves.toBe("model_not_found: model 'nope' not found");
    await settled();
    expect(await byTestId('answer').textContent()).toBe('');
  });

  it("an Ollama that cannot be reached: the model list fails onto the error line, in the proxy's words", async () => {
    const port = await closedPort();
    const stranded = spawnExample(['demo', '--web'], { OLLAMA_HOST: `http://127.0.0.1:${port}`, OLLAMA_MODEL: 'chat' });
    try {
      await page.goto(await firstUrl(stranded));
      await expect(byTestId('error').textContent({ timeout: 15_000 })).resolves.toBe(`server: connect ECONNREFUSED 127.0.0.1:${port}`);
      expect(await page.locator('[data-testid="model"] option').allTextContents()).toEqual(['chat']);
    } finally {
      stranded.child.kill('SIGINT');
      await stranded.exit;
    }
  });

  describe("the proxy cannot be used around Ollama's own protections (issue 21)", () => {
    /** A raw request to the page's server, with the Host and Origin a browser on another site would send. */
    function raw(path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: IncomingHttpHeaders }> {
      const { port } = new URL(url);
      return new Promise((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path, method: body === undefined ? 'GET' : 'POST', headers }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }));
        });
        req.on('error', reject);
        req.end(body);
      });
    }
    const own = () => new URL(url).host;
    const pull = JSON.stringify({ model: 'chat', prompt: 'pwned', stream: false });

    it.each([
      [
        'a foreign Origin (any web page the user has open)',
        () => ({ host: own(), origin: 'https://evil.example', 'content-type': 'text/plain' }),
      ],
      ['Origin: null (a sandboxed frame, a file)', () => ({ host: own(), origin: 'null' })],
      ['the loopback address on another port', () => ({ host: own(), origin: 'http://127.0.0.1:1' })],
      [
        'a foreign Host (DNS rebinding), same-origin with itself',
        () => ({ host: `evil.example:${new URL(url).port}`, origin: `http://evil.example:${new URL(url).port}` }),
      ],
      ['a foreign Host without an Origin', () => ({ host: 'evil.example' })],
    ])('%s: 403, and nothing reaches Ollama', async (_what, headers) => {
      const before = server.requests.length;
      for (const path of ['/api/generate', '/api/tags']) {
        const answer = await raw(path, headers(), path === '/api/generate' ? pull : undefined);
        expect(answer.status).toBe(403);
        expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      }
      expect((await raw('/', headers())).status).toBe(403);
      expect(server.requests.length).toBe(before);
    });

    it('its own origin, by address or as localhost, is served; no CORS header opens the answers to others', async () => {
      const before = server.requests.length;
      const port = new URL(url).port;
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
        const answer = await raw('/api/tags', { host, origin: `http://${host}` });
        expect(answer.status).toBe(200);
        expect(Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
      }
      expect(server.requests.length).toBe(before + 2);
    });
  });

  it('SIGTERM stops the server, the page and all, and exits 0', async () => {
    demo.child.kill('SIGTERM');
    expect(await demo.exit).toBe(0);
    expect(demo.stderr()).toBe('');
    await expect(fetch(url)).rejects.toThrow();
  });
});

/** A loopback port nothing listens on: one just given up by a server. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The first stdout line that starts with `http`: the page's URL. */
async function firstUrl({ child, stdout, stderr }: Spawned): Promise<string> {
  for (;;) {
    const line = stdout()
      .split('\n')
      .find((text, i, lines) => text.startsWith('http') && i < lines.length - 1);
    if (line) return line;
    if (child.exitCode !== null) throw new Error(`the demo exited ${child.exitCode}: ${stderr()}`);
    await new Promise((resolve) => child.stdout!.once('data', resolve).once('close', resolve));
  }
}

// No browser needed: what a fresh clone gets from `npm run demo -- --web` without an Ollama of its own.
test('without OLLAMA_HOST it serves the app on the simulated model, with /api on the same origin; Ctrl-C exits 0', async () => {
  const demo = spawnExample(['demo', '--web']);
  try {
    const url = await firstUrl(demo);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(demo.stdout()).toContain('model simulated-llama');

    const page = await fetch(url);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<ollama-chat></ollama-chat>');
    const app = await fetch(new URL('/main.js', url));
    expect([app.status, app.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect(await app.text()).toContain('ollama-chat');
    const tags = (await (await fetch(new URL('/api/tags', url))).json()) as { models: { name: string }[] };
    expect(tags.models.map((model) => model.name)).toEqual(['simulated-llama']);
    expect((await fetch(new URL('/nothing-here', url))).status).toBe(404);

    demo.child.kill('SIGINT');
    expect(await demo.exit).toBe(0);
    expect(demo.stderr()).toBe('');
  } finally {
    if (demo.child.exitCode === null) demo.child.kill('SIGKILL');
  }
}, 120_000);

// No browser needed: the page's proxy passes a cut-off answer on as cut off, as Ollama's own socket would.
test('an Ollama whose answer stops mid-body (its process gone) ends the proxied answer too: a network error, not a stall', async () => {
  // A real socket that sends one line of a chunked answer, then closes (FIN) without the last chunk.
  const ollama = createServer((socket) =>
    socket.once('data', () => {
      const line = '{"model":"m","created_at":"2026-01-01T00:00:00Z","message":{"role":"assistant","content":"one"},"done":false}\n';
      socket.end(
        `HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n${line.length.toString(16)}\r\n${line}\r\n`,
      );
    }),
  );
  await new Promise<void>((resolve) => ollama.listen(0, '127.0.0.1', resolve));
  const demo = spawnExample(['demo', '--web'], {
    OLLAMA_HOST: `http://127.0.0.1:${(ollama.address() as AddressInfo).port}`,
    OLLAMA_MODEL: 'm',
  });
  // Ample: without the end passed on, only this timeout would end the answer.
  const client = new OllamaClient({ host: new URL(await firstUrl(demo)).origin, model: 'm', timeouts: { idle: 30_000 } });
  try {
    const { values, error } = await settle(client.chat$([{ role: 'user', content: 'Count.' }]));
    expect(values.map((chunk) => chunk.text)).toEqual(['one']);
    expect(error).toMatchObject({ kind: 'network', partialText: 'one' });
    demo.child.kill('SIGINT');
    expect(await demo.exit).toBe(0);
    expect(demo.stderr()).toBe('');
  } finally {
    await client.close();
    if (demo.child.exitCode === null) demo.child.kill('SIGKILL');
    await new Promise((resolve) => ollama.close(resolve));
  }
}, 120_000);
