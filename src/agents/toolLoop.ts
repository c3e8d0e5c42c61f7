import { Observable, catchError, concat, defer, from, isObservable, last, map, merge, of, tap } from 'rxjs';
import type { AgentClient } from './agentClient.js';
import type { RequestOptions } from '../core/options.js';
import { OllamaConfigError, ToolCallError } from '../core/errors.js';
import { kindOfValue, messageOf } from '../core/describe.js';
import { Answer } from '../protocol/answer.js';
import type { ChatChunk, ChatMessage, ChatRequest, ToolCall, ToolDefinition, ToolParameters } from '../core/types.js';
import { withAbortSignal, withCallerSignal } from '../core/abort.js';

/** What a tool gets besides its arguments. */
export interface ToolContext {
  /** Aborted when the run is unsubscribed or fails: stop the work and free what it holds. */
  signal: AbortSignal;
  /** The model's call, with its `id` when the model sent one. */
  call: ToolCall;
}

/** A function the model may call: its description and JSON schema go to the model, `execute` runs it. */
// `any` by default: each tool declares its own arguments, which the model's JSON call cannot be checked against here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Tool<Args = any> {
  description?: string;
  /** A JSON schema of the arguments object, e.g. `{ type: 'object', properties: { city: { type: 'string' } } }`. */
  parameters: ToolParameters;
  /** The result: a value, a Promise, or an Observable whose last value is the result. A throw or an error is reported. */
  execute(args: Args, context: ToolContext): unknown;
}

export type Tools = Record<string, Tool>;

/** What a tool-calling run reports, in order: chunks of each answer, calls, results, rounds, the end. */
export type ToolEvent =
  | { type: 'chunk'; chunk: ChatChunk }
  | { type: 'tool-call'; call: ToolCall }
  | { type: 'tool-result'; call: ToolCall; result: unknown }
  | { type: 'tool-error'; call: ToolCall; error: unknown }
  | { type: 'step'; messages: ChatMessage[] }
  | { type: 'done'; messages: ChatMessage[]; text: string; reason: 'answer' | 'maxSteps' };

export interface ToolLoopOptions {
  /** How many chat requests at most. Default 8. */
  maxSteps?: number;
  /**
   * `'report'` (default): a tool that fails, or a call to an unknown tool, goes back to the model as
   * that tool's result (the error's message) and a `tool-error` event; `'fail'`: the run errors.
   */
  toolErrors?: 'report' | 'fail';
}

const DEFAULT_MAX_STEPS = 8;

/**
 * The tool-calling loop of one subscription: ask, run the round's calls in parallel, answer each
 * with a `tool` message, ask again — until an answer without calls or `maxSteps` requests.
 */
export function toolLoop(
  client: AgentClient,
  request: ChatRequest | ChatMessage[],
  tools: Tools,
  options: ToolLoopOptions & RequestOptions = {},
): Observable<ToolEvent> {
  // Deferred: a bad request or tool errors at subscription, like every Observable of the library.
  return defer(() => runLoop(client, request, tools, options));
}

