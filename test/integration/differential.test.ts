import { Ollama } from 'ollama';
import { lastValueFrom, toArray } from 'rxjs';
import { OllamaClient } from '../../src/client/client.js';
import { type TestServer, startTestServer } from '../../src/testing/server/index.js';
import type { GenerationMetrics, Logprob, StreamChunk, ToolCall } from '../../src/core/types.js';

// The same scripted answers read by ollama-rx and by the official `ollama` package must agree on
// text, thinking, tool calls, log probabilities, the line heads (`created_at`, a cloud model's
// `remote_model`/`remote_host`) and final metrics: users migrating lose nothing. Every request asks
// for log probabilities with alternatives, so a dropped or renamed field fails here.

const toolCall: ToolCall = { id: 'call_7', function: { index: 0, name: 'lookup', arguments: { query: 'ollama', limit: 3 } } };
const scripts = {
  plain: { tokens: ['Ré', 'sumé', ' — ', '👍🏽', ' done', '\n'] },
  thinking: { thinking: ['First', ', think', '.'], tokens: ['Then', ' answer'] },
  tools: { tokens: ['Calling'], toolCalls: [toolCall] },
  cloud: { tokens: ['From', ' the', ' cloud'], remote: { model: 'gpt-oss:120b', host: 'https://ollama.com:443' } },
};
const asks = { logprobs: true, top_logprobs: 2 };

let server: TestServer;
let ours: OllamaClient;
let theirs: Ollama;

beforeAll(async () => {
  server = await startTestServer({ models: scripts });
  ours = new OllamaClient({ host: server.url });
  theirs = new Ollama({ host: server.url });
});
afterAll(async () => {
  await ours.close();
  await server.close();
});

interface WireTokenLogprob {
  token: string;
  logprob: number;
  bytes?: number[];
}
interface Wire {
  model?: string;
  created_at?: Date | string;
  remote_model?: string;
  remote_host?: string;
  logprobs?: (WireTokenLogprob & { top_logprobs?: WireTokenLogprob[] })[];
  tool_calls?: ToolCall[];
  total_duration?: number;
  load_duration?: number;
  prompt_eval_count?: number;
  prompt_eval_duration?: number;
  eval_count?: number;
  eval_duration?: number;
  done_reason?: string;
}

/** Their nanosecond wire metrics in our milliseconds. */
function metricsOf(wire: Wire): GenerationMetrics {
  return {
    totalMs: wire.total_duration! / 1e6,
    loadMs: wire.load_duration! / 1e6,
    promptEvalCount: wire.prompt_eval_count!,
    promptEvalMs: wire.prompt_eval_duration! / 1e6,
    evalCount: wire.eval_count!,
    evalMs: wire.eval_duration! / 1e6,
  };
}

/** Their wire log probabilities in our camelCase. */
function logprobsOf(wire: Wire): Logprob[] {
  return (wire.logprobs ?? []).map(({ top_logprobs, ...entry }) => (top_logprobs ? { ...entry, topLogprobs: top_logprobs } : entry));
}

/** Two requests are answered at two times: a timestamp is compared by its RFC 3339 shape. */
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
const timestamp = (value: unknown) => (typeof value === 'string' && RFC3339.test(value) ? 'RFC 3339' : value);

/** The fields of every line, theirs read off the wire, ours off the chunk. */
function headOf(wire: Wire) {
  return { model: wire.model, createdAt: timestamp(wire.created_at), remoteModel: wire.remote_model, remoteHost: wire.remote_host };
}
const ourHead = (chunk: StreamChunk) => ({
  model: chunk.model,
  createdAt: timestamp(chunk.createdAt),
  remoteModel: chunk.remoteModel,
  remoteHost: chunk.remoteHost,
});

