import { settle, texts } from '../../helpers.js';
import { expectFailure, expectNothingLeftBehind, loopback } from './support.js';

const TOKEN = JSON.stringify({ model: 'm', response: 'a', done: false }) + '\n';
const DONE = JSON.stringify({ model: 'm', response: '', done: true }) + '\n';

const loop = loopback({
  models: {
    loading: { tokens: ['late'], loadDelayMs: 60_000 },
    stalls: { tokens: ['a', 'b', 'c'], faults: { stall: { afterTokens: 2, ms: 60_000 } } },
    endless: { tokens: Array.from({ length: 1_000 }, (_, i) => `${i} `), tokenDelayMs: 5 },
    // A token, then 3 s of bytes that are no chunk: blank lines, or a line in pieces.
    blankLines: { faults: { raw: [TOKEN, ...Array<string>(60).fill('\n'), DONE], rawDelayMs: 50 } },
    partialLine: { faults: { raw: [TOKEN, ...[...TOKEN.trim()].map((c) => c), '\n', DONE], rawDelayMs: 50 } },
  },
});
afterEach(() => expectNothingLeftBehind(loop));

// Limits are generous enough that a loaded machine still sends the request before they expire:
// the server must see each abort.
const lastRequest = () => loop.server.requests.at(-1);

describe('timeout faults', () => {
  it('a model load (no headers) longer than firstToken: timeout/firstToken, and the server sees the abort', async () => {
    const { values, error } = await settle(loop.client.generate$('x', { model: 'loading', timeouts: { firstToken: 400 } }));
    expect(values).toEqual([]);
    expectFailure(error, { kind: 'timeout', phase: 'firstToken', partialText: '' });
    expect((error as Error).message).toBe('timeout: no first token within 400 ms (firstToken)');
    await loop.server.until(() => lastRequest()?.disconnectedAt);
  });

  it.each(['blankLines', 'partialLine'])('%s arriving every 50 ms is no chunk: idle still expires (issue 21)', async (model) => {
    // A machine too loaded to keep 50 ms gaps under 400 ms would time out either way: never a false failure.
    const { values, error } = await settle(loop.client.generate$('x', { model, timeouts: { idle: 400 } }));
    expect(texts(values)).toBe('a');
    expectFailure(error, { kind: 'timeout', phase: 'idle', partialText: 'a' });
  });

  it('a stall mid-stream longer than idle: timeout/idle with the text so far', async () => {
    const { values, error } = await settle(loop.client.generate$('x', { model: 'stalls', timeouts: { idle: 30 } }));
    expect(texts(values)).toBe('ab');
    expectFailure(error, { kind: 'timeout', phase: 'idle', partialText: 'ab' });
    expect((error as Error).message).toBe('timeout: no chunk within 30 ms (idle)');
    await loop.server.until(() => lastRequest()?.disconnectedAt);
  });

  it('a stream longer than total: timeout/total with the text so far', async () => {
    const { values, error } = await settle(loop.client.generate$('x', { model: 'endless', timeouts: { total: 400, idle: 10_000 } }));
    expectFailure(error, { kind: 'timeout', phase: 'total', partialText: texts(values) });
    expect(texts(values)).toMatch(/^(\d+ )*$/); // how many tokens arrive in time depends on the machine's load
    expect((error as Error).message).toBe('timeout: the stream did not finish within 400 ms (total)');
    await loop.server.until(() => lastRequest()?.disconnectedAt);
  });
});
