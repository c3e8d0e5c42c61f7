/**
 * `npm run screenshot`: docs/chat.png, the chat page of `npm run demo -- --web` caught mid-answer in
 * Chromium, on the same simulated model as the demo. Rerun it after changing the page.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SIMULATED_MODEL } from '../examples/support.js';
import { startChatSite } from '../examples/web/site.js';
import { simulatedModel, startTestServer } from '../src/testing/index.js';
import { chromiumMissing, launchChromium } from '../test/browser/launch.js';

const OUTPUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'chat.png');
/** Enough of the answer to show it typing, not so much that it is over. */
const SHOWN_CHARS = 260;

if (chromiumMissing) throw new Error(`Cannot take the screenshot: ${chromiumMissing}`);

const ollama = await startTestServer({ models: { [SIMULATED_MODEL]: simulatedModel() } });
const site = await startChatSite({ ollama: ollama.url });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 820, height: 440 } });
  await page.goto(site.url);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="model"] option').length > 0);
  await page.getByTestId('prompt').fill('Why is the sky blue?');
  await page.getByTestId('send').click();
  await page.waitForFunction(
    (chars) =>
      (document.querySelector('[data-testid="answer"]')?.textContent ?? '').length >= chars ||
      document.querySelector<HTMLButtonElement>('[data-testid="stop"]')?.disabled,
    SHOWN_CHARS,
    { timeout: 60_000 },
  );
  mkdirSync(dirname(OUTPUT), { recursive: true });
  await page.screenshot({ path: OUTPUT });
  console.log(`wrote ${OUTPUT}`);
} finally {
  await browser.close();
  await site.close();
  await ollama.close();
}
