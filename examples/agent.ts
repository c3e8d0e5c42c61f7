import { type Observable, defer, delay, lastValueFrom, map, of, takeUntil, tap } from 'rxjs';
import type { ToolEvent, Tools } from '../src/index.js';
import { simulatedToolModel } from '../src/testing/index.js';
import { type ExampleIO, openOllama } from './support.js';

export const summary = 'An agent with two tools: the model calls them (in parallel), then answers from their results; Ctrl-C stops it';

const QUESTION = 'What is the weather in Paris right now, and what time is it there?';

/** Made-up weather, so the example needs no network: a Promise, as most tools return. */
const WEATHER: Record<string, { temperatureC: number; conditions: string }> = {
  paris: { temperatureC: 18, conditions: 'light rain' },
  tokyo: { temperatureC: 24, conditions: 'sunny' },
};

const TIME_ZONES: Record<string, string> = { paris: 'Europe/Paris', tokyo: 'Asia/Tokyo', london: 'Europe/London' };

export const tools: Tools = {
  get_weather: {
    description: 'The current weather of a city: temperature in °C and conditions',
    parameters: { type: 'object', properties: { city: { type: 'string', description: 'The city' } }, required: ['city'] },
    execute: async ({ city }: { city: string }, { signal }) => {
      // A stand-in for a slow web API that honours the signal.
      await new Promise((resolve, reject) => {
        const pending = setTimeout(resolve, 300);
        signal.addEventListener('abort', () => (clearTimeout(pending), reject(signal.reason)), { once: true });
      });
      const weather = WEATHER[city.toLowerCase()];
      if (!weather) throw new Error(`no weather station in ${city}`);
      return { city, ...weather };
    },
  },
  get_local_time: {
    description: 'The local time of a city, as HH:MM',
    parameters: { type: 'object', properties: { city: { type: 'string', description: 'The city' } }, required: ['city'] },
    // An Observable: its last value is the result, and unsubscribing cancels it.
    execute: ({ city }: { city: string }): Observable<string> =>
      defer(() => {
        const timeZone = TIME_ZONES[city.toLowerCase()];
        if (!timeZone) throw new Error(`unknown time zone for ${city}`);
        const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' }).format(new Date());
        return of(time).pipe(delay(200));
      }),
  },
};

/** One line per event that is not answer text; the answer streams as it comes. */
function describe(event: ToolEvent): string {
  switch (event.type) {
    case 'chunk':
      return event.chunk.text;
    case 'tool-call':
      return `→ ${event.call.function.name}(${JSON.stringify(event.call.function.arguments)})\n`;
    case 'tool-result':
      return `← ${event.call.function.name}: ${typeof event.result === 'string' ? event.result : JSON.stringify(event.result)}\n`;
    case 'tool-error':
      return `✗ ${event.call.function.name}: ${event.error instanceof Error ? event.error.message : String(event.error)}\n`;
    case 'step':
      return '\n';
    case 'done':
      return event.reason === 'maxSteps' ? '\n\n(stopped: too many steps)\n' : '\n';
  }
}

export async function main(io: ExampleIO): Promise<number> {
  await using ollama = await openOllama(io, { simulatedScript: simulatedToolModel });
  const question = io.args.join(' ').trim() || QUESTION;
  io.stdout.write(`${ollama.banner}\n> ${question}\n\n`);
  let interrupted = false;
  await lastValueFrom(
    ollama.client.runTools$([{ role: 'user', content: question }], tools, { maxSteps: 4 }).pipe(
      // Ctrl-C unsubscribes: the running request is aborted, and so is every running tool's signal.
      takeUntil(io.interrupts.pipe(tap(() => (interrupted = true)))),
      map(describe),
      tap((text) => text && io.stdout.write(text)),
    ),
    { defaultValue: '' },
  );
  if (!interrupted) return 0;
  io.stdout.write('\n(cancelled)\n');
  return 130;
}
