// The browser build: uploads/platform.js replaced by platform.browser.js, as scripts/build.mjs does.
jest.mock('../../src/uploads/platform.js', () => jest.requireActual('../../src/uploads/platform.browser.js'));

import { createHash } from 'node:crypto';
import { lastValueFrom, toArray } from 'rxjs';
import { atSubscribe } from '../helpers.js';
import { OllamaClient } from '../../src/client/client.js';
import { OllamaConfigError } from '../../src/core/errors.js';
import { startTestServer } from '../../src/testing/server/index.js';

it('in a browser, create$ names files by digests already uploaded, and refuses to upload, before sending anything', async () => {
  const server = await startTestServer({ models: { base: {} } });
  const client = new OllamaClient({ host: server.url });
  expect(atSubscribe(() => client.create$({ model: 'x', files: { 'model.gguf': new Uint8Array([1, 2, 3]) } }))).toThrow(OllamaConfigError);
  expect(atSubscribe(() => client.create$({ model: 'x', adapters: { 'lora.gguf': './lora.gguf' } }))).toThrow(
    /^Invalid ollama-rx create request: adapters\.lora\.gguf: files are uploaded from Node only/,
  );
  expect(server.requests).toHaveLength(0);

  const digest = `sha256:${createHash('sha256').update('uploaded from Node').digest('hex')}`;
  server.blobs.set(digest, 18);
  const progress = await lastValueFrom(client.create$({ model: 'x', files: { 'model.gguf': digest } }).pipe(toArray()));
  expect(progress.at(-1)).toEqual({ status: 'success' });
  expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/create']);
  await client.close();
  await server.close();
});
