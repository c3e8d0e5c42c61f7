import { atSubscribe } from '../helpers.js';
import fc from 'fast-check';
import { lastValueFrom, toArray } from 'rxjs';
import { OllamaClient } from '../../src/client/client.js';
import { OllamaConfigError } from '../../src/core/errors.js';
import { OllamaError } from '../../src/core/errors.js';
import { toBase64 } from '../../src/protocol/images.js';
import { decodeModelDescription, decodeModelList, decodeRunningModels } from '../../src/protocol/responses.js';
import { type TestServer, startTestServer } from '../../src/testing/server/index.js';
import type {
  ChatRequest,
  EmbedRequest,
  GenerateRequest,
  ModelDescription,
  ModelInfo,
  RunningModel,
  ToolCall,
} from '../../src/core/types.js';

// Every field Ollama accepts is sent as given (api/types.go's GenerateRequest, ChatRequest, Message,
// Tool, EmbedRequest, ShowRequest), images as bytes are base64-encoded, and the answers of embed,
// list, ps and show arrive with every field Ollama sends.

const call: ToolCall = { id: 'call_1', function: { index: 0, name: 'get_weather', arguments: { city: 'Paris' } } };
const cloud = { model: 'gpt-oss:120b', host: 'https://ollama.com:443' };

let server: TestServer;
let client: OllamaClient;

beforeAll(async () => {
  server = await startTestServer({
    models: {
      local: { tokens: ['ok'], thinking: ['hm'], toolCalls: [call] },
      cloud: { tokens: ['ok'], remote: cloud },
      embedder: {},
    },
  });
  client = new OllamaClient({ host: server.url });
});
afterAll(async () => {
  await client.close();
  await server.close();
});

const lastBody = () => server.requests.at(-1)!.body;
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

describe('requests carry every field Ollama accepts', () => {
  it('generate: think levels, logprobs, truncate, shift and every other field, as given', async () => {
    const request: GenerateRequest = {
      model: 'local',
      prompt: 'p',
      suffix: 's',
      system: 'sys',
      template: '{{ .Prompt }}',
      context: [1],
      raw: false,
      format: { type: 'object' },
      keep_alive: '10m',
      think: 'max',
      truncate: false,
      shift: false,
      logprobs: true,
      top_logprobs: 20,
      options: { temperature: 0, num_ctx: 8192, num_gpu: 1, use_mmap: false, typical_p: 0.9, presence_penalty: 0.1, stop: ['\n'] },
    };
    await client.generate(request);
    expect(lastBody()).toEqual({ ...request, stream: false });
  });

  it("chat: tool messages with tool_call_id, tools with Ollama's parameters shape", async () => {
    const request: ChatRequest = {
      model: 'local',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: '', thinking: 'hm', tool_calls: [call] },
        { role: 'tool', content: '21 °C', tool_name: 'get_weather', tool_call_id: 'call_1' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Current weather',
            parameters: {
              type: 'object',
              required: ['city'],
              properties: { city: { type: 'string', description: 'City' }, unit: { type: ['string', 'null'], enum: ['C', 'F'] } },
            },
          },
        },
      ],
      think: 'low',
      truncate: true,
      shift: true,
      logprobs: true,
      top_logprobs: 2,
      keep_alive: 0,
      format: 'json',
      options: { seed: 42 },
    };
    await lastValueFrom(client.chat$(request).pipe(toArray()));
    expect(lastBody()).toEqual({ ...request, stream: true });
  });

  it('images as bytes (Uint8Array, Buffer) are sent base64-encoded, strings as they are', async () => {
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256);
    const view = new Uint8Array(bytes.buffer, 10, 20);
    await client.generate({ model: 'local', prompt: 'p', images: [bytes, Buffer.from('png'), 'aGk=', view] });
    expect(lastBody()!.images).toEqual([base64(bytes), base64(Buffer.from('png')), 'aGk=', base64(view)]);

    const messages: ChatRequest['messages'] = [{ role: 'user', content: 'see', images: [Buffer.from([0xff, 0xd8])] }];
    await client.chat({ model: 'local', messages });
    expect(lastBody()!.messages).toEqual([{ role: 'user', content: 'see', images: ['/9g='] }]);
    // The caller's objects stay as they were.
    expect(messages[0]!.images![0]).toBeInstanceOf(Uint8Array);
  });

  it('an image that is neither base64 text nor bytes is an OllamaConfigError naming it, before anything is sent', async () => {
    const sent = server.requests.length;
    const bad = { model: 'local', prompt: 'p', images: ['aGk=', 42] } as unknown as GenerateRequest;
    expect(atSubscribe(() => client.generate$(bad))).toThrow(
      new OllamaConfigError('Invalid ollama-rx request: images[1] must be base64 text or bytes (a Uint8Array), got number'),
    );
    const chat = {
      model: 'local',
      messages: [
        { role: 'user', content: 'x' },
        { role: 'user', content: 'y', images: [null] },
      ],
    } as unknown as ChatRequest;
    await expect(client.chat(chat)).rejects.toThrow('messages[1].images[0] must be base64 text or bytes (a Uint8Array), got null');
    expect(server.requests.length).toBe(sent);
  });

  it('toBase64 agrees with Buffer for any bytes, across slice boundaries', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70_000, size: 'max' }), (bytes) => toBase64(bytes) === base64(bytes)),
      { numRuns: 60 },
    );
  });
});

