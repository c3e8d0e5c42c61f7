import { lastValueFrom } from 'rxjs';
import { fromOllama, streamTimings } from '../src/index.js';
import { type ExampleIO, ExampleError, openWithPrompt } from './support.js';

export const summary = 'Benchmark: a non-streaming request against a streaming one (first token, total, tokens/s)';

const ms = (value: number | undefined) => (value === undefined ? '–' : `${Math.round(value)} ms`);

export async function main(io: ExampleIO): Promise<void> {
  await using ollama = await openWithPrompt(io, 'Write a haiku about the sea.');
  const { client, prompt } = ollama;

  // An empty prompt only loads the model (Ollama's way to preload one): neither measurement below
  // should include the load.
  io.stdout.write('Loading the model…\n');
  await client.generate('');

  const startedAt = performance.now();
  const whole = await client.generate(prompt);
  const wholeMs = performance.now() - startedAt;
  if (!whole.success) throw new ExampleError(`The non-streaming request failed: ${whole.error}`);

  const timings = await lastValueFrom(fromOllama(prompt, { client }).pipe(streamTimings()));
  const rate = timings.tokensPerSecond === undefined ? '' : ` at ${timings.tokensPerSecond.toFixed(1)} tokens/s`;
  io.stdout.write(
    `Non-streaming: the whole answer after ${ms(wholeMs)}\n` +
      `Streaming:     the first token after ${ms(timings.firstTokenMs)}, the whole answer after ${ms(timings.totalMs)}\n` +
      `               ${timings.tokens} tokens in ${timings.chunks} chunks${rate}\n`,
  );
  if (ollama.simulated) {
    io.stdout.write(
      '\n(The simulated model pauses SIMULATED_LOAD_MS on every request, so both figures include a load: measure a real Ollama.)\n',
    );
  }
}
