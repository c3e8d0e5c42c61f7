import { type Observable, defer } from 'rxjs';
import { type ToolEvent, type ToolLoopOptions, type Tools, toolLoop } from '../agents/toolLoop.js';
import type { ChatMessage, ChatRequest } from '../core/types.js';
import { type SourceOptions, resolveClient } from './defaultClient.js';

/** `runTools$` options: the loop's limits and the usual per-call settings. */
export interface RunToolsOptions extends ToolLoopOptions, SourceOptions {}

/**
 * The tool-calling loop as one cold Observable. Sends the chat with the tools' definitions (derived
 * from `tools`; they replace the request's own `tools`); when the model answers with tool calls,
 * runs them in parallel, appends the assistant message and one `role: 'tool'` message per result
 * (`tool_name`, and `tool_call_id` when the call had an `id`; results that are not strings as JSON)
 * and asks again — until an answer without calls, or `maxSteps` chat requests (default 8).
 *
 * Emits every chat chunk (`chunk`), each call (`tool-call`), each result (`tool-result`) or failure
 * (`tool-error`), the history after each round of calls (`step`) and last `done` with the whole
 * history, the final answer's text and why it stopped (`'answer'` or `'maxSteps'`). A failing tool
 * or a call to an unknown tool is reported back to the model as that call's result, so it can
 * recover; with `toolErrors: 'fail'` the run errors with a `ToolCallError` instead. Unsubscribing
 * aborts the running request and the `signal` of every running tool.
 *
 * @example
 * const tools = {
 *   get_weather: {
 *     description: 'The current weather of a city',
 *     parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
 *     execute: ({ city }: { city: string }, { signal }) => fetch(`https://wttr.in/${city}?format=j1`, { signal }).then((r) => r.json()),
 *   },
 * };
 * runTools$([{ role: 'user', content: 'Is it raining in Paris?' }], tools, { model: 'llama3.2' }).subscribe((event) => {
 *   if (event.type === 'chunk') process.stdout.write(event.chunk.text);
 *   if (event.type === 'tool-call') console.log(`calling ${event.call.function.name}`);
 * });
 */
export function runTools$(request: ChatRequest | ChatMessage[], tools: Tools, options: RunToolsOptions = {}): Observable<ToolEvent> {
  return defer(() => toolLoop(resolveClient(options), request, tools, options));
}
