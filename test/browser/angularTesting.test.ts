// provideOllamaTesting in real Chromium: a standalone component on chatResource, bootstrapped with
// Angular's browser platform, answered by scripted models in the page — no request leaves it.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describeUnless } from '../skips.js';
import { bundleForBrowser } from './bundle.js';
import { chromiumMissing, launchChromium } from './launch.js';

if (chromiumMissing) console.warn(`SKIPPING the Chromium test: ${chromiumMissing}`);

describeUnless(chromiumMissing, 'provideOllamaTesting in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let script: string;
  const requests: string[] = [];
  const pageErrors: Error[] = [];

  beforeAll(async () => {
    script = await bundleForBrowser(join(__dirname, 'angularTesting.page.ts'));
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (error) => pageErrors.push(error));
  }, 60_000);
  afterAll(() => browser?.close());

  it('the component streams the scripted answer into the DOM; Stop keeps what was typed; no request is made', async () => {
    await page.setContent('<test-chat></test-chat>');
    await page.addScriptTag({ content: script, type: 'module' });
    await page.locator('#status', { hasText: 'ready' }).waitFor();

    await page.click('#send');
    await page.locator('li.assistant', { hasText: 'Hello from Chromium' }).waitFor();
    await page.locator('#status', { hasText: 'ready' }).waitFor();
    expect(await page.locator('li').allTextContents()).toEqual(['Hi', 'Hello from Chromium']);
    expect(await page.locator('#thinking').textContent()).toBe('Hmm');

    await page.click('#send');
    await page.waitForFunction(() => document.querySelectorAll('li.assistant')[1]?.textContent?.startsWith('Hello'), undefined, {
      polling: 10,
    });
    await page.click('#stop');
    await page.locator('#status', { hasText: 'ready' }).waitFor();
    const partial = await page.locator('li.assistant >> nth=1').textContent();
    expect(partial).toMatch(/^Hello( from)?$/);

    expect(requests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
