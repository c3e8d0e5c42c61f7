// Bundled into the HAR replay test's page: replayFetch and replayChunks in the browser, where no
// node: module exists. Each replays the HAR it is given and returns the chunks.
import { lastValueFrom, toArray } from 'rxjs';
import { OllamaClient } from '../../src/index.js';
import { replayChunks } from '../../src/testing/har/replayChunks.js';
import { replayFetch } from '../../src/testing/har/replayFetch.js';
import type { Har } from '../../src/testing/har/types.js';

declare global {
  interface Window {
    replayInPage(har: Har, prompt: string, model: string): Promise<{ viaFetch: unknown[]; viaChunks: unknown[] }>;
  }
}

window.replayInPage = async (har, prompt, model) => {
  const client = new OllamaClient({ host: 'http://ollama.invalid:11434', fetch: replayFetch(har, { speed: 0 }) });
  const viaFetch = await lastValueFrom(client.generate$(prompt, { model }).pipe(toArray()));
  await client.close();
  const viaChunks = await lastValueFrom(replayChunks(har).pipe(toArray()));
  return { viaFetch, viaChunks };
};
