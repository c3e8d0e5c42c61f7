// An application using the installed tarball. pack.test.ts compiles this one file twice, as
// consumer.mts (ESM: `import` and the `import` export condition) and as consumer.cts (CommonJS:
// `require` and the `require` condition), type-checks both against the shipped .d.ts, runs both
// with Node and reads the JSON line each prints.
import { lastValueFrom, toArray } from 'rxjs';
import * as root from 'ollama-rx';
import { OllamaClient, OllamaError, fromOllama } from 'ollama-rx';
import * as operators from 'ollama-rx/operators';
import { toModelResponse } from 'ollama-rx/operators';
import { startTestServer } from 'ollama-rx/testing';

async function main(): Promise<void> {
  const server = await startTestServer({ models: { tiny: { tokens: ['Hel', 'lo', '!'] } } });
  const client = new OllamaClient({ host: server.url, model: 'tiny' });
  try {
    const chunks = await lastValueFrom(fromOllama('hi', { client }).pipe(toArray()));
    const response = await lastValueFrom(client.generate$('hi').pipe(toModelResponse()));
    const failure: unknown = await lastValueFrom(fromOllama('hi', { client, model: 'nope' })).catch((error: unknown) => error);
    const result = {
      streamed: chunks.map((chunk) => chunk.text),
      response: response.text,
      failure: failure instanceof OllamaError ? failure.kind : String(failure),
      // ollama-rx re-exports every operator: the very same functions, not a second copy.
      operators: Object.keys(operators).length,
      operatorsShared: Object.entries(operators).every(([name, value]) => (root as Record<string, unknown>)[name] === value),
    };
    process.stdout.write(JSON.stringify(result) + '\n');
  } finally {
    await client.close();
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
