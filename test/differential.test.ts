import { Ollama } from 'ollama';
import { lastValueFrom, toArray } from 'rxjs';
import { OllamaClient } from '../src/client.js';
import { type TestServer, startTestServer } from '../src/testing/server.js';
import type { GenerationMetrics, StreamChunk, ToolCall } from '../src/types.js';

// The same scripted answers read by ollama-rx and by the official `ollama` package must agree on
// text, thinking, tool calls and final metrics: users migrating lose nothing.

const toolCall: ToolCall = { id: 'call_7', function: { index: 0, name: 'lookup', arguments: { query: 'ollama', limit: 3 } } };
const scripts = {
  plain: { tokens: ['Ré', 'sumé', ' — ', '👍🏽', ' done', '\n'] },
  thinking: { thinking: ['First', ', think', '.'], tokens: ['Then', ' answer'] },
  tools: { tokens: ['Calling'], toolCalls: [toolCall] },
};

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

interface Wire {
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

function summarise(chunks: StreamChunk[]) {
  // Guards against agreeing on nothing: every script answers something.
  expect(chunks.length).toBeGreaterThan(1);
  expect(chunks.at(-1)!.metrics?.evalCount).toBeGreaterThan(0);
  return {
    text: chunks.map((c) => c.text).join(''),
    thinking: chunks.map((c) => c.thinking ?? '').join(''),
    toolCalls: chunks.flatMap((c) => (c as { toolCalls?: ToolCall[] }).toolCalls ?? []),
    metrics: chunks.at(-1)!.metrics,
    doneReason: chunks.at(-1)!.doneReason,
  };
}

describe.each(Object.keys(scripts))('model %s: ollama-rx agrees with the ollama package', (model) => {
  it('generate, streaming', async () => {
    const mine = summarise(await lastValueFrom(ours.generate$({ model, prompt: 'p' }).pipe(toArray())));
    const parts = [];
    for await (const part of await theirs.generate({ model, prompt: 'p', stream: true })) parts.push(part);
    const last = parts.at(-1)!;
    expect(mine).toEqual({
      text: parts.map((p) => p.response).join(''),
      thinking: parts.map((p) => p.thinking ?? '').join(''),
      toolCalls: [],
      metrics: metricsOf(last),
      doneReason: last.done_reason,
    });
  });

  it('generate, not streaming', async () => {
    const mine = await ours.generate({ model, prompt: 'p' });
    const answer = await theirs.generate({ model, prompt: 'p', stream: false });
    expect(mine.text).toBe(answer.response);
    expect(mine.thinking ?? '').toBe(answer.thinking ?? '');
    expect(mine.metrics).toEqual(metricsOf(answer));
    expect(mine.context).toEqual(answer.context);
  });

  it('chat, streaming', async () => {
    const messages = [{ role: 'user' as const, content: 'hi' }];
    const mine = summarise(await lastValueFrom(ours.chat$({ model, messages }).pipe(toArray())));
    const parts = [];
    for await (const part of await theirs.chat({ model, messages, stream: true })) parts.push(part);
    const last = parts.at(-1)!;
    expect(mine).toEqual({
      text: parts.map((p) => p.message.content).join(''),
      thinking: parts.map((p) => p.message.thinking ?? '').join(''),
      toolCalls: parts.flatMap((p) => p.message.tool_calls ?? []),
      metrics: metricsOf(last),
      doneReason: last.done_reason,
    });
  });

  it('chat, not streaming', async () => {
    const messages = [{ role: 'user' as const, content: 'hi' }];
    const mine = await ours.chat({ model, messages });
    const answer = await theirs.chat({ model, messages, stream: false });
    expect(mine.text).toBe(answer.message.content);
    expect(mine.thinking ?? '').toBe(answer.message.thinking ?? '');
    expect(mine.toolCalls ?? []).toEqual(answer.message.tool_calls ?? []);
    expect(mine.metrics).toEqual(metricsOf(answer));
  });
});
