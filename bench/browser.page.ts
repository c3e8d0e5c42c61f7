// The page of the browser rows: one answer read to its end by `fromOllama` (the browser build: the
// fetch transport) or by a raw fetch reader, on the same bytes. Bundled by bench/browser.ts.
import { fromOllama } from '../src/index.js';

interface Read {
  chunks: number;
  textLength: number;
}

/** `fromOllama` over fetch: every line a validated chunk. */
function rx(host: string, model: string): Promise<Read> {
  return new Promise((resolve, reject) => {
    const read = { chunks: 0, textLength: 0 };
    fromOllama({ prompt: 'bench' }, { host, model }).subscribe({
      next: (chunk) => {
        read.chunks++;
        read.textLength += chunk.text.length;
      },
      error: reject,
      complete: () => resolve(read),
    });
  });
}

/** What a page would write by hand: reader + TextDecoder + split + JSON.parse, nothing checked. */
async function raw(host: string, model: string): Promise<Read> {
  const response = await fetch(`${host}/api/generate`, { method: 'POST', body: JSON.stringify({ model, prompt: 'bench' }) });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const read = { chunks: 0, textLength: 0 };
  let rest = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const lines = (rest + decoder.decode(value, { stream: true })).split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      if (!line) continue;
      const chunk = JSON.parse(line) as { response: string };
      read.chunks++;
      read.textLength += chunk.response.length;
    }
  }
  return read;
}

(globalThis as unknown as { bench: unknown }).bench = { rx, raw };
