import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { OllamaClient } from '../../../src/client/client.js';
import { loadRecording } from '../../../src/testing/har/file.js';
import { replayFetch } from '../../../src/testing/har/replayFetch.js';

const recording = loadRecording(join(__dirname, '..', '..', 'fixtures', 'chat-thinking.har'));
const [entry] = recording.entries;
const BODY = JSON.stringify({ model: 'qwen3', think: true, messages: [{ role: 'user', content: 'What is 17 × 23?' }] });
const URL = 'http://ollama.invalid:11434/api/chat';

describe('replayFetch', () => {
  it('answers with the recorded status, headers and chunks, one read per recorded chunk', async () => {
    const response = await replayFetch(recording, { speed: 0 })(URL, { method: 'POST', body: BODY });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    expect(response.headers.get('content-length')).toBeNull();
    const reader = response.body!.getReader();
    const pieces: string[] = [];
    for (let read = await reader.read(); !read.done; read = await reader.read()) pieces.push(new TextDecoder().decode(read.value));
    expect(pieces).toEqual(entry!.chunks.map((chunk) => new TextDecoder().decode(chunk.bytes)));
  });

  it('takes a Request as well as a URL and init', async () => {
    const response = await replayFetch(recording, { speed: 0 })(new Request(URL, { method: 'POST', body: BODY }));
    expect(response.status).toBe(200);
  });

  it("rejects with the signal's reason when aborted before the headers, and errors the body when aborted during it", async () => {
    const early = new AbortController();
    const pending = replayFetch(recording)(URL, { method: 'POST', body: BODY, signal: early.signal });
    early.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });

    const late = new AbortController();
    // At 20× the recorded pace the headers come after ~15 ms, the rest over ~30 ms.
    const response = await replayFetch(recording, { speed: 20 })(URL, { method: 'POST', body: BODY, signal: late.signal });
    const reader = response.body!.getReader();
    await reader.read();
    late.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('an unsubscribe ends the replay: nothing is left running or unhandled', async () => {
    const client = new OllamaClient({ host: 'http://ollama.invalid:11434', fetch: replayFetch(recording, { speed: 1 }) });
    const first = await firstValueFrom(client.chat$(JSON.parse(BODY)));
    expect(first.thinking).toBeTruthy();
    await client.close();
  });

  it('refuses a speed that is not a number from 0 up', () => {
    expect(() => replayFetch(recording, { speed: -1 })).toThrow('Invalid replay speed -1');
  });
});
