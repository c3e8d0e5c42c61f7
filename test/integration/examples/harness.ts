import { PassThrough, Writable } from 'node:stream';
import { Subject } from 'rxjs';
import type { ExampleIO } from '../../../examples/support.js';
import { type TestServer, startTestServer } from '../../../src/testing/index.js';
import type { ModelScript } from '../../../src/testing/index.js';

/** An output stream that keeps what is written, each write apart; optionally a terminal of a size. */
export class Capture extends Writable {
  readonly writes: string[] = [];
  isTTY?: boolean;
  rows?: number;
  columns?: number;

  constructor(terminal?: { rows: number; columns: number }) {
    super({ decodeStrings: false });
    if (terminal) Object.assign(this, { isTTY: true, ...terminal });
  }

  get text(): string {
    return this.writes.join('');
  }

  override _write(chunk: string | Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.writes.push(String(chunk));
    callback();
  }
}

export interface FakeIO extends ExampleIO {
  stdin: PassThrough;
  stdout: Capture;
  stderr: Capture;
  /** A Ctrl-C. */
  interrupt(): void;
}

export function fakeIO(
  options: { env?: Record<string, string>; args?: string[]; terminal?: { rows: number; columns: number } } = {},
): FakeIO {
  const interrupts = new Subject<void>();
  return {
    stdin: new PassThrough(),
    stdout: new Capture(options.terminal),
    stderr: new Capture(),
    env: options.env ?? {},
    args: options.args ?? [],
    interrupts,
    interrupt: () => interrupts.next(),
  };
}

/** The environment that points an example at `server`'s `model`. */
export const realOllama = (server: TestServer, model: string): Record<string, string> => ({
  OLLAMA_HOST: server.url,
  OLLAMA_MODEL: model,
});

/** The embedded simulated model, as fast as it goes. */
export const FAST_SIMULATION = { SIMULATED_LOAD_MS: '0', SIMULATED_TOKEN_MS: '0' };

/** A test server per test file, closed after it. */
export function useServer(models: Record<string, ModelScript>): () => TestServer {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startTestServer({ models });
  });
  afterAll(() => server?.close());
  return () => server!;
}

/** Resolves once `predicate` holds, polling: for output that appears while an example runs. */
export async function eventually(predicate: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The text without ANSI control sequences. */
export const plain = (text: string): string => text.replace(/\x1b(\[[0-9;?]*[a-zA-Z]|[78])/g, '');
