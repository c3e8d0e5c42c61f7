/**
 * The ways to read one `/api/generate` stream that the benchmark compares. Each resolves with what
 * it received, so that every run is also checked for the right answer.
 */
import { once } from 'node:events';
import { Ollama } from 'ollama';
import { Observable, type OperatorFunction } from 'rxjs';
import { Agent } from 'undici';
import { OllamaClient } from '../src/client.js';
import { fromOllama } from '../src/sources/fromOllama.js';
import type { StreamChunk } from '../src/types.js';

export interface Received {
  /** Values delivered: chunks, or what an operator made of them. */
  chunks: number;
  /** Characters of text in them. */
  textLength: number;
  last?: unknown;
}

/** Calls `onLine` with every parsed line of an NDJSON byte stream: the least any client must do. */
function splitLines(onLine: (value: { response?: string }) => void) {
  const decoder = new TextDecoder();
  let tail = '';
  return (bytes: Uint8Array) => {
    const text = tail + decoder.decode(bytes, { stream: true });
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      onLine(JSON.parse(text.slice(start, end)));
      start = end + 1;
    }
    tail = text.slice(start);
  };
}

/** The limit: `undici.request` on a keep-alive agent, split lines, `JSON.parse` each. */
export class RawUndici {
  private readonly agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });

  constructor(private readonly host: string) {}

  /** `onLine` sees each parsed line as it arrives. */
  async generate(model: string, prompt: string, onLine?: (line: { response?: string }) => void): Promise<Received> {
    const received: Received = { chunks: 0, textLength: 0 };
    const push = splitLines((line) => {
      received.chunks++;
      received.textLength += line.response!.length;
      onLine?.(line);
    });
    const body = await this.post(model, prompt);
    // Events, not `for await`: one promise per read would make the limit slower than it is.
    body.on('data', push);
    await once(body, 'end');
    return received;
  }

  /** The bytes alone, not even split: how fast the server and the socket deliver. */
  async drain(model: string): Promise<number> {
    let bytes = 0;
    const body = await this.post(model, 'drain');
    body.on('data', (part: Uint8Array) => (bytes += part.length));
    await once(body, 'end');
    return bytes;
  }

  private async post(model: string, prompt: string) {
    const { body } = await this.agent.request({
      origin: this.host,
      path: '/api/generate',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, prompt, stream: true }),
    });
    return body;
  }

  close() {
    return this.agent.close();
  }
}

/** This library: `fromOllama` on one client, optionally through an operator. */
export class RxClient {
  readonly client: OllamaClient;

  constructor(host: string) {
    this.client = new OllamaClient({ host });
  }

  source(model: string, prompt: string): Observable<StreamChunk> {
    return fromOllama(prompt, { client: this.client, model });
  }

  /** Counts what arrives, like the other contenders, after the operator if one is given. */
  generate(model: string, prompt: string, operator?: OperatorFunction<StreamChunk, unknown>): Promise<Received> {
    const source = this.source(model, prompt);
    return countChunks(operator ? source.pipe(operator) : source);
  }

  close() {
    return this.client.close();
  }
}

/** Subscribes and counts: what any consumer of the stream does at the least. */
function countChunks(source: Observable<unknown>): Promise<Received> {
  const received: Received = { chunks: 0, textLength: 0 };
  return new Promise((resolve, reject) => {
    source.subscribe({
      next(value) {
        received.chunks++;
        if (typeof value === 'string') received.textLength += value.length;
        else if (typeof value === 'object') received.textLength += (value as StreamChunk).text.length;
        received.last = value;
      },
      error: reject,
      complete: () => resolve(received),
    });
  });
}

/** The `ollama` npm package pointed at the same server. */
export class OllamaPackage {
  readonly ollama: Ollama;

  constructor(host: string) {
    this.ollama = new Ollama({ host });
  }

  async generate(model: string, prompt: string): Promise<Received> {
    const received: Received = { chunks: 0, textLength: 0 };
    for await (const part of await this.ollama.generate({ model, prompt, stream: true })) {
      received.chunks++;
      received.textLength += part.response?.length ?? 0;
    }
    return received;
  }
}
