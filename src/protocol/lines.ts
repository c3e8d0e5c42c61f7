import * as t from 'io-ts';
import { OllamaError } from '../core/errors.js';
import { isModelNotFound } from './errorAnswer.js';
import type { ChatChunk, GenerationMetrics, Logprob, StreamChunk, TokenLogprob, ToolCall } from '../core/types.js';
import { describeErrors, preview } from '../core/describe.js';

const WireTokenLogprob = t.intersection(
  [t.type({ token: t.string, logprob: t.number }), t.partial({ bytes: t.array(t.number) })],
  'TokenLogprob',
);

const WireLogprob = t.intersection([WireTokenLogprob, t.partial({ top_logprobs: t.array(WireTokenLogprob) })], 'Logprob');

/** Fields any line may carry. */
const WireCommon = t.partial({
  model: t.string,
  remote_model: t.string,
  remote_host: t.string,
  created_at: t.string,
  thinking: t.string,
  logprobs: t.array(WireLogprob),
});
type WireCommon = t.TypeOf<typeof WireCommon>;

/** Fields of the last line only. */
const WireFinal = t.partial({
  done_reason: t.string,
  total_duration: t.number,
  load_duration: t.number,
  prompt_eval_count: t.number,
  prompt_eval_duration: t.number,
  eval_count: t.number,
  eval_duration: t.number,
});
type WireFinal = t.TypeOf<typeof WireFinal>;

const WireToolCall = t.intersection(
  [
    t.type({
      function: t.intersection([t.type({ name: t.string, arguments: t.UnknownRecord }), t.partial({ index: t.number })]),
    }),
    t.partial({ id: t.string }),
  ],
  'ToolCall',
);

/** One line of `/api/generate` (streaming) or its whole answer (`stream: false`). */
export const GenerateLine = t.intersection(
  [
    t.type({ response: t.string, done: t.boolean }),
    WireCommon,
    // Both on the last line: `tool_calls` when the model's parser found calls in the answer.
    t.partial({ context: t.array(t.number), tool_calls: t.array(WireToolCall) }),
    WireFinal,
  ],
  'GenerateLine',
);

/** One line of `/api/chat`. */
export const ChatLine = t.intersection(
  [
    t.type({
      message: t.intersection([
        t.type({ role: t.string, content: t.string }),
        t.partial({ thinking: t.string, tool_calls: t.array(WireToolCall) }),
      ]),
      done: t.boolean,
    }),
    WireCommon,
    WireFinal,
  ],
  'ChatLine',
);

const ErrorLine = t.type({ error: t.string });

/**
 * A decoder for one endpoint's lines. Validation uses the cheap `is` guard on the hot path and runs
 * the full `decode` only to explain a line that failed it. `isTokenLine` may accept the line an
 * endpoint sends for every token before `is` runs: it must only accept values `codec.is` accepts.
 */
export function lineDecoder<A, R>(
  codec: t.Type<A, unknown, unknown>,
  build: (line: A) => R,
  isTokenLine?: (value: unknown) => value is A,
): (value: unknown) => R {
  return (value) => {
    if (isTokenLine?.(value) || codec.is(value)) return build(value);
    throw lineError(codec, value);
  };
}

/** A parsed JSON object; JSON gives no other kind of object a prototype of `Object.prototype`. */
type JsonObject = Record<string, unknown>;

const isPlainObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/** Absent or a string, as `t.partial` accepts an optional string (JSON has no `undefined`). */
const isOptionalString = (field: unknown) => field === undefined || typeof field === 'string';

/**
 * Ollama's line for each token, `{model, [remote_model, remote_host,] created_at, <text>, [thinking,]
 * done: false}`, checked with a few property reads: io-ts's generic `is` walks every optional field of the intersection with
 * keyed reads, which costs half a `JSON.parse` per line. The optional fields of the last line must
 * be absent; each is named here, not looped over, because a read of a literal name on the objects
 * `JSON.parse` makes for every line (all of one shape) costs next to nothing, while a keyed read
 * does not — and counting the keys with for-in instead costs more than all of these reads.
 */
const isPlainTokenLine = (value: unknown): value is JsonObject =>
  isPlainObject(value) &&
  value.done === false &&
  typeof value.model === 'string' &&
  typeof value.created_at === 'string' &&
  isOptionalString(value.thinking) &&
  isOptionalString(value.remote_model) &&
  isOptionalString(value.remote_host) &&
  // Lines with log probabilities (asked for) take the codec's path.
  value.logprobs === undefined &&
  value.done_reason === undefined &&
  value.total_duration === undefined &&
  value.load_duration === undefined &&
  value.prompt_eval_count === undefined &&
  value.prompt_eval_duration === undefined &&
  value.eval_count === undefined &&
  value.eval_duration === undefined;

