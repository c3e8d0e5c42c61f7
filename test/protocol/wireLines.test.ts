import { lastValueFrom, toArray } from 'rxjs';
import { OllamaClient } from '../../src/client/client.js';
import { type CollectOptions } from '../../src/core/options.js';
import { throttleChunks } from '../../src/operators/throttleChunks.js';
import { type TestServer, startTestServer } from '../../src/testing/server/index.js';
import type { ChatRequest, GenerateRequest, Logprob, ModelResponse, StreamChunk, ToolCall } from '../../src/core/types.js';

// Every field Ollama sends on /api/generate and /api/chat lines reaches the chunk and the
// ModelResponse: log probabilities, tool calls on generate's last line, the remote fields of a cloud
// model, created_at, the model and done_reason, a timeout's phase and a 401's signin_url.

const lookup: ToolCall = { id: 'call_7', function: { index: 0, name: 'lookup', arguments: { query: 'ollama' } } };
const cloud = { model: 'gpt-oss:120b', host: 'https://ollama.com:443' };
const TOKENS = ['Ré', 'sumé', '!'];

let server: TestServer;
let client: OllamaClient;

beforeAll(async () => {
  server = await startTestServer({
    models: {
      local: { tokens: TOKENS },
      thinker: { thinking: ['Hm', '.'], tokens: ['Yes'] },
      tools: { tokens: ['Calling'], toolCalls: [lookup] },
      cloud: { tokens: ['Hi', ' there'], remote: cloud },
      cut: { tokens: ['One', ' two'], doneReason: 'length' },
      slow: { loadDelayMs: 30_000 },
      guarded: { faults: { status: 401, body: { error: 'unauthorized', signin_url: 'https://ollama.com/connect?name=x&key=y' } } },
    },
  });
  client = new OllamaClient({ host: server.url });
});
afterAll(async () => {
  await client.close();
  await server.close();
});

const lastBody = () => server.requests.at(-1)!.body;
const utf8 = (text: string) => Array.from(new TextEncoder().encode(text));
const prompt = (model: string, extra: Partial<GenerateRequest> = {}): GenerateRequest => ({ model, prompt: 'p', ...extra });
const chat = (model: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model,
  messages: [{ role: 'user', content: 'p' }],
  ...extra,
});

type Endpoint = {
  stream(model: string, extra?: object): Promise<StreamChunk[]>;
  collect(model: string, extra: object, stream: boolean, options?: CollectOptions): Promise<ModelResponse>;
};
const endpoints: [string, Endpoint][] = [
  [
    'generate',
    {
      stream: (model, extra) => lastValueFrom(client.generate$(prompt(model, extra)).pipe(toArray())),
      collect: (model, extra, stream, options) => client.generate(prompt(model, extra), { stream, ...options }),
    },
  ],
  [
    'chat',
    {
      stream: (model, extra) => lastValueFrom(client.chat$(chat(model, extra)).pipe(toArray())),
      collect: (model, extra, stream, options) => client.chat(chat(model, extra), { stream, ...options }),
    },
  ],
];

