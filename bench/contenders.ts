/**
 * The ways to read one `/api/generate` stream that the benchmark compares. Each resolves with what
 * it received, so that every run is also checked for the right answer.
 */
import { once } from 'node:events';
import { Ollama } from 'ollama';
import { Observable, type OperatorFunction } from 'rxjs';
import { Agent, type Dispatcher } from 'undici';
import { OllamaClient } from '../src/client/client.js';
import { fromOllama } from '../src/sources/fromOllama.js';
import type { StreamChunk } from '../src/core/types.js';

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

/** How a raw reader takes the body from undici. */
export type ReadMode = 'paused' | 'flowing' | 'for-await' | 'dispatch';

/**
 * The limit: `undici` on a keep-alive agent, lines split, `JSON.parse` each, nothing else. `mode` is
 * how the body is read; the bench measures each and takes the fastest as the limit.
 */
export class RawUndici {
  private readonly agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });

  constructor(
    private readonly host: string,
    private readonly mode: ReadMode = 'paused',
  ) {}

  /** `onLine` sees each parsed line as it arrives. */
  async generate(model: string, prompt: string, onLine?: (line: { response?: string }) => void): Promise<Received> {
    const received: Received = { chunks: 0, textLength: 0 };
    const push = splitLines((line) => {
      received.chunks++;
      received.textLength += line.response!.length;
      onLine?.(line);
    });
    await this.read(model, prompt, push);
    return received;
  }

  /** The bytes alone, not even split: how fast the server and the socket deliver. */
  async drain(model: string): Promise<number> {
    let bytes = 0;
    await this.read(model, 'drain', (part) => (bytes += part.length));
    return bytes;
  }

  private async read(model: string, prompt: string, onBytes: (bytes: Uint8Array) => void): Promise<void> {
    const request = {
      origin: this.host,
      path: '/api/generate',
      method: 'POST' as const,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, prompt, stream: true }),
    };
    if (this.mode === 'dispatch') return dispatchBody(this.agent, request, onBytes);
    const { body } = await this.agent.request(request);
    switch (this.mode) {
      case 'paused':
        // One read() hands over everything buffered, however many HTTP chunks it arrived in.
        body.on('readable', () => {
          for (let bytes = body.read(); bytes !== null; bytes = body.read()) onBytes(bytes);
        });
        return void (await once(body, 'end'));
      case 'flowing':
        // One call per HTTP chunk: per token on Ollama's wire.
        body.on('data', onBytes);
        return void (await once(body, 'end'));
      case 'for-await':
        for await (const bytes of body) onBytes(bytes);
    }
  }

  close() {
    return this.agent.close();
  }
}

/**
 * undici's lowest level: a dispatch handler sees each HTTP chunk as a view of the socket read it came
 * in. The chunks of one read are gathered and handed over in one piece, in a microtask after the read.
 */
function dispatchBody(agent: Agent, request: Dispatcher.DispatchOptions, onBytes: (bytes: Uint8Array) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const flush = () => {
      if (pending.length === 1) onBytes(pending[0]!);
      else if (pending.length > 1) onBytes(Buffer.concat(pending, pendingBytes));
      pending.length = 0;
      pendingBytes = 0;
    };
    agent.dispatch(request, {
      // Its presence selects undici's controller-based handler API.
      onRequestStart() {},
      onResponseData(_controller, chunk) {
        if (pending.push(chunk) === 1) queueMicrotask(flush);
        pendingBytes += chunk.length;
      },
      onResponseEnd() {
        flush();
        resolve();
      },
      onResponseError(_controller, error) {
        reject(error);
      },
    });
  });
}

/** This library: `fromOllama` on one client, optionally through an operator. */
export class RxClient {
  readonly client: OllamaClient;

  /** `transport: 'fetch'`: the fetch transport (the browser build's), over Node's `fetch`. */
  constructor(host: string, transport: 'undici' | 'fetch' = 'undici') {
    this.client = new OllamaClient({ host, ...(transport === 'fetch' && { fetch: globalThis.fetch }) });
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
