import type {
  ChatChunk,
  ChatMessage,
  ChatRequest,
  EmbedResponse,
  GenerateRequest,
  Logprob,
  ModelDescription,
  ModelInfo,
  ModelResponse,
  RunningModel,
  StreamChunk,
  ThinkOption,
  ToolDefinition,
} from '../../src/index.js';
import { OllamaClient } from '../../src/index.js';

// Type-level checks, enforced by `tsc` (part of `npm test`): every field Ollama accepts is sendable
// and every field it sends is typed. A `@ts-expect-error` line fails the type check if it compiles.

const expectType = <T>(value: T): T => value;

describe('the public types follow api/types.go', () => {
  it('requests accept every field Ollama does', () => {
    const levels: ThinkOption[] = [true, false, 'low', 'medium', 'high', 'max'];
    // @ts-expect-error not one of Ollama's levels
    const wrongLevel: ThinkOption = 'extreme';
    const generate: GenerateRequest = {
      prompt: 'p',
      think: 'max',
      logprobs: true,
      top_logprobs: 5,
      truncate: false,
      shift: false,
      images: [new Uint8Array([1]), Buffer.from('x'), 'aGk='],
    };
    const tool: ChatMessage = { role: 'tool', content: '21', tool_name: 'weather', tool_call_id: 'call_1', images: [new Uint8Array(0)] };
    const chat: ChatRequest = { messages: [tool], think: 'high', logprobs: true, top_logprobs: 1, truncate: true, shift: true };
    const definition: ToolDefinition = {
      type: 'function',
      function: {
        name: 'f',
        parameters: { type: 'object', required: ['a'], properties: { a: { type: ['string', 'null'], enum: ['x'] } } },
      },
    };
    // @ts-expect-error images are base64 text or bytes
    const badImage: GenerateRequest = { prompt: 'p', images: [42] };
    const client = new OllamaClient({ host: 'http://127.0.0.1:1' });
    // Compiles: show takes verbose, or a ShowRequest; embed takes Ollama's options.
    void (() => client.show('m', { verbose: true }));
    void (() => client.show({ model: 'm', system: 's', options: { num_ctx: 1 } }));
    void (() => client.embed({ input: 'x', dimensions: 8, truncate: false, keep_alive: '1m', options: { num_thread: 2 } }));
    expect([levels, wrongLevel, generate, chat, definition, badImage].length).toBe(6);
  });

  it('answers type every field Ollama sends', () => {
    const logprob: Logprob = { token: 'a', logprob: -1, bytes: [97], topLogprobs: [{ token: 'a', logprob: -1 }] };
    const chunk: StreamChunk = {
      text: '',
      done: true,
      createdAt: 't',
      remoteModel: 'r',
      remoteHost: 'h',
      logprobs: [logprob],
      toolCalls: [],
    };
    // Tool calls live on every chunk, chat's included.
    const chat: ChatChunk = { ...chunk, role: 'assistant' };
    const response: ModelResponse = {
      text: '',
      success: false,
      done: false,
      model: 'm',
      doneReason: 'length',
      logprobs: [logprob],
      toolCalls: [],
      phase: 'firstToken',
      signinUrl: 'u',
      remoteModel: 'r',
      remoteHost: 'h',
    };
    // @ts-expect-error phase is a timeout phase
    const badPhase: ModelResponse = { text: '', success: false, done: false, phase: 'later' };
    const listed: ModelInfo = {
      name: 'm',
      model: 'm',
      modified_at: 't',
      size: 1,
      digest: 'd',
      remote_model: 'r',
      remote_host: 'h',
      capabilities: ['tools'],
      details: { families: null, context_length: 1, embedding_length: 1 },
    };
    const running: RunningModel = { name: 'm', model: 'm', size: 1, digest: 'd', expires_at: 't', size_vram: 1, context_length: 4096 };
    const shown: ModelDescription = {
      tensors: [{ name: 't', type: 'F32', shape: null }],
      model_info: null,
      requires: '0.12',
      renderer: 'r',
      parser: 'p',
      messages: [],
    };
    const embedded: EmbedResponse = { model: 'm', embeddings: [[1]], metrics: { totalMs: 1, loadMs: 1, promptEvalCount: 1 } };
    expect(expectType<string | undefined>(chat.toolCalls?.[0]?.function.name)).toBeUndefined();
    expect([chunk, response, badPhase, listed, running, shown, embedded].length).toBe(7);
  });
});
