import { ChatLine, GenerateLine, decodeChatLine, decodeGenerateLine } from '../../src/protocol/lines.js';
import { OllamaError } from '../../src/core/errors.js';

/** A token line as Ollama sends it, with `extra` fields merged in. */
const generateLine = (extra: object) => ({ model: 'm', created_at: 't', response: 'x', done: false, ...extra });
const chatLine = (extra: object, message: object = {}) => ({
  model: 'm',
  created_at: 't',
  message: { role: 'assistant', content: 'x', ...message },
  done: false,
  ...extra,
});

const kindOf = (decode: (value: unknown) => unknown, value: unknown) => {
  try {
    decode(value);
    return 'accepted';
  } catch (error) {
    return (error as OllamaError).kind;
  }
};

// The token-line fast path must accept exactly what the io-ts codec accepts: a token-shaped line
// with a wrongly typed optional field is the codec's to reject.
describe('token lines: the fast path agrees with the codec', () => {
  const wrongFields = [
    { thinking: 1 },
    { done_reason: 1 },
    { total_duration: 'x' },
    { load_duration: 'x' },
    { prompt_eval_count: 'x' },
    { prompt_eval_duration: 'x' },
    { eval_count: 'x' },
    { eval_duration: null },
    { remote_model: 1 },
    { remote_host: null },
    { created_at: 1 },
    { logprobs: 'x' },
    { logprobs: [{ token: 'x' }] },
    { logprobs: [{ token: 'x', logprob: -1, bytes: ['a'] }] },
    { logprobs: [{ token: 'x', logprob: -1, top_logprobs: [{ token: 1, logprob: -1 }] }] },
  ];

  it.each([...wrongFields, { context: 'x' }, { context: ['x'] }, { tool_calls: 'x' }, { tool_calls: [{}] }])(
    'generate %j is a protocol error',
    (extra) => {
      expect(GenerateLine.is(generateLine(extra))).toBe(false);
      expect(kindOf(decodeGenerateLine, generateLine(extra))).toBe('protocol');
    },
  );

  it.each(wrongFields)('chat %j is a protocol error', (extra) => {
    expect(ChatLine.is(chatLine(extra))).toBe(false);
    expect(kindOf(decodeChatLine, chatLine(extra))).toBe('protocol');
  });

  it.each([{ thinking: 1 }, { tool_calls: 'x' }, { tool_calls: [{}] }, { role: 1 }, { content: null }])(
    'chat message %j is a protocol error',
    (message) => {
      expect(kindOf(decodeChatLine, chatLine({}, message))).toBe('protocol');
    },
  );

  it('accepts what the codec accepts, unknown fields included, and builds the same chunk', () => {
    const head = { model: 'm', createdAt: 't' };
    expect(decodeGenerateLine(generateLine({ thinking: 'hm', extra: 1 }))).toEqual({ text: 'x', done: false, ...head, thinking: 'hm' });
    expect(decodeGenerateLine(generateLine({ context: [1, 2] }))).toEqual({ text: 'x', done: false, ...head });
    expect(decodeChatLine(chatLine({ extra: 1 }, { thinking: 'hm', images: null }))).toEqual({
      text: 'x',
      done: false,
      role: 'assistant',
      ...head,
      thinking: 'hm',
    });
  });

  // A cloud model's token lines carry the remote fields on every line: they stay on the fast path.
  const remote = { remote_model: 'gpt-oss:120b', remote_host: 'https://ollama.com:443' };
  const remoteChunk = { model: 'm', createdAt: 't', remoteModel: 'gpt-oss:120b', remoteHost: 'https://ollama.com:443' };
  const logprobs = [
    {
      token: 'x',
      logprob: -0.5,
      bytes: [120],
      top_logprobs: [
        { token: 'x', logprob: -0.5, bytes: [120] },
        { token: 'y', logprob: -2 },
      ],
    },
  ];
  const chunkLogprobs = [
    {
      token: 'x',
      logprob: -0.5,
      bytes: [120],
      topLogprobs: [
        { token: 'x', logprob: -0.5, bytes: [120] },
        { token: 'y', logprob: -2 },
      ],
    },
  ];

  it.each([
    ['generate', decodeGenerateLine, generateLine],
    ['chat', decodeChatLine, (extra: object) => chatLine(extra)],
  ] as const)('%s: remote fields and log probabilities reach the chunk, on and off the fast path', (_, decode, line) => {
    expect(decode(line(remote))).toMatchObject(remoteChunk);
    expect(decode(line({ ...remote, logprobs }))).toMatchObject({ ...remoteChunk, logprobs: chunkLogprobs });
    expect(decode(line({ logprobs: [] }))).not.toHaveProperty('logprobs');
  });

  it("generate: the last line's tool calls reach the chunk", () => {
    const call = { id: 'call_1', function: { index: 0, name: 'f', arguments: { a: 1 } } };
    const last = generateLine({ done: true, done_reason: 'stop', tool_calls: [call] });
    expect(decodeGenerateLine(last)).toMatchObject({ done: true, toolCalls: [call] });
  });

  describe('chunks hold exactly the fields the line sent (no field set to undefined)', () => {
    const head = { model: 'm', createdAt: 't' };
    const metrics = {
      total_duration: 5e9,
      load_duration: 1e9,
      prompt_eval_count: 7,
      prompt_eval_duration: 2e9,
      eval_count: 12,
      eval_duration: 3e9,
    };
    const chunkMetrics = { totalMs: 5000, loadMs: 1000, promptEvalCount: 7, promptEvalMs: 2000, evalCount: 12, evalMs: 3000 };

    it('token lines, whose final fields are read only on the done line', () => {
      expect(decodeGenerateLine(generateLine({ done_reason: 'stop', ...metrics, context: [1] }))).toStrictEqual({
        text: 'x',
        done: false,
        ...head,
      });
      expect(decodeChatLine(chatLine({ done_reason: 'stop', eval_count: 1 }, { thinking: '' }))).toStrictEqual({
        text: 'x',
        done: false,
        role: 'assistant',
        ...head,
      });
    });

    it('done lines, with and without their final fields', () => {
      expect(decodeGenerateLine(generateLine({ done: true }))).toStrictEqual({ text: 'x', done: true, ...head });
      expect(decodeChatLine(chatLine({ done: true }))).toStrictEqual({ text: 'x', done: true, role: 'assistant', ...head });
      const last = { done: true, done_reason: 'stop', ...metrics };
      expect(decodeGenerateLine(generateLine({ ...last, context: [1, 2] }))).toStrictEqual({
        text: 'x',
        done: true,
        ...head,
        doneReason: 'stop',
        metrics: chunkMetrics,
        context: [1, 2],
      });
      expect(decodeChatLine(chatLine(last))).toStrictEqual({
        text: 'x',
        done: true,
        role: 'assistant',
        ...head,
        doneReason: 'stop',
        metrics: chunkMetrics,
      });
    });

    it('tool calls and log probabilities without their optional fields', () => {
      const call = { function: { name: 'f', arguments: {} } };
      const chunk = decodeChatLine(chatLine({ logprobs: [{ token: 'x', logprob: -1 }] }, { tool_calls: [call] }));
      expect(chunk.toolCalls).toStrictEqual([call]);
      expect(chunk.logprobs).toStrictEqual([{ token: 'x', logprob: -1 }]);
    });
  });

  it.each([
    ['an error line', { error: 'CUDA out of memory' }, 'server'],
    ["an unknown model's error line", { error: 'model "x" not found, try pulling it first' }, 'model_not_found'],
  ])('%s is an OllamaError of its kind, with its text as the message', (_, line, kind) => {
    for (const decode of [decodeGenerateLine, decodeChatLine]) {
      expect(() => decode(line)).toThrow(expect.objectContaining({ name: 'OllamaError', kind, message: line.error }));
    }
  });
});
