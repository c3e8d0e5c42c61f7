/**
 * What every example shares: its input and output (so a test can run it with fake streams), and the
 * Ollama it talks to — the real one named by `OLLAMA_HOST`, or else an embedded simulated model served
 * in-process by the project's Ollama-protocol test server.
 */
import { NEVER, type Observable, lastValueFrom, takeUntil, tap } from 'rxjs';
import { OllamaClient } from '../src/index.js';
import {
  type ModelScript,
  SIMULATED_MODEL,
  type SimulatedPace,
  type TestServer,
  simulatedModel,
  startTestServer,
} from '../src/testing/index.js';

export { SIMULATED_MODEL };

/** A terminal-like output stream; `isTTY`, `columns` and `rows` are set only on a real terminal. */
export interface Output extends NodeJS.WritableStream {
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

/** Everything an example touches outside itself. `npm run example` passes the process's own. */
export interface ExampleIO {
  stdin: NodeJS.ReadableStream;
  stdout: Output;
  stderr: Output;
  env: Readonly<Record<string, string | undefined>>;
  /** The command-line words after the example's name: usually a prompt. */
  args: readonly string[];
  /** One emission per Ctrl-C (SIGINT). Subscribing replaces Node's default of exiting at once. */
  interrupts: Observable<unknown>;
  /** Emits when the reader of stdout went away (`| head -c 50`): time to stop quietly. Default: never. */
  outputClosed?: Observable<unknown>;
}

/** Every example, by the name `npm run example -- <name>` runs it under: `examples/<name>.ts`. */
export const EXAMPLES = [
  'basic',
  'chat',
  'progress',
  'collect',
  'typewriter',
  'errors',
  'benchmark',
  'handler',
  'tokens',
  'throttle',
  'final-newline',
  'demo',
  'agent',
] as const;

/** An example: resolves to the exit code (`0` when it returns nothing); rejects for a failure to report. */
export type Example = (io: ExampleIO) => Promise<number | void>;

/** A failure an example explains itself; the runner prints its message alone, as one line. */
export class ExampleError extends Error {
  override readonly name = 'ExampleError';
}

export interface Ollama extends AsyncDisposable {
  /** A client whose default model is `model`. */
  readonly client: OllamaClient;
  readonly model: string;
  /** Whether the answers come from the embedded simulated model. */
  readonly simulated: boolean;
  /** One line saying where the answers come from, for the top of an example's output. */
  readonly banner: string;
}

export interface OpenOptions {
  /** Another embedded model than the demo's (such as `simulatedToolModel`), at the given pace. */
  simulatedScript?: (pace: SimulatedPace) => ModelScript;
}

/**
 * Connects to the Ollama of `OLLAMA_HOST` with `OLLAMA_MODEL` (default: the first installed model),
 * or, without `OLLAMA_HOST`, starts the embedded simulated model, which answers by the question.
 * `SIMULATED_LOAD_MS` and `SIMULATED_TOKEN_MS` set its pace. Dispose of the result to close the
 * connections (and the server).
 */
export async function openOllama(io: ExampleIO, options: OpenOptions = {}): Promise<Ollama> {
  const host = io.env.OLLAMA_HOST?.trim();
  if (host) return connect(host, io.env.OLLAMA_MODEL?.trim() || (await firstInstalledModel(host)));

  const { simulatedScript = simulatedModel } = options;
  const server = await startTestServer({ models: { [SIMULATED_MODEL]: simulatedScript(simulatedPace(io.env)) } });
  return connect(server.url, SIMULATED_MODEL, server);
}

function connect(host: string, model: string, server?: TestServer): Ollama {
  const client = new OllamaClient({ host, model });
  const banner = server
    ? `Simulated Ollama at ${client.host}, model ${model} (set OLLAMA_HOST to use a real one)`
    : `Ollama at ${client.host}, model ${model}`;
  return {
    client,
    model,
    simulated: Boolean(server),
    banner,
    async [Symbol.asyncDispose]() {
      await client.close();
      await server?.close();
    },
  };
}

async function firstInstalledModel(host: string): Promise<string> {
  const client = new OllamaClient({ host });
  try {
    const [first] = await client.list();
    if (!first) throw new ExampleError(`The Ollama at ${client.host} has no models. Install one first: ollama pull llama3.2`);
    return first.name;
  } finally {
    await client.close();
  }
}

function simulatedPace(env: ExampleIO['env']): { loadDelayMs?: number; tokenDelayMs?: number } {
  const ms = (name: string) => {
    const value = env[name]?.trim();
    if (!value) return undefined;
    const number = Number(value);
    if (!Number.isFinite(number) || number < 0) throw new ExampleError(`${name} must be a number of milliseconds, not "${value}"`);
    return number;
  };
  return { loadDelayMs: ms('SIMULATED_LOAD_MS'), tokenDelayMs: ms('SIMULATED_TOKEN_MS') };
}

/**
 * `openOllama`, then the top of the output: where the answers come from, and the prompt — the
 * command line's, else `fallback`.
 */
export async function openWithPrompt(io: ExampleIO, fallback: string): Promise<Ollama & { prompt: string }> {
  const ollama = await openOllama(io);
  const prompt = io.args.join(' ').trim() || fallback;
  io.stdout.write(`${ollama.banner}\n> ${prompt}\n\n`);
  return Object.assign(ollama, { prompt });
}

/** The usual example: prints the text that `answer$` makes of the prompt (`fallback` unless one is given). */
export function streamingExample(fallback: string, answer$: (prompt: string, client: OllamaClient) => Observable<string>): Example {
  return async (io) => {
    await using ollama = await openWithPrompt(io, fallback);
    await print(io, answer$(ollama.prompt, ollama.client));
  };
}

/**
 * Writes the strings of `text$` to stdout; resolves when it completes, rejects when it fails. When
 * the reader of stdout goes away it unsubscribes, which aborts the request, and resolves.
 */
export async function print(io: ExampleIO, text$: Observable<string>): Promise<void> {
  await lastValueFrom(
    text$.pipe(
      takeUntil(io.outputClosed ?? NEVER),
      tap((text) => text && io.stdout.write(text)),
    ),
    { defaultValue: '' },
  );
}

/** A failure as the one line the runner prints. */
export function describeFailure(error: unknown): string {
  if (error instanceof ExampleError) return error.message;
  return `Error: ${error instanceof Error ? error.message : String(error)}`;
}
