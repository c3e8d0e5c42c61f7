import { ChatLine, GenerateLine, decodeChatLine, decodeGenerateLine } from '../../src/protocol/lines.js';
import { OllamaError } from '../../src/errors.js';

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
  ];

  it.each([...wrongFields, { context: 'x' }, { context: ['x'] }])('generate %j is a protocol error', (extra) => {
    expect(GenerateLine.is(generateLine(extra))).toBe(false);
    expect(kindOf(decodeGenerateLine, generateLine(extra))).toBe('protocol');
  });

  it.each(wrongFields)('chat %j is a protocol error', (extra) => {
    expect(ChatLine.is(chatLine(extra))).toBe(false);
    expect(kindOf(decodeChatLine, chatLine(extra))).toBe('protocol');
  });

  it.each([{ thinking: 1 }, { tool_calls: 'x' }, { tool_calls: [{}] }])('chat message %j is a protocol error', (message) => {
    expect(kindOf(decodeChatLine, chatLine({}, message))).toBe('protocol');
  });

  it('accepts what the codec accepts, unknown fields included, and builds the same chunk', () => {
    expect(decodeGenerateLine(generateLine({ thinking: 'hm', extra: 1 }))).toEqual({ text: 'x', done: false, model: 'm', thinking: 'hm' });
    expect(decodeGenerateLine(generateLine({ context: [1, 2] }))).toEqual({ text: 'x', done: false, model: 'm' });
    expect(decodeChatLine(chatLine({ extra: 1 }, { thinking: 'hm', images: null }))).toEqual({
      text: 'x',
      done: false,
      role: 'assistant',
      model: 'm',
      thinking: 'hm',
    });
  });
});
