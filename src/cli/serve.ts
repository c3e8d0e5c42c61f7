import { NEVER, firstValueFrom, merge } from 'rxjs';
import { simulatedModels } from '../testing/simulated.js';
import { startTestServer } from '../testing/server/index.js';
import type { CliIO } from './io.js';

/**
 * `ollama-rx serve --simulated`: the simulated Ollama (the demo's model and the scripted ones, by
 * name) on loopback until Ctrl-C or SIGTERM, for trying the CLI, the examples or one's own code
 * without an Ollama. Its URL is the first line on stdout, so a script can read it; the rest goes to
 * stderr. Resolves to 0 once it has stopped.
 */
export async function serve(port: number | undefined, io: CliIO): Promise<number> {
  // Listening before the URL is out: whoever reads it may stop the server at once.
  const stopped = firstValueFrom(merge(io.interrupts, io.terminations ?? NEVER));
  const models = simulatedModels();
  const server = await startTestServer({ models, port }).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'EADDRINUSE'
      ? new Error(`port ${port} is already in use; choose another with --port, or leave it out for any free one`)
      : error;
  });
  try {
    io.stdout.write(`${server.url}\n`);
    io.stderr.write(
      `Simulated Ollama at ${server.url}: no real model, scripted answers. Models: ${Object.keys(models).join(', ')}.\n` +
        `Try: OLLAMA_HOST=${server.url} ollama-rx "Why is the sky blue?"   (Ctrl-C stops it)\n`,
    );
    await stopped;
  } finally {
    await server.close();
  }
  return 0;
}
