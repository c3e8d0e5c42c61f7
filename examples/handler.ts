import { type Observable, type Observer, tap } from 'rxjs';
import { type StreamChunk, fromOllama } from '../src/index.js';
import { type ExampleIO, openWithPrompt } from './support.js';

export const summary = 'A custom stream handler: an Observer class with onChunk, onComplete and onError callbacks';

/**
 * The Python doc's StreamHandler as an RxJS Observer: subclasses say what to do with each piece of
 * text, the whole answer and a failure; the handler keeps the bookkeeping.
 */
export abstract class StreamHandler implements Observer<StreamChunk> {
  private text = '';
  private chunks = 0;

  next(chunk: StreamChunk): void {
    this.chunks++;
    this.text += chunk.text;
    if (chunk.text) this.onChunk(chunk.text);
  }

  complete(): void {
    this.onComplete(this.text, this.chunks);
  }

  error(error: unknown): void {
    this.onError(error instanceof Error ? error : new Error(String(error)), this.text);
  }

  protected abstract onChunk(text: string): void;
  protected abstract onComplete(text: string, chunks: number): void;
  protected abstract onError(error: Error, partialText: string): void;
}

/** Prints the answer as it comes, then a summary line. */
class ConsoleHandler extends StreamHandler {
  constructor(private readonly io: ExampleIO) {
    super();
  }

  protected onChunk(text: string): void {
    this.io.stdout.write(text);
  }

  protected onComplete(text: string, chunks: number): void {
    this.io.stdout.write(`\n\n[complete: ${[...text].length} characters in ${chunks} chunks]\n`);
  }

  protected onError(error: Error, partialText: string): void {
    this.io.stdout.write(`\n\n[error after ${[...partialText].length} characters: ${error.message}]\n`);
  }
}

/** Feeds `source` to `handler`; resolves when the stream has ended: whether it completed. */
function handle(source: Observable<StreamChunk>, handler: StreamHandler): Promise<boolean> {
  return new Promise((resolve) => source.pipe(tap({ complete: () => resolve(true), error: () => resolve(false) })).subscribe(handler));
}

/** Exits 1 when the stream failed: the handler has already said why. */
export async function main(io: ExampleIO): Promise<number> {
  await using ollama = await openWithPrompt(io, 'Describe a sunset in two sentences.');
  const { client, prompt } = ollama;

  return (await handle(fromOllama(prompt, { client }), new ConsoleHandler(io))) ? 0 : 1;
}
