/**
 * The browser rows, in Debian's Chromium: `fromOllama` over the fetch transport against a raw fetch
 * reader (renderer main-thread time, CDP's `TaskDuration`), and the chat page of `npm run demo -- --web`
 * streaming 2,000 tokens at 200 tokens/s (long tasks, frame rate). Skipped, loudly, without Chromium.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type Plugin, build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { startChatSite } from '../examples/web/site.js';
import { startTestServer } from '../src/testing/server/index.js';
import { chromiumMissing, launchChromium } from '../test/browser/launch.js';
import { alternate, median } from './measure.js';
import { BIG_TEXT_LENGTH, BIG_TOKENS } from './protocol.js';
import { type Row, ms, times } from './table.js';

const { browserSource } = createRequire(import.meta.url)('../scripts/browser-source.cjs') as { browserSource: Plugin };

/** Rounds of the reader race; each round's ratio compares two runs close in time (the machine is shared). */
const ROUNDS = 15;
const CHAT_TOKENS = 2_000;
const CHAT_TOKEN_DELAY_MS = 5; // 200 tokens/s

export async function measureBrowser(host: string): Promise<Row[]> {
  if (chromiumMissing) {
    console.warn(`\n*** SKIPPING the browser rows: ${chromiumMissing} ***\n`);
    return [];
  }
  const browser = await launchChromium();
  try {
    return [await measureReaders(browser, host), ...(await measureChatPage(browser))];
  } finally {
    await browser.close();
  }
}

type Reader = 'rx' | 'raw';
/** Set on the chat page (as a string: tsx's helpers must not reach the page): long tasks and frames from now on. */
const WATCH = `{
  const watch = (globalThis.watch = { longTasks: [], frames: 0 });
  new PerformanceObserver((list) => list.getEntries().forEach((entry) => watch.longTasks.push(entry.duration))).observe({ type: 'longtask' });
  const frame = () => {
    watch.frames++;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}`;
/** What the chat page records while it streams. */
interface Watch {
  longTasks: number[];
  frames: number;
}

async function measureReaders(browser: Browser, host: string): Promise<Row> {
  const page = await browser.newPage();
  // Bundled as an app's bundler would, with the `browser` condition: the fetch transport.
  const { outputFiles } = await build({
    entryPoints: [fileURLToPath(new URL('browser.page.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    plugins: [browserSource],
    logLevel: 'silent',
  });
  const script = outputFiles[0]!.text;
  // A page on the server's own origin, as one behind the app's proxy would be (Chromium keeps a
  // public origin away from loopback).
  await page.goto(`${host}/`);
  await page.addScriptTag({ content: script, type: 'module' });
  await page.waitForFunction(() => 'bench' in globalThis);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const mainThreadMs = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((metric) => metric.name === 'TaskDuration')!.value * 1000;
  };
  const run = (reader: Reader) => async () => {
    const before = await mainThreadMs();
    const read = await page.evaluate(
      ([name, url]) =>
        (globalThis as unknown as { bench: Record<string, (host: string, model: string) => Promise<unknown>> }).bench[name]!(url, 'big'),
      [reader, host] as const,
    );
    const spent = (await mainThreadMs()) - before;
    const expected = { chunks: BIG_TOKENS + 1, textLength: BIG_TEXT_LENGTH };
    if (JSON.stringify(read) !== JSON.stringify(expected))
      throw new Error(`${reader} read ${JSON.stringify(read)}, expected ${JSON.stringify(expected)}`);
    return spent;
  };
  await run('rx')();
  await run('raw')(); // warm-up: the JIT, the connection
  const samples = await alternate(ROUNDS, { rx: run('rx'), raw: run('raw') });
  await page.close();
  const [rx, raw] = [median(samples.rx), median(samples.raw)];
  const ratio = median(samples.rx.map((spent, round) => samples.raw[round]! / spent));
  if (process.env.BENCH_DEBUG) console.error('browser readers, main-thread ms', JSON.stringify(samples));
  return {
    figure: `browser: fromOllama over fetch, ${BIG_TOKENS / 1000}k lines one per HTTP chunk (Chromium main-thread time)`,
    measured: ms(rx),
    compare: `raw fetch reader (TextDecoder + split + JSON.parse): ${ms(raw)}`,
    ratio: times(ratio),
    target: '≥ 0.90× (raw ÷ fromOllama, median of rounds)',
    pass: ratio >= 0.9,
  };
}

async function measureChatPage(browser: Browser): Promise<Row[]> {
  const tokens = Array.from({ length: CHAT_TOKENS }, (_, i) => ` word${i}`);
  const ollama = await startTestServer({ models: { paced: { tokens, tokenDelayMs: CHAT_TOKEN_DELAY_MS } } });
  const site = await startChatSite({ ollama: ollama.url });
  let page: Page | undefined;
  try {
    page = await browser.newPage();
    await page.goto(`${site.url}/?model=paced`);
    await page.waitForFunction(() => document.querySelector('[data-testid="model"] option'));
    // Long tasks and frames from the Send on; the answer's end is its whole text.
    await page.evaluate(WATCH);
    const started = performance.now();
    await page.getByTestId('prompt').fill('Stream 2,000 tokens.');
    await page.getByTestId('send').click();
    const full = tokens.join('');
    await page.waitForFunction((text) => document.querySelector('[data-testid="answer"]')?.textContent === text, full, {
      timeout: 120_000,
    });
    const seconds = (performance.now() - started) / 1000;
    const { longTasks, frames } = await page.evaluate(() => (globalThis as unknown as { watch: Watch }).watch);
    const longest = Math.max(0, ...longTasks);
    return [
      {
        figure: `browser: the chat page (examples/angular) streaming ${CHAT_TOKENS} tokens at ${1000 / CHAT_TOKEN_DELAY_MS} tokens/s`,
        measured: longTasks.length ? `${longTasks.length} long task(s), longest ${ms(longest)}` : 'no long task (> 50 ms)',
        compare: `${(CHAT_TOKENS / seconds).toFixed(0)} tokens/s received over ${seconds.toFixed(1)} s`,
        target: 'no long task over 50 ms',
        pass: longTasks.length === 0,
      },
      {
        figure: 'browser: the chat page, frame rate while it streams (requestAnimationFrame)',
        measured: `${(frames / seconds).toFixed(0)} fps`,
      },
    ];
  } finally {
    await page?.close();
    await site.close();
    await ollama.close();
  }
}