const isGenerateTokenLine = (value: unknown): value is t.TypeOf<typeof GenerateLine> =>
  isPlainTokenLine(value) && typeof value.response === 'string' && value.context === undefined && value.tool_calls === undefined;

const isChatTokenLine = (value: unknown): value is t.TypeOf<typeof ChatLine> =>
  isPlainTokenLine(value) &&
  isPlainObject(value.message) &&
  typeof value.message.role === 'string' &&
  typeof value.message.content === 'string' &&
  isOptionalString(value.message.thinking) &&
  value.message.tool_calls === undefined;

function lineError(codec: t.Decoder<unknown, unknown>, value: unknown): OllamaError {
  // Ollama reports a failure after the 200 header as one `{"error": "..."}` line.
  if (ErrorLine.is(value)) return new OllamaError(isModelNotFound(value.error) ? 'model_not_found' : 'server', value.error);
  const result = codec.decode(value);
  const why = result._tag === 'Left' ? describeErrors(result.left) : 'unexpected shape';
  return new OllamaError('protocol', `Ollama sent a line that is not a ${codec.name}: ${why} (line: ${preview(value)})`);
}

export const decodeGenerateLine = lineDecoder(
  GenerateLine,
  (line): StreamChunk => {
    const chunk: StreamChunk = { text: line.response, done: line.done };
    addCommonFields(chunk, line);
    if (line.thinking) chunk.thinking = line.thinking;
    if (line.tool_calls?.length) chunk.toolCalls = line.tool_calls.map(toToolCall);
    if (line.done) {
      addFinalFields(chunk, line);
      if (line.context) chunk.context = line.context;
    }
    return chunk;
  },
  isGenerateTokenLine,
);

export const decodeChatLine = lineDecoder(
  ChatLine,
  (line): ChatChunk => {
    const { message } = line;
    const chunk: ChatChunk = { text: message.content, done: line.done, role: 'assistant' };
    addCommonFields(chunk, line);
    if (message.thinking) chunk.thinking = message.thinking;
    if (message.tool_calls?.length) chunk.toolCalls = message.tool_calls.map(toToolCall);
    if (line.done) addFinalFields(chunk, line);
    return chunk;
  },
  isChatTokenLine,
);

function addCommonFields(chunk: StreamChunk, line: WireCommon): void {
  if (line.model !== undefined) chunk.model = line.model;
  if (line.created_at !== undefined) chunk.createdAt = line.created_at;
  if (line.remote_model !== undefined) chunk.remoteModel = line.remote_model;
  if (line.remote_host !== undefined) chunk.remoteHost = line.remote_host;
  if (line.logprobs?.length) chunk.logprobs = line.logprobs.map(toLogprob);
}

function toTokenLogprob(wire: t.TypeOf<typeof WireTokenLogprob>): TokenLogprob {
  const result: TokenLogprob = { token: wire.token, logprob: wire.logprob };
  if (wire.bytes !== undefined) result.bytes = wire.bytes;
  return result;
}

function toLogprob(wire: t.TypeOf<typeof WireLogprob>): Logprob {
  const result: Logprob = toTokenLogprob(wire);
  if (wire.top_logprobs !== undefined) result.topLogprobs = wire.top_logprobs.map(toTokenLogprob);
  return result;
}

function toToolCall(call: t.TypeOf<typeof WireToolCall>): ToolCall {
  const { name, arguments: args, index } = call.function;
  const result: ToolCall = { function: { name, arguments: args } };
  if (index !== undefined) result.function.index = index;
  if (call.id !== undefined) result.id = call.id;
  return result;
}

function addFinalFields(chunk: StreamChunk, line: WireFinal): void {
  if (line.done_reason !== undefined) chunk.doneReason = line.done_reason;
  const metrics = toMetrics(line);
  if (metrics) chunk.metrics = metrics;
}

const NS_PER_MS = 1e6;

/** Protocol nanoseconds to milliseconds; undefined when the line carries no metric at all. */
export function toMetrics(line: WireFinal): GenerationMetrics | undefined {
  const metrics: GenerationMetrics = {};
  let any = false;
  const set = (key: keyof GenerationMetrics, value: number | undefined, scale: number) => {
    if (value === undefined) return;
    metrics[key] = value / scale;
    any = true;
  };
  set('totalMs', line.total_duration, NS_PER_MS);
  set('loadMs', line.load_duration, NS_PER_MS);
  set('promptEvalCount', line.prompt_eval_count, 1);
  set('promptEvalMs', line.prompt_eval_duration, NS_PER_MS);
  set('evalCount', line.eval_count, 1);
  set('evalMs', line.eval_duration, NS_PER_MS);
  return any ? metrics : undefined;
}