function summarise(chunks: StreamChunk[]) {
  // Guards against agreeing on nothing: every script answers something, with log probabilities.
  expect(chunks.length).toBeGreaterThan(1);
  expect(chunks.at(-1)!.metrics?.evalCount).toBeGreaterThan(0);
  expect(chunks.flatMap((c) => c.logprobs ?? []).length).toBeGreaterThan(0);
  return {
    text: chunks.map((c) => c.text).join(''),
    thinking: chunks.map((c) => c.thinking ?? '').join(''),
    toolCalls: chunks.flatMap((c) => c.toolCalls ?? []),
    logprobs: chunks.map((c) => c.logprobs ?? []),
    heads: chunks.map(ourHead),
    metrics: chunks.at(-1)!.metrics,
    doneReason: chunks.at(-1)!.doneReason,
  };
}

describe.each(Object.keys(scripts))('model %s: ollama-rx agrees with the ollama package', (model) => {
  it('generate, streaming', async () => {
    const mine = summarise(await lastValueFrom(ours.generate$({ model, prompt: 'p', ...asks }).pipe(toArray())));
    const parts: (Wire & { response?: string; thinking?: string })[] = [];
    for await (const part of await theirs.generate({ model, prompt: 'p', stream: true, ...asks })) parts.push(part);
    const last = parts.at(-1)!;
    expect(mine).toEqual({
      text: parts.map((p) => p.response).join(''),
      thinking: parts.map((p) => p.thinking ?? '').join(''),
      toolCalls: parts.flatMap((p) => p.tool_calls ?? []),
      logprobs: parts.map(logprobsOf),
      heads: parts.map(headOf),
      metrics: metricsOf(last),
      doneReason: last.done_reason,
    });
  });

  it('generate, not streaming', async () => {
    const mine = await ours.generate({ model, prompt: 'p', ...asks });
    const answer: Wire & Awaited<ReturnType<Ollama['generate']>> = await theirs.generate({ model, prompt: 'p', stream: false, ...asks });
    expect(mine.text).toBe(answer.response);
    expect(mine.thinking ?? '').toBe(answer.thinking ?? '');
    expect(mine.toolCalls ?? []).toEqual(answer.tool_calls ?? []);
    expect(mine.logprobs).toEqual(logprobsOf(answer));
    expect(mine).toMatchObject({ model: answer.model, doneReason: answer.done_reason });
    expect([mine.remoteModel, mine.remoteHost]).toEqual([answer.remote_model, answer.remote_host]);
    expect(mine.metrics).toEqual(metricsOf(answer));
    expect(mine.context).toEqual(answer.context);
  });

  it('chat, streaming', async () => {
    const messages = [{ role: 'user' as const, content: 'hi' }];
    const mine = summarise(await lastValueFrom(ours.chat$({ model, messages, ...asks }).pipe(toArray())));
    const parts: (Wire & Awaited<ReturnType<Ollama['chat']>>)[] = [];
    for await (const part of await theirs.chat({ model, messages, stream: true, ...asks })) parts.push(part);
    const last = parts.at(-1)!;
    expect(mine).toEqual({
      text: parts.map((p) => p.message.content).join(''),
      thinking: parts.map((p) => p.message.thinking ?? '').join(''),
      toolCalls: parts.flatMap((p) => p.message.tool_calls ?? []),
      logprobs: parts.map(logprobsOf),
      heads: parts.map(headOf),
      metrics: metricsOf(last),
      doneReason: last.done_reason,
    });
  });

  it('chat, not streaming', async () => {
    const messages = [{ role: 'user' as const, content: 'hi' }];
    const mine = await ours.chat({ model, messages, ...asks });
    const answer: Wire & Awaited<ReturnType<Ollama['chat']>> = await theirs.chat({ model, messages, stream: false, ...asks });
    expect(mine.text).toBe(answer.message.content);
    expect(mine.thinking ?? '').toBe(answer.message.thinking ?? '');
    expect(mine.toolCalls ?? []).toEqual(answer.message.tool_calls ?? []);
    expect(mine.logprobs).toEqual(logprobsOf(answer));
    expect(mine).toMatchObject({ model: answer.model, doneReason: answer.done_reason });
    expect([mine.remoteModel, mine.remoteHost]).toEqual([answer.remote_model, answer.remote_host]);
    expect(mine.metrics).toEqual(metricsOf(answer));
  });
});
