/**
 * `npm run demo`: streams an answer into the terminal. Without OLLAMA_HOST it serves an embedded
 * simulated model from the project's Ollama-protocol test server; with it, it asks the real Ollama.
 */
import { OllamaClient, fromOllama } from '../src/index.js';
import { simulatedModel, startTestServer } from '../src/testing/index.js';

const PROMPT = process.argv.slice(2).join(' ') || 'Why is the sky blue?';

async function main(): Promise<void> {
  const real = Boolean(process.env.OLLAMA_HOST);
  const server = real ? undefined : await startTestServer({ models: { 'simulated-llama': simulatedModel() } });
  const client = new OllamaClient(server ? { host: server.url, model: 'simulated-llama' } : {});
  const model = client.model ?? (await firstInstalledModel(client));
  process.stdout.write(`${real ? 'Ollama' : 'Simulated Ollama'} at ${client.host}, model ${model}\n> ${PROMPT}\n\n`);

  const startedAt = performance.now();
  let firstTokenMs: number | undefined;
  let tokens = 0;
  await new Promise<void>((resolve) => {
    const subscription = fromOllama({ prompt: PROMPT, model }, { client }).subscribe({
      next: (chunk) => {
        if (chunk.text) {
          firstTokenMs ??= performance.now() - startedAt;
          tokens++;
        }
        process.stdout.write(chunk.text);
      },
      error: (error: Error) => {
        process.stderr.write(`\nerror: ${error.message}\n`);
        process.exitCode = 1;
        resolve();
      },
      complete: () => {
        const seconds = (performance.now() - startedAt) / 1000;
        process.stdout.write(
          `\n\n${tokens} tokens, first token after ${Math.round(firstTokenMs ?? 0)} ms, ${(tokens / seconds).toFixed(1)} tokens/s\n`,
        );
        resolve();
      },
    });
    process.once('SIGINT', () => {
      subscription.unsubscribe();
      process.stdout.write('\n(cancelled)\n');
      process.exitCode = 130;
      resolve();
    });
  });
  await client.close();
  await server?.close();
}

async function firstInstalledModel(client: OllamaClient): Promise<string> {
  const response = await fetch(`${client.host}/api/tags`);
  const { models } = (await response.json()) as { models: { name: string }[] };
  if (!models.length) throw new Error('This Ollama has no models: run `ollama pull llama3.2` first.');
  return models[0]!.name;
}

main().catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