function runLoop(
  client: AgentClient,
  request: ChatRequest | ChatMessage[],
  tools: Tools,
  options: ToolLoopOptions & RequestOptions,
): Observable<ToolEvent> {
  const chat: ChatRequest = Array.isArray(request) ? { messages: request } : request;
  // Spread into each round's history below: a missing list would fail as a TypeError mid-run.
  if (!Array.isArray(chat?.messages)) {
    throw new OllamaConfigError(`Invalid ollama-rx request: messages must be an array, got ${kindOfValue(chat?.messages)}`);
  }
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  if (!Number.isInteger(maxSteps) || maxSteps < 1)
    throw new OllamaConfigError(`maxSteps must be a whole number of at least 1, not ${String(maxSteps)}`);
  const definitions = toolDefinitions(tools);

  const step = (messages: ChatMessage[], requests: number): Observable<ToolEvent> =>
    defer(() => {
      const answer = new Answer<ChatChunk>();
      const asked = client.chat$({ ...chat, tools: definitions, messages }, options).pipe(
        tap((chunk) => answer.add(chunk)),
        map((chunk): ToolEvent => ({ type: 'chunk', chunk })),
      );
      const next = defer(() => {
        const assistant = answer.message();
        messages.push(assistant);
        const calls = assistant.tool_calls ?? [];
        if (!calls.length) return of(done(messages, answer.text, 'answer'));
        const results = new Array<ChatMessage>(calls.length);
        return concat(
          from(calls.map((call): ToolEvent => ({ type: 'tool-call', call }))),
          merge(...calls.map((call, i) => runCall(tools, call, options.toolErrors ?? 'report', (message) => (results[i] = message)))),
          defer(() => {
            messages.push(...results);
            const round = of<ToolEvent>({ type: 'step', messages: [...messages] });
            return requests >= maxSteps
              ? concat(round, of(done(messages, answer.text, 'maxSteps')))
              : concat(round, step(messages, requests + 1));
          }),
        );
      });
      return concat(asked, next);
    });

  return withCallerSignal(step([...chat.messages], 1), options.signal);
}

const done = (messages: ChatMessage[], text: string, reason: 'answer' | 'maxSteps'): ToolEvent => ({
  type: 'done',
  messages: [...messages],
  text,
  reason,
});

/**
 * The tools' definitions as Ollama's `tools` field. A tool without `execute` is the caller's bug:
 * caught here, before any request, not reported to the model as a failed call round after round.
 */
function toolDefinitions(tools: Tools): ToolDefinition[] {
  if (typeof tools !== 'object' || tools === null || Array.isArray(tools)) {
    throw new OllamaConfigError(`Invalid ollama-rx tools: expected an object of named tools, got ${kindOfValue(tools)}`);
  }
  return Object.entries(tools).map(([name, tool]) => {
    if (typeof tool?.execute !== 'function') {
      throw new OllamaConfigError(
        `Invalid ollama-rx tools: '${name}' has no execute function (got ${kindOfValue(tool ? (tool as { execute?: unknown }).execute : tool)})`,
      );
    }
    const definition: ToolDefinition = { type: 'function', function: { name, parameters: tool.parameters } };
    if (tool.description !== undefined) definition.function.description = tool.description;
    return definition;
  });
}

/** One call: its result (or reported error) as events, its `tool` message handed to `answer`. */
function runCall(
  tools: Tools,
  call: ToolCall,
  toolErrors: 'report' | 'fail',
  answer: (message: ChatMessage) => void,
): Observable<ToolEvent> {
  const name = call.function.name;
  const reply = (content: string) => {
    const message: ChatMessage = { role: 'tool', content, tool_name: name };
    if (call.id !== undefined) message.tool_call_id = call.id;
    answer(message);
  };
  const failed = (error: ToolCallError): Observable<ToolEvent> => {
    if (toolErrors === 'fail') throw error;
    reply(error.message);
    return of({ type: 'tool-error', call, error });
  };
  const tool = Object.prototype.hasOwnProperty.call(tools, name) ? tools[name] : undefined;
  if (!tool) {
    const known = Object.keys(tools).join(', ') || 'none';
    return defer(() => failed(new ToolCallError(`unknown tool '${name}' (the tools are: ${known})`, call)));
  }
  return withAbortSignal((signal) => resultOf(() => tool.execute(call.function.arguments ?? {}, { signal, call }))).pipe(
    map((result): ToolEvent => {
      reply(typeof result === 'string' ? result : (JSON.stringify(result) ?? ''));
      return { type: 'tool-result', call, result };
    }),
    catchError((error: unknown) => failed(new ToolCallError(`tool '${name}' failed: ${messageOf(error)}`, call, { cause: error }))),
  );
}

/** What `execute` gave — a value, a Promise or an Observable (its last value) — as one emission. */
function resultOf(execute: () => unknown): Observable<unknown> {
  return defer(() => {
    const result = execute();
    if (isObservable(result)) return result.pipe(last(null, undefined));
    if (isThenable(result)) return from(result);
    return of(result);
  });
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
