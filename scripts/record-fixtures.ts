// Records the sessions in test/fixtures/*.har through `startRecorder`, in front of the simulated
// Ollama (`ollama-rx serve --simulated`'s models at a model-like pace): a chat with thinking, a tool
// round (two requests) and an answer that fails mid-stream. The marble tests of typewriter,
// throttleChunks and firstTokenLatency replay them. Run again with: npx tsx scripts/record-fixtures.ts
import { join } from 'node:path';
import { catchError, lastValueFrom, of, toArray } from 'rxjs';
import { OllamaClient } from '../src/client/client.js';
import type { ChatMessage, ToolDefinition } from '../src/core/requests.js';
import { startRecorder } from '../src/testing/har/recorder.js';
import { simulatedModels } from '../src/testing/simulated.js';
import { startTestServer } from '../src/testing/server/index.js';

const FIXTURES = join(import.meta.dirname, '..', 'test', 'fixtures');

const WEATHER_TOOL: ToolDefinition = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The weather in a city now',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

const server = await startTestServer({ models: simulatedModels({ tokenDelayMs: 30, loadDelayMs: 250 }) });

/** Records what `session` sends through a recorder into `name`.har. */
async function record(name: string, session: (client: OllamaClient) => Promise<unknown>): Promise<void> {
  const recorder = await startRecorder({ upstream: server.url, file: join(FIXTURES, `${name}.har`) });
  const client = new OllamaClient({ host: recorder.url });
  await session(client);
  await client.close();
  await recorder.close();
  console.log(`${name}.har: ${recorder.entries.length} exchange(s)`);
}

await record('chat-thinking', (client) =>
  lastValueFrom(client.chat$({ model: 'qwen3', think: true, messages: [{ role: 'user', content: 'What is 17 × 23?' }] })),
);

await record('tool-round', async (client) => {
  const messages: ChatMessage[] = [{ role: 'user', content: 'What is the weather in Oslo?' }];
  const calls = await lastValueFrom(client.chat$({ model: 'llama3.2', messages, tools: [WEATHER_TOOL] }).pipe(toArray()));
  const toolCalls = calls.flatMap((chunk) => chunk.toolCalls ?? []);
  messages.push({ role: 'assistant', content: '', tool_calls: toolCalls });
  messages.push({ role: 'tool', tool_name: 'get_weather', content: '12 °C and clear' });
  await lastValueFrom(client.chat$({ model: 'llama3.2', messages, tools: [WEATHER_TOOL] }));
});

await record('mid-stream-error', (client) =>
  lastValueFrom(client.generate$('Tell me a story', { model: 'flaky' }).pipe(catchError(() => of(undefined)))),
);

await server.close();