describe('embed', () => {
  const request: EmbedRequest = {
    model: 'embedder',
    input: ['one two', 'three'],
    dimensions: 4,
    truncate: false,
    keep_alive: '1m',
    options: { num_ctx: 512 },
  };

  it('sends dimensions, truncate, keep_alive and options; embed() still answers the vectors', async () => {
    const vectors = await client.embed(request);
    expect(lastBody()).toEqual(request);
    expect(vectors.map((vector) => vector.length)).toEqual([4, 4]);
  });

  it('embedResponse() adds the model and the timings Ollama reports', async () => {
    expect(await client.embedResponse(request)).toEqual({
      model: 'embedder',
      embeddings: await client.embed(request),
      metrics: { totalMs: 14, loadMs: 2, promptEvalCount: 3 },
    });
  });

  it("embedResponse() falls back to the client's model", async () => {
    const withModel = new OllamaClient({ host: server.url, model: 'embedder' });
    expect((await withModel.embedResponse({ input: 'x' })).model).toBe('embedder');
    await withModel.close();
  });
});

describe('list, ps and show answer every field Ollama sends', () => {
  it("list(): details, capabilities and a cloud model's remote fields", async () => {
    const models = await client.list();
    const byName = Object.fromEntries(models.map((model) => [model.name, model]));
    expect(byName.local).toEqual<ModelInfo>({
      name: 'local',
      model: 'local',
      modified_at: expect.any(String),
      size: expect.any(Number),
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      details: expect.objectContaining({ format: 'gguf', families: ['test'], context_length: 4096 }),
      capabilities: ['completion', 'tools', 'thinking'],
    });
    // Every field of Ollama's ModelDetails, in the order Go writes them.
    const detailKeys = [
      'parent_model',
      'format',
      'family',
      'families',
      'parameter_size',
      'quantization_level',
      'context_length',
      'embedding_length',
    ];
    expect(Object.keys(byName.local!.details!)).toEqual(detailKeys);
    expect(byName.cloud).toMatchObject({ remote_model: cloud.model, remote_host: cloud.host, details: { families: null } });
  });

  it('ps(): the context length a loaded model runs with', async () => {
    await client.generate({ model: 'local', prompt: 'load' });
    const running = (await client.ps()).find((model) => model.name === 'local');
    expect(running).toEqual<RunningModel>({
      name: 'local',
      model: 'local',
      size: expect.any(Number),
      digest: expect.any(String),
      details: expect.objectContaining({ format: 'gguf', families: ['test'] }),
      expires_at: expect.any(String),
      size_vram: expect.any(Number),
      context_length: 4096,
    });
  });

  it("show(): tensors and metadata; verbose sends the tokenizer's arrays whole", async () => {
    const brief = await client.show('local');
    expect(lastBody()).toEqual({ model: 'local' });
    expect(brief).toMatchObject<ModelDescription>({
      license: expect.any(String),
      modelfile: expect.any(String),
      details: expect.objectContaining({ family: 'test' }),
      capabilities: ['completion', 'tools', 'thinking'],
      tensors: expect.arrayContaining([{ name: 'token_embd.weight', type: 'Q4_0', shape: [2048, 32000] }]),
      model_info: expect.objectContaining({ 'tokenizer.ggml.tokens': [] }),
    });
    const full = await client.show('local', { verbose: true });
    expect(lastBody()).toEqual({ model: 'local', verbose: true });
    expect((full.model_info!['tokenizer.ggml.tokens'] as string[]).length).toBeGreaterThan(0);
  });

  it('show(): a ShowRequest sends system and options; a cloud model names its upstream', async () => {
    await client.show({ model: 'local', system: 'Be brief.', options: { temperature: 0 } });
    expect(lastBody()).toEqual({ model: 'local', system: 'Be brief.', options: { temperature: 0 } });
    const remote = await client.show('cloud');
    expect(remote).toMatchObject({ remote_model: cloud.model, remote_host: cloud.host });
    expect(remote.tensors).toBeUndefined();
  });
});

describe('the codecs of list, ps and show', () => {
  const listed = {
    name: 'm',
    model: 'm',
    modified_at: '2026-01-01T00:00:00Z',
    size: 1,
    digest: 'sha256:x',
    details: { parent_model: '', format: 'gguf', family: 'llama', families: null, parameter_size: '8B', quantization_level: 'Q4_K_M' },
  };

  it('accept what Ollama sends, nulls included, and pass unknown fields through', () => {
    expect(decodeModelList({ models: [{ ...listed, future: { x: 1 } }] })).toEqual([{ ...listed, future: { x: 1 } }]);
    const running = { ...listed, expires_at: 'e', size_vram: 0, context_length: 2048 };
    expect(decodeRunningModels({ models: [running] })).toEqual([running]);
    const shown = {
      model_info: null,
      tensors: [{ name: 't', type: 'F32', shape: null }],
      messages: [{ role: 'user', content: 'hi' }],
      requires: '0.12',
      later: 1,
    };
    expect(decodeModelDescription(shown)).toEqual(shown);
  });

  it.each([
    ['list', decodeModelList, { models: [{ ...listed, capabilities: 'tools' }] }, 'capabilities'],
    ['list', decodeModelList, { models: [{ ...listed, details: { families: 'llama' } }] }, 'families'],
    ['list', decodeModelList, { models: [{ ...listed, modified_at: undefined }] }, 'modified_at'],
    ['ps', decodeRunningModels, { models: [{ ...listed, expires_at: 'e', size_vram: 0, context_length: '2k' }] }, 'context_length'],
    ['show', decodeModelDescription, { tensors: [{ name: 't', type: 'F32', shape: 'x' }] }, 'shape'],
    ['show', decodeModelDescription, { capabilities: [1] }, 'capabilities'],
  ] as const)('%s: a wrongly typed field is a protocol error naming it (%#)', (_, decode, value, field) => {
    let error: unknown;
    try {
      decode(value);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(OllamaError);
    expect(error).toMatchObject({ kind: 'protocol', message: expect.stringContaining(field) });
  });
});