describe.each(endpoints)('%s', (_, endpoint) => {
  it('streams one log probability per token with its UTF-8 bytes and top alternatives, when asked', async () => {
    const chunks = await endpoint.stream('local', { logprobs: true, top_logprobs: 3 });
    expect(lastBody()).toMatchObject({ logprobs: true, top_logprobs: 3 });
    const tokenChunks = chunks.filter((chunk) => !chunk.done);
    expect(tokenChunks.map((chunk) => chunk.logprobs?.map((entry) => entry.token))).toEqual(TOKENS.map((token) => [token]));
    const first = tokenChunks[0]!.logprobs![0]!;
    expect(first).toEqual({
      token: 'Ré',
      logprob: expect.any(Number),
      bytes: utf8('Ré'),
      topLogprobs: [
        { token: 'Ré', logprob: first.logprob, bytes: utf8('Ré') },
        { token: 'Ré~1', logprob: first.logprob - 1, bytes: utf8('Ré~1') },
        { token: 'Ré~2', logprob: first.logprob - 2, bytes: utf8('Ré~2') },
      ],
    });
    expect(chunks.at(-1)!.logprobs).toBeUndefined();
  });

  it('sends no alternatives without top_logprobs, and no log probabilities unless asked', async () => {
    const plain = await endpoint.stream('local', { logprobs: true });
    expect(plain[0]!.logprobs).toEqual([{ token: 'Ré', logprob: expect.any(Number), bytes: utf8('Ré') }]);
    const none = await endpoint.stream('local');
    expect(none.some((chunk) => 'logprobs' in chunk)).toBe(false);
  });

  it.each([true, false])('ModelResponse holds every log probability in order (stream: %s)', async (stream) => {
    const response = await endpoint.collect('thinker', { logprobs: true, top_logprobs: 1 }, stream);
    expect(response.logprobs?.map((entry: Logprob) => entry.token)).toEqual(['Hm', '.', 'Yes']);
    expect(response.logprobs?.every((entry) => entry.topLogprobs?.length === 1)).toBe(true);
    expect(response).toMatchObject({ success: true, text: 'Yes', thinking: 'Hm.' });
  });

  it("carries created_at on every chunk and a cloud model's remote_model and remote_host", async () => {
    const chunks = await endpoint.stream('cloud');
    expect(chunks.length).toBe(3);
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ model: 'cloud', remoteModel: cloud.model, remoteHost: cloud.host });
      expect(chunk.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    }
    const local = await endpoint.stream('local');
    expect(local.some((chunk) => 'remoteModel' in chunk || 'remoteHost' in chunk)).toBe(false);
  });

  it.each([true, false])('ModelResponse names the model, the remote model and why generation stopped (stream: %s)', async (stream) => {
    expect(await endpoint.collect('cloud', {}, stream)).toMatchObject({
      success: true,
      text: 'Hi there',
      model: 'cloud',
      remoteModel: cloud.model,
      remoteHost: cloud.host,
      doneReason: 'stop',
    });
    expect(await endpoint.collect('cut', {}, stream)).toMatchObject({ text: 'One two', model: 'cut', doneReason: 'length' });
  });

  it.each([true, false])('tool calls reach the last chunk and the ModelResponse (stream: %s)', async (stream) => {
    const chunks = await endpoint.stream('tools');
    expect(chunks.flatMap((chunk) => chunk.toolCalls ?? [])).toEqual([lookup]);
    expect(chunks.at(-1)!.toolCalls).toEqual([lookup]);
    expect(await endpoint.collect('tools', {}, stream)).toMatchObject({ success: true, text: 'Calling', toolCalls: [lookup] });
  });

  it("a timeout's ModelResponse names the phase that expired", async () => {
    // The model takes 30 s to load: the first-token limit expires long before, however loaded the machine.
    const response = await endpoint.collect('slow', {}, true, { timeouts: { firstToken: 500 } });
    expect(response).toMatchObject({ success: false, kind: 'timeout', phase: 'firstToken' });
  });

  it("a 401's ModelResponse carries the sign-in URL", async () => {
    expect(await endpoint.collect('guarded', {}, false)).toMatchObject({
      success: false,
      statusCode: 401,
      kind: 'http',
      signinUrl: 'https://ollama.com/connect?name=x&key=y',
    });
  });
});

describe('operators keep the new fields', () => {
  it('throttleChunks joins the log probabilities of the chunks it merges, in order', async () => {
    const merged = await lastValueFrom(client.generate$(prompt('local', { logprobs: true })).pipe(throttleChunks(1_000), toArray()));
    expect(merged.flatMap((chunk) => chunk.logprobs ?? []).map((entry) => entry.token)).toEqual(TOKENS);
  });
});

describe("the test server writes lines as Ollama's Go structs serialise", () => {
  const linesOf = async (path: string, body: object) => {
    const response = await fetch(`${server.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
    return (await response.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  };
  const metrics = ['total_duration', 'load_duration', 'prompt_eval_count', 'prompt_eval_duration', 'eval_count', 'eval_duration'];
  const head = ['model', 'remote_model', 'remote_host', 'created_at'];

  it('generate: GenerateResponse field order, logprobs last', async () => {
    const lines = await linesOf('/api/generate', { model: 'cloud', prompt: 'p', logprobs: true, top_logprobs: 1 });
    expect(Object.keys(lines[0]!)).toEqual([...head, 'response', 'done', 'logprobs']);
    expect(Object.keys((lines[0]!.logprobs as object[])[0]!)).toEqual(['token', 'logprob', 'bytes', 'top_logprobs']);
    expect(Object.keys(lines.at(-1)!)).toEqual([...head, 'response', 'done', 'done_reason', 'context', ...metrics]);
    const tools = await linesOf('/api/generate', { model: 'tools', prompt: 'p' });
    expect(Object.keys(tools.at(-1)!)).toEqual([
      'model',
      'created_at',
      'response',
      'done',
      'done_reason',
      'context',
      ...metrics,
      'tool_calls',
    ]);
  });

  it('chat: ChatResponse field order, logprobs before the metrics', async () => {
    const [whole] = await linesOf('/api/chat', {
      model: 'cloud',
      messages: [{ role: 'user', content: 'p' }],
      stream: false,
      logprobs: true,
    });
    expect(Object.keys(whole!)).toEqual([...head, 'message', 'done', 'done_reason', 'logprobs', ...metrics]);
    const lines = await linesOf('/api/chat', { model: 'cloud', messages: [{ role: 'user', content: 'p' }], logprobs: true });
    expect(Object.keys(lines[0]!)).toEqual([...head, 'message', 'done', 'logprobs']);
  });
});
