import { Answer, mergeChunks } from '../../src/protocol/answer.js';
import type { StreamChunk } from '../../src/core/chunks.js';
import type { ToolCall } from '../../src/core/requests.js';

const chunk = (extra: Partial<StreamChunk> = {}): StreamChunk => ({ text: '', done: false, ...extra });
const call: ToolCall = { function: { name: 'weather', arguments: { city: 'Paris' } } };

describe('Answer', () => {
  it('has said nothing until text or a tool call arrives; reasoning alone or an empty tool list is not saying', () => {
    const answer = new Answer();
    expect(answer.saidAnything).toBe(false);
    answer.add(chunk({ thinking: 'hmm' })).add(chunk({ toolCalls: [] }));
    expect(answer.saidAnything).toBe(false);
    expect(new Answer().add(chunk({ text: 'a' })).saidAnything).toBe(true);
    expect(new Answer().add(chunk({ toolCalls: [call] })).saidAnything).toBe(true);
  });

  it('clear() starts over: empty, nothing said, no last chunk, no text', () => {
    const answer = new Answer().add(chunk({ text: 'a', thinking: 't', toolCalls: [call] }));
    expect(answer.isEmpty).toBe(false);
    answer.clear();
    expect([answer.isEmpty, answer.saidAnything, answer.last, answer.text]).toEqual([true, false, undefined, '']);
    expect(answer.add(chunk({ text: 'b' })).message()).toStrictEqual({ role: 'assistant', content: 'b' });
  });

  it('merged() of one chunk is that chunk; of several, joins them and adds no field none had', () => {
    const only = chunk({ text: 'a' });
    expect(new Answer().add(only).merged()).toBe(only);
    const last = chunk({ text: 'b', done: true, doneReason: 'stop' });
    expect(
      new Answer()
        .add(chunk({ text: 'a' }))
        .add(last)
        .merged(),
    ).toStrictEqual({ text: 'ab', done: true, doneReason: 'stop' });
    expect(mergeChunks(chunk({ thinking: 'x' }), chunk({ toolCalls: [call] }))).toStrictEqual(chunk({ thinking: 'x', toolCalls: [call] }));
  });

  it('response() and message() carry tool calls, thinking and log probabilities only when some arrived', () => {
    const plain = new Answer().add(chunk({ text: 'a' })).add(chunk({ text: 'b', done: true }));
    expect(plain.response()).toStrictEqual({ text: 'ab', success: true, done: true });
    expect(plain.message()).toStrictEqual({ role: 'assistant', content: 'ab' });
    expect(plain.text).toBe('ab');
    expect(plain.last).toStrictEqual(chunk({ text: 'b', done: true }));

    const calls = [call];
    const full = new Answer().add(chunk({ thinking: 'why', toolCalls: calls })).add(chunk({ text: 'c' }));
    const message = full.message();
    expect(message).toStrictEqual({ role: 'assistant', content: 'c', thinking: 'why', tool_calls: [call] });
    // A copy: the history keeps its calls when the answer is cleared and reused.
    message.tool_calls!.push(call);
    expect(full.response().toolCalls).toEqual([call]);
  });
});

describe('Answer joins what every chunk carried', () => {
  it('merged() joins the tool calls of all chunks; response() takes metrics and context from the last', () => {
    const second: ToolCall = { function: { name: 'time', arguments: {} } };
    expect(mergeChunks(chunk({ toolCalls: [call] }), chunk({ toolCalls: [second] })).toolCalls).toEqual([call, second]);
    const metrics = { totalDurationMs: 1 } as unknown as StreamChunk['metrics'];
    const response = new Answer()
      .add(chunk({ text: 'a' }))
      .add(chunk({ done: true, metrics, context: [1, 2] }))
      .response();
    expect([response.metrics, response.context]).toEqual([metrics, [1, 2]]);
  });
});
